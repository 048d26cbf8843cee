// Without Twilio credentials: texts and calls land in the store's simulated outbox, the public Twilio routes
// refuse everything (nothing can verify a signature), and the development routes drive the same handlers.
import { parseXml, flatten } from '../../support/twimlParser';
import { enrollPhone, PHONE, startTwilioApp, type TwilioApp } from '../../support/twilioAppHarness';
import { postJson, request } from '../../server/serverHarness';
import type { SimulatedDelivery } from '../../../src/ports/repositories';

describe('simulated telephony', () => {
  let app: TwilioApp | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('when a text is sent, then it is in the outbox, and replying through the dev route verifies the phone', async () => {
    app = await startTwilioApp({ simulated: true });
    const user = await enrollPhone(app, 'sms');
    expect(app.api.requests).toHaveLength(0);
    const listed = await request(app.url, '/api/dev/telephony/outbox');
    const [item] = listed.json<{ items: SimulatedDelivery[] }>().items;
    expect(item).toMatchObject({ type: 'sms', to: PHONE, purpose: { kind: 'enrollment', userId: user.id } });
    const code = /\b(\d{6})\b/.exec(item!.body!)![1]!;

    const res = await postJson(app.url, '/api/dev/telephony/sms', { from: PHONE, body: code });
    expect(res.status).toBe(200);
    expect(parseXml(res.text).children[0]!.name).toBe('Message');
    expect((await app.stores.users.get(user.id))?.enrollment?.step.name).toBe('verified');
  });

  it('when a call is placed, then the dev routes answer it and press # through the voice handlers', async () => {
    app = await startTwilioApp({ simulated: true });
    const user = await enrollPhone(app, 'voice');
    const [item] = await app.stores.simulatedOutbox.list(1);
    expect(item).toMatchObject({ type: 'call', mode: 'pressKey', body: null });
    const answer = await postJson(app.url, `/api/dev/telephony/calls/${item!.ref}/answer`, {});
    expect(flatten(parseXml(answer.text)).some((e) => e.name === 'Gather' && e.attributes['finishOnKey'] === '')).toBe(true);
    await postJson(app.url, `/api/dev/telephony/calls/${item!.ref}/key`, { digits: '#', attempt: '1' });
    expect((await app.stores.users.get(user.id))?.enrollment?.step.name).toBe('verified');
  });

  it('when Twilio-shaped webhooks arrive without credentials configured, then they are refused with 403', async () => {
    app = await startTwilioApp({ simulated: true });
    const user = await enrollPhone(app, 'sms');
    const res = await app.post('/api/twilio/sms', { MessageSid: 'SM1', From: PHONE, Body: '123456' });
    expect(res.status).toBe(403);
    expect((await app.stores.users.get(user.id))?.enrollment?.step.name).toBe('codeSent');
  });

  it('when Twilio is configured, then the development routes do not exist', async () => {
    app = await startTwilioApp();
    expect((await request(app.url, '/api/dev/telephony/outbox')).status).toBe(404);
  });

  it('when NODE_ENV is production without credentials, then Signet refuses to start, so the simulated outbox and its routes never run there', async () => {
    await expect(
      startTwilioApp({ simulated: true, env: { NODE_ENV: 'production', SIGNET_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64') } }),
    ).rejects.toThrow(/TWILIO_ACCOUNT_SID: is required when NODE_ENV=production/);
  });

  it('when NODE_ENV is production with credentials, then the development routes do not exist', async () => {
    app = await startTwilioApp({
      env: { NODE_ENV: 'production', SIGNET_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64'), MicrosoftAppId: '11111111-2222-3333-4444-555555555555', MicrosoftAppPassword: 'not-a-real-password' },
      org: { organisation: { name: 'Signet Demo School', domains: ['signet-demo.example'], tenantIds: ['72f988bf-86f1-41af-91ab-2d7cd011db47'] } },
    });
    expect((await request(app.url, '/api/dev/telephony/outbox')).status).toBe(404);
  });
});
