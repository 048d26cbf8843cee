// What start-up loads: botbuilder-dialogs (and the dialogs) only on the first Teams turn, nodemailer only with
// SMTP configured, botbuilder only on the first Teams request, the zxcvbn dictionaries only on the first password
// checked. Each was a large share of start-up time and idle memory (issue 9's start-up and RSS goals).
describe('modules loaded by requiring the composition root', () => {
  afterEach(() => jest.resetModules());

  it.each(['botbuilder-dialogs', 'nodemailer'])('does not load %s', (heavy) => {
    let loaded = false;
    jest.isolateModules(() => {
      jest.doMock(heavy, () => {
        loaded = true;
        return jest.requireActual(heavy);
      });
      require('../../src/index');
    });
    expect(loaded).toBe(false);
  });
});

describe('the twilio SDK', () => {
  afterEach(() => jest.resetModules());

  it('is loaded by the first send, not when the Twilio adapter is built at start-up', async () => {
    let loaded = false;
    let telephony: import('../../src/telephony/twilioTelephony').TwilioTelephony | undefined;
    jest.isolateModules(() => {
      jest.doMock('twilio', () => {
        loaded = true;
        return jest.requireActual('twilio');
      });
      const { TwilioTelephony } = require('../../src/telephony/twilioTelephony') as typeof import('../../src/telephony/twilioTelephony');
      telephony = new TwilioTelephony({
        config: { accountSid: `AC${'0'.repeat(32)}`, authToken: 'token', fromNumber: '+12065550100', apiBaseUrl: 'http://127.0.0.1:9' },
        publicBaseUrl: 'https://signet.example.test',
        answeringMachineDetection: false,
      } as ConstructorParameters<typeof TwilioTelephony>[0]);
    });
    expect(loaded).toBe(false);
    const purpose = { kind: 'enrollment', userId: 'u1', refId: 'e1' } as const;
    // Port 9 (discard) refuses the connection: the send fails, but only after the SDK was loaded to make it.
    const receipt = await telephony!.sendSms({ to: '+14255550123', body: 'hello', locale: 'en-US', purpose });
    expect(loaded).toBe(true);
    expect(receipt.ok).toBe(false);
  });
});

describe('a whole start-up (main: stores, directory, every route, language models, listening)', () => {
  afterEach(() => jest.resetModules());

  // Idle RSS went from 113 MB to 168 MB when the password-strength dictionaries and botbuilder were loaded by start-up.
  it('loads neither botbuilder nor the password dictionaries; the first dialog-state access and password check do', async () => {
    const loaded = new Set<string>();
    jest.resetModules();
    for (const heavy of ['botbuilder', '@zxcvbn-ts/core', '@zxcvbn-ts/language-en']) {
      jest.doMock(heavy, () => {
        loaded.add(heavy);
        return jest.requireActual(heavy);
      });
    }
    const { main } = require('../../src/index') as typeof import('../../src/index');
    const app = await main(
      { NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1' },
      { exit: (code) => { throw new Error(`exit ${code}`); }, stderr: () => undefined, onSignal: () => undefined, logSink: () => undefined },
    );
    try {
      expect(app).toBeDefined();
      expect([...loaded]).toEqual([]);

      await app!.botStorage.read(['conversation/someone']);
      expect([...loaded]).toEqual(['botbuilder']);
      const { checkNewPassword } = require('../../src/security/passwordStrength') as typeof import('../../src/security/passwordStrength');
      expect(checkNewPassword('correct horse battery staple', null, { minLength: 8, minStrength: 3, bannedWords: [] }).ok).toBe(true);
      expect(loaded).toEqual(new Set(['botbuilder', '@zxcvbn-ts/core', '@zxcvbn-ts/language-en']));
    } finally {
      await app?.shutdown('SIGTERM');
    }
  });
});
