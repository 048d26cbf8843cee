// SMS end to end: Signet texts through the real twilio SDK (a local fake REST API), the person replies, and the
// signed webhook verifies them, with the Teams chat told; keywords, retries, unknown numbers and refused signatures.
import { parseXml } from '../../support/twimlParser';
import { enrollPhone, lastTextedCode, OTHER_PHONE, PHONE, PUBLIC_BASE_URL, startTwilioApp, type TwilioApp } from '../../support/twilioAppHarness';
import { twilioSignature } from '../../support/twilioSigner';

const SMS_PATH = '/api/twilio/sms';
let sidCounter = 0;
const inbound = (body: string, from = PHONE): Record<string, string> => ({
  MessageSid: `SMin${String(++sidCounter).padStart(30, '0')}`,
  AccountSid: 'AC0123456789abcdef0123456789abcdef',
  From: from,
  To: '+12065550100',
  Body: body,
  NumMedia: '0',
});

/** The text of the TwiML <Message>, or null for an empty <Response/>. */
function messageOf(xml: string): string | null {
  const root = parseXml(xml);
  expect(root.name).toBe('Response');
  const message = root.children.find((c) => c.name === 'Message');
  return message ? message.text : null;
}

describe('SMS over Twilio', () => {
  let app: TwilioApp;
  beforeEach(async () => {
    app = await startTwilioApp();
  });
  afterEach(async () => {
    await app.close();
  });

  it('when a person replies to the enrollment text with the code, then the phone is verified, the reply says so and Teams is told', async () => {
    const user = await enrollPhone(app, 'sms');
    const [sent] = app.api.messages();
    expect(sent!.username).toBe(app.config.twilio!.accountSid);
    expect(sent!.params).toMatchObject({ To: PHONE, From: '+12065550100' });
    expect(sent!.params['StatusCallback']).toMatch(new RegExp(`^${PUBLIC_BASE_URL}/api/twilio/status/message\\?kind=enrollment&user=aad-phone-1&ref=`));
    expect(sent!.params['Body']).toContain('Signet Demo School');

    const res = await app.post(SMS_PATH, inbound(`  ${lastTextedCode(app.api)} `));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/xml/);
    expect(messageOf(res.text)).toContain(app.render('en-US', { key: 'enrollment.verified.phone', params: { phone: '+1 206 555 0123' } }));

    const stored = await app.stores.users.get(user.id);
    expect(stored?.enrollment?.step.name).toBe('verified');
    expect(stored?.methods.map((m) => m.kind)).toEqual(['mobilePhone']);
    expect(app.notifications.items.map((n) => [n.channel, n.message.key])).toContainEqual(['teams', 'enrollment.verified.phone']);
  });

  it('when the reply has a wrong code, then the person is told how many attempts are left and nothing is verified', async () => {
    const user = await enrollPhone(app, 'sms');
    const wrong = lastTextedCode(app.api) === '000000' ? '111111' : '000000';
    const res = await app.post(SMS_PATH, inbound(wrong));
    expect(messageOf(res.text)).toBe(app.render('en-US', { key: 'enrollment.code.wrong', params: { attemptsLeft: 4 } }));
    expect((await app.stores.users.get(user.id))?.enrollment?.step.name).toBe('codeSent');
  });

  it('when a sign-in challenge is waiting for a texted code, then the reply approves it', async () => {
    const user = await enrollPhone(app, 'sms');
    await app.post(SMS_PATH, inbound(lastTextedCode(app.api)));
    const challenge = await app.core.verification.start(
      { userId: user.id, clientId: 'vpn', method: 'sms', target: PHONE, extension: null, context: { ip: null, application: 'VPN', location: null }, locale: 'en-GB' },
      'api',
    );
    expect(app.api.messages().at(-1)!.params['StatusCallback']).toContain('kind=verification');
    const res = await app.post(SMS_PATH, inbound(lastTextedCode(app.api)));
    expect(messageOf(res.text)).toBe(app.render('en-GB', { key: 'verification.approved' }));
    expect((await app.stores.challenges.get(challenge.id))?.status).toBe('approved');
  });

  it('when the same MessageSid is delivered twice, then it is processed once and both answers are the same', async () => {
    const user = await enrollPhone(app, 'sms');
    const wrong = lastTextedCode(app.api) === '000000' ? '111111' : '000000';
    const params = inbound(wrong);
    const first = await app.post(SMS_PATH, params);
    const second = await app.post(SMS_PATH, params);
    expect(second.text).toBe(first.text);
    const step = (await app.stores.users.get(user.id))?.enrollment?.step;
    expect(step?.name === 'codeSent' && step.attempts).toBe(1);
  });

  it('when a number with nothing pending texts, then the neutral answer is the same as for a number nobody registered', async () => {
    const user = await enrollPhone(app, 'sms');
    await app.post(SMS_PATH, inbound(lastTextedCode(app.api)));
    expect((await app.stores.users.get(user.id))?.methods).toHaveLength(1);

    const registered = await app.post(SMS_PATH, inbound('123456', PHONE));
    const stranger = await app.post(SMS_PATH, inbound('123456', OTHER_PHONE));
    expect(messageOf(registered.text)).toBe(messageOf(stranger.text));
    expect(messageOf(stranger.text)).toBe(app.render('en-US', { key: 'sms.inbound.unknown', params: { org: 'Signet Demo School' } }));
  });

  it('when HELP (or info) is texted, then the answer names the help desk contact', async () => {
    for (const word of ['HELP', ' info ']) {
      const res = await app.post(SMS_PATH, inbound(word, OTHER_PHONE));
      const text = messageOf(res.text)!;
      expect(text).toContain('+1 555 0100');
      expect(text).toContain('https://help.signet-demo.example');
    }
  });

  it('when STOP is texted, then a new text to that number is refused before Twilio is asked, and START allows it again', async () => {
    const stop = await app.post(SMS_PATH, inbound('Stop', PHONE));
    expect(messageOf(stop.text)).toBeNull();
    await expect(app.stores.optOuts.get(PHONE)).resolves.toMatchObject({ optedOut: true, keyword: 'STOP' });

    const user = await enrollPhone(app, 'sms');
    expect(app.api.messages()).toHaveLength(0);
    const step = (await app.stores.users.get(user.id))?.enrollment?.step;
    expect(step?.name === 'codeSent' && step.deliveryFailure).toBe('optedOut');

    const start = await app.post(SMS_PATH, inbound('START', PHONE));
    expect(messageOf(start.text)).toBe(app.render('en-US', { key: 'sms.keyword.started', params: { org: 'Signet Demo School' } }));
    app.clock.advance(60_000);
    await app.core.enrollment.apply(user.id, { type: 'resend' }, { channel: 'teams' });
    expect(app.api.messages()).toHaveLength(1);
  });

  it.each(['STOPALL', 'unsubscribe', 'Cancel', 'END', 'quit', 'REVOKE', 'optout'])('when "%s" is texted, then it counts as STOP', async (word) => {
    await app.post(SMS_PATH, inbound(word, OTHER_PHONE));
    await expect(app.stores.optOuts.get(OTHER_PHONE)).resolves.toMatchObject({ optedOut: true, keyword: word.toUpperCase() });
  });

  it('when STOP is part of a longer message, then it is not a keyword', async () => {
    await app.post(SMS_PATH, inbound('please stop', OTHER_PHONE));
    await expect(app.stores.optOuts.get(OTHER_PHONE)).resolves.toBeNull();
  });

  it.each<[string, (params: Record<string, string>, path: string) => { signature?: string | null; signedUrl?: string }]>([
    ['missing', () => ({ signature: null })],
    ['forged (another token)', (params, path) => ({ signature: twilioSignature('not-the-token', `${PUBLIC_BASE_URL}${path}`, params) })],
    ['computed over another URL', () => ({ signedUrl: 'https://evil.example.test/api/twilio/sms' })],
    ['computed over the internal host instead of PUBLIC_BASE_URL', (_p, path) => ({ signedUrl: `http://127.0.0.1${path}` })],
    ['computed over other params', (params, path) => ({ signature: twilioSignature('signet-test-auth-token-0123456789', `${PUBLIC_BASE_URL}${path}`, { ...params, Body: '999999' }) })],
  ])('when the signature is %s, then 403 and nothing is processed', async (_what, sign) => {
    const user = await enrollPhone(app, 'sms');
    const params = inbound(lastTextedCode(app.api));
    const res = await app.post(SMS_PATH, params, sign(params, SMS_PATH));
    expect(res.status).toBe(403);
    expect((await app.stores.users.get(user.id))?.enrollment?.step.name).toBe('codeSent');
    await expect(app.stores.webhooks.get(`sms:${params['MessageSid']}`)).resolves.toBeNull();

    const stop = inbound('STOP');
    expect((await app.post(SMS_PATH, stop, sign(stop, SMS_PATH))).status).toBe(403);
    await expect(app.stores.optOuts.get(PHONE)).resolves.toBeNull();
  });

  it('when a text carrying a code is sent and answered, then neither the code nor the full number is logged', async () => {
    await enrollPhone(app, 'sms');
    const code = lastTextedCode(app.api);
    await app.post(SMS_PATH, inbound(code));
    expect(app.logText()).not.toContain(code);
    expect(app.logText()).not.toContain(PHONE);
  });
});
