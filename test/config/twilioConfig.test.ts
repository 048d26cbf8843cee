// The Twilio settings: unset means simulated telephony; credentials come in pairs with a sender; bad values are
// named; the organisation file's send limits and answering-machine detection have defaults.
import { ConfigError, loadConfig } from '../../src/config/loadConfig';

const SID = `AC${'0a'.repeat(16)}`;
const problemsOf = (env: NodeJS.ProcessEnv): readonly string[] => {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
};

describe('Twilio configuration', () => {
  it('when nothing is set, then config.twilio is undefined (simulated telephony) and the org defaults apply', () => {
    const config = loadConfig({});
    expect(config.twilio).toBeUndefined();
    expect(config.org.phone.sendLimits).toEqual({ perNumberPerHour: 5, perUserPerHour: 10 });
    expect(config.org.voice.answeringMachineDetection).toBe(true);
  });

  it('when credentials and a sender are set, then they are read, with the API base URL trimmed', () => {
    const config = loadConfig({ TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: 'secret-token-123', TWILIO_FROM_NUMBER: '+12065550100', TWILIO_API_BASE_URL: 'http://127.0.0.1:9999/' });
    expect(config.twilio).toEqual({ accountSid: SID, authToken: 'secret-token-123', messagingServiceSid: undefined, fromNumber: '+12065550100', apiBaseUrl: 'http://127.0.0.1:9999' });
  });

  it.each<[string, NodeJS.ProcessEnv, RegExp]>([
    ['a SID without AC', { TWILIO_ACCOUNT_SID: `XY${'0a'.repeat(16)}`, TWILIO_AUTH_TOKEN: 'secret-token-123', TWILIO_FROM_NUMBER: '+12065550100' }, /^TWILIO_ACCOUNT_SID: must be "AC"/],
    ['a SID without a token', { TWILIO_ACCOUNT_SID: SID, TWILIO_FROM_NUMBER: '+12065550100' }, /^TWILIO_ACCOUNT_SID \/ TWILIO_AUTH_TOKEN: set both/],
    ['a token without a SID', { TWILIO_AUTH_TOKEN: 'secret-token-123' }, /^TWILIO_ACCOUNT_SID \/ TWILIO_AUTH_TOKEN: set both/],
    ['credentials without a sender', { TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: 'secret-token-123' }, /^TWILIO_MESSAGING_SERVICE_SID \/ TWILIO_FROM_NUMBER: one is required/],
    ['a from number that is not E.164', { TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: 'secret-token-123', TWILIO_FROM_NUMBER: '206 555 0100' }, /^TWILIO_FROM_NUMBER: must be an E\.164/],
    ['a messaging service SID without MG', { TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: 'secret-token-123', TWILIO_MESSAGING_SERVICE_SID: 'nope' }, /^TWILIO_MESSAGING_SERVICE_SID: must be "MG"/],
    ['an API base URL that is not http(s)', { TWILIO_API_BASE_URL: 'ftp://example.test' }, /^TWILIO_API_BASE_URL: must start with http/],
  ])('when %s is given, then the problem is named', (_what, env, expected) => {
    expect(problemsOf(env)).toEqual(expect.arrayContaining([expect.stringMatching(expected)]));
  });

  it('when a messaging service is the only sender, then the configuration is accepted', () => {
    expect(loadConfig({ TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: 'secret-token-123', TWILIO_MESSAGING_SERVICE_SID: `MG${'0a'.repeat(16)}` }).twilio?.fromNumber).toBeUndefined();
  });

  it('when the configuration fails, then the auth token is not in the message', () => {
    try {
      loadConfig({ TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: 'secret-token-123' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('secret-token-123');
    }
  });
});
