// Sign-in verification wholly over HTTP: a relying system starts challenges through /api/v1, the twilio SDK
// texts and calls through the local Twilio stand-in, the person answers through signed webhooks (an SMS reply,
// # on the call), and the relying system reads the one outcome back.
import type { Server } from 'restify';
import { createSignInUseCases } from '../../src/app/signInUseCases';
import { registerVerificationRoutes } from '../../src/api/verificationRoutes';
import { newApiClient } from '../../src/security/apiClientCredentials';
import { createMemoryVerificationStores } from '../../src/stores/memoryVerificationStores';
import { DEFAULT_ABUSE_POLICY } from '../../src/verification/abusePolicy';
import { seededRandom } from '../../src/security/random';
import { flatten, parseXml } from '../support/twimlParser';
import { enrollPhone, lastTextedCode, pathOf, PHONE, startTwilioApp, type TwilioApp } from '../support/twilioAppHarness';
import { request, type HttpResult } from '../server/serverHarness';
import { T0 } from '../support/coreHarness';

const KEY = Buffer.alloc(32, 21);

describe('verification API over Twilio', () => {
  let app: TwilioApp;
  let secret = '';

  beforeEach(async () => {
    const verificationStores = createMemoryVerificationStores();
    const created = newApiClient('VPN', T0, seededRandom('vpn'), KEY);
    secret = created.secret;
    await verificationStores.apiClients.create(created.client);
    app = await startTwilioApp({
      extraRoutes: (server: Server, ctx) =>
        registerVerificationRoutes(server, {
          useCases: createSignInUseCases({
            stores: ctx.stores,
            verificationStores,
            verification: ctx.core.verification,
            org: ctx.config.org,
            clock: ctx.clock,
            abuse: DEFAULT_ABUSE_POLICY,
            passKey: KEY,
            clientKey: KEY,
            clientRequestsPerMinute: 100,
          }),
          now: () => ctx.clock.now(),
          allowLocalCallbacks: true,
        }),
    });
    const user = await enrollPhone(app, 'sms');
    await app.post('/api/twilio/sms', { MessageSid: 'SMenrol', From: PHONE, Body: lastTextedCode(app.api) });
    expect((await app.stores.users.get(user.id))?.methods).toHaveLength(1);
  });

  afterEach(async () => {
    await app.close();
  });

  const api = (method: string, path: string, body?: unknown): Promise<HttpResult> =>
    request(app.url, path, {
      method,
      headers: { Authorization: `Bearer ${secret}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  const start = (method: 'sms' | 'voice') => api('POST', '/api/v1/verifications', { user: 'aad-phone-1', method, context: { ip: '198.51.100.7', application: 'VPN' } });

  it('when the person replies to the text with the code, then the relying system reads approved', async () => {
    const started = await start('sms');
    expect(started.status).toBe(201);
    const { id } = started.json<{ id: string }>();
    const text = app.api.messages().at(-1)!;
    expect(text.params['To']).toBe(PHONE);
    const reply = await app.post('/api/twilio/sms', { MessageSid: 'SMsignin', From: PHONE, Body: lastTextedCode(app.api) });
    expect(reply.status).toBe(200);
    expect((await api('GET', `/api/v1/verifications/${id}`)).json()).toMatchObject({ status: 'approved', reason: 'codeAccepted' });
  });

  it('when the code is typed at the relying system instead, then it is approved there and a later SMS reply changes nothing', async () => {
    const { id } = (await start('sms')).json<{ id: string }>();
    const code = lastTextedCode(app.api);
    expect((await api('POST', `/api/v1/verifications/${id}/code`, { code })).json()).toMatchObject({ status: 'approved' });
    await app.post('/api/twilio/sms', { MessageSid: 'SMlate', From: PHONE, Body: code });
    expect((await api('GET', `/api/v1/verifications/${id}`)).json()).toMatchObject({ status: 'approved', reason: 'codeAccepted' });
  });

  it('when # is pressed on the call, then approved; when 0, then denied', async () => {
    for (const [digit, status, reason] of [['#', 'approved', 'callConfirmed'], ['0', 'denied', 'deniedByUser']] as const) {
      const { id } = (await start('voice')).json<{ id: string }>();
      const call = app.api.calls().at(-1)!;
      expect(call.params['To']).toBe(PHONE);
      const answer = await app.post(pathOf(call.params['Url']), { CallSid: call.sid!, CallStatus: 'in-progress' });
      const gather = flatten(parseXml(answer.text)).find((e) => e.name === 'Gather')!;
      expect(gather.attributes['finishOnKey']).toBe('');
      await app.post(pathOf(gather.attributes['action']), { CallSid: call.sid!, Digits: digit });
      expect((await api('GET', `/api/v1/verifications/${id}`)).json()).toMatchObject({ status, reason });
    }
  });

  it('when the call is not answered, then the relying system reads failed with the reason', async () => {
    const { id } = (await start('voice')).json<{ id: string }>();
    const call = app.api.calls().at(-1)!;
    await app.post(pathOf(call.params['StatusCallback']), { CallSid: call.sid!, CallStatus: 'no-answer' });
    expect((await api('GET', `/api/v1/verifications/${id}`)).json()).toMatchObject({ status: 'failed', reason: 'noAnswer' });
  });
});
