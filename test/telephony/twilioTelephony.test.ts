// The Twilio adapter with the real twilio SDK against a local fake of Twilio's REST API: what it sends for texts
// and calls, and how Twilio's refusals (RestException codes) become DeliveryFailures.
import { TwilioTelephony } from '../../src/telephony/twilioTelephony';
import { failureForTwilioCode } from '../../src/domain/rules/twilioErrors';
import type { DeliveryFailure } from '../../src/enrollment/enrollmentTypes';
import { startFakeTwilioApi, type FakeTwilioApi } from '../support/fakeTwilioApi';
import { ACCOUNT_SID, AUTH_TOKEN, PUBLIC_BASE_URL } from '../support/twilioAppHarness';

const purpose = { kind: 'verification', userId: 'user-1', refId: 'challenge-1' } as const;
const sms = { to: '+12065550123', body: 'Signet Demo School: your sign-in code is 123456.', locale: 'en-GB', purpose };

describe('TwilioTelephony', () => {
  let api: FakeTwilioApi;
  const errors: unknown[] = [];
  const adapter = (overrides: { messagingServiceSid?: string; fromNumber?: string; amd?: boolean } = {}) =>
    new TwilioTelephony({
      config: {
        accountSid: ACCOUNT_SID,
        authToken: AUTH_TOKEN,
        messagingServiceSid: overrides.messagingServiceSid,
        fromNumber: 'fromNumber' in overrides ? overrides.fromNumber : '+12065550100',
        apiBaseUrl: api.url,
      },
      publicBaseUrl: PUBLIC_BASE_URL,
      answeringMachineDetection: overrides.amd ?? true,
      onError: (_op, details) => errors.push(details),
    });

  beforeEach(async () => {
    api = await startFakeTwilioApi();
    errors.length = 0;
  });
  afterEach(async () => {
    await api.close();
  });

  it('when a text is sent from a number, then the Messages API gets To, From, Body and the status callback, and the sid comes back', async () => {
    const receipt = await adapter().sendSms(sms);
    expect(receipt).toEqual({ ok: true, ref: expect.stringMatching(/^SM[0-9a-f]{32}$/) });
    const [req] = api.requests;
    expect(req!.method).toBe('POST');
    expect(req!.path).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`);
    expect(req!.username).toBe(ACCOUNT_SID);
    expect(req!.params).toEqual({
      To: '+12065550123',
      From: '+12065550100',
      Body: sms.body,
      StatusCallback: `${PUBLIC_BASE_URL}/api/twilio/status/message?kind=verification&user=user-1&ref=challenge-1&locale=en-GB`,
    });
  });

  it('when a messaging service is configured, then texts go from it (MessagingServiceSid, no From)', async () => {
    await adapter({ messagingServiceSid: `MG${'ab'.repeat(16)}` }).sendSms(sms);
    expect(api.requests[0]!.params['MessagingServiceSid']).toBe(`MG${'ab'.repeat(16)}`);
    expect(api.requests[0]!.params['From']).toBeUndefined();
  });

  it('when a call is placed, then the Calls API gets To, From, Url, StatusCallback and MachineDetection', async () => {
    const receipt = await adapter().placeCall({ to: '+12065550123', extension: null, mode: 'pressKey', locale: 'en-US', purpose });
    expect(receipt).toEqual({ ok: true, ref: expect.stringMatching(/^CA/) });
    const [req] = api.calls();
    expect(req!.params).toMatchObject({
      To: '+12065550123',
      From: '+12065550100',
      Url: `${PUBLIC_BASE_URL}/api/twilio/voice/answer?kind=verification&user=user-1&ref=challenge-1&locale=en-US&mode=pressKey`,
      StatusCallback: `${PUBLIC_BASE_URL}/api/twilio/status/call?kind=verification&user=user-1&ref=challenge-1&locale=en-US&mode=pressKey`,
      MachineDetection: 'Enable',
    });
    expect(req!.params['SendDigits']).toBeUndefined();
  });

  it('when machine detection is off in the organisation file, then it is not requested', async () => {
    await adapter({ amd: false }).placeCall({ to: '+12065550123', extension: null, mode: 'readCode', locale: 'en-US', purpose });
    expect(api.calls()[0]!.params['MachineDetection']).toBeUndefined();
  });

  it('when the call has an extension, then SendDigits dials it after a pause and MachineDetection (ignored by Twilio then) is not sent', async () => {
    await adapter().placeCall({ to: '+12065550123', extension: '123', mode: 'pressKey', locale: 'en-US', purpose });
    expect(api.calls()[0]!.params['SendDigits']).toBe('wwww123');
    expect(api.calls()[0]!.params['MachineDetection']).toBeUndefined();
  });

  it('when only a messaging service is configured, then a call is refused as unavailable without asking Twilio', async () => {
    const receipt = await adapter({ messagingServiceSid: `MG${'ab'.repeat(16)}`, fromNumber: undefined }).placeCall({ to: '+12065550123', extension: null, mode: 'pressKey', locale: 'en-US', purpose });
    expect(receipt).toEqual({ ok: false, failure: 'unavailable' });
    expect(api.requests).toHaveLength(0);
  });

  it.each<[number, DeliveryFailure]>([
    [21211, 'invalidNumber'],
    [21610, 'optedOut'],
    [21408, 'regionNotAllowed'],
    [21614, 'landline'],
    [99999, 'unavailable'],
  ])('when Twilio refuses a text with %i, then the receipt says %s and only the code and status are reported', async (code, failure) => {
    api.failNext(code);
    await expect(adapter().sendSms(sms)).resolves.toEqual({ ok: false, failure });
    expect(errors).toEqual([{ status: 400, code }]);
  });

  it('when Twilio answers 500, then the receipt says unavailable', async () => {
    api.failNext(20500, 500);
    await expect(adapter().placeCall({ to: '+12065550123', extension: null, mode: 'pressKey', locale: 'en-US', purpose })).resolves.toEqual({ ok: false, failure: 'unavailable' });
  });
});

describe('Twilio error codes', () => {
  it.each<[number | null, DeliveryFailure]>([
    [21211, 'invalidNumber'],
    [21610, 'optedOut'],
    [21408, 'regionNotAllowed'],
    [30003, 'unreachable'],
    [30007, 'carrierFiltered'],
    [21614, 'landline'],
    [30006, 'landline'],
    [30005, 'invalidNumber'],
    [null, 'unavailable'],
  ])('when the code is %s, then the failure is %s', (code, failure) => {
    expect(failureForTwilioCode(code)).toBe(failure);
  });
});
