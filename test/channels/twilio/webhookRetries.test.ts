// Twilio retries that arrive while the first delivery of the same webhook is still being processed: the retry
// waits for the first's answer and gets the very same TwiML (processing runs once); past the bound it gets a
// localized "still working"; a claim left by a crash is taken over once it is stale. Requests are really signed.
import { EMPTY_TWIML } from '../../../src/channels/twilio/twilioWebhooks';
import { createMemoryStores } from '../../../src/stores/memoryStores';
import { flatten, parseXml } from '../../support/twimlParser';
import { enrollPhone, lastTextedCode, pathOf, PHONE, startTwilioApp, type TwilioApp, type TwilioAppOptions } from '../../support/twilioAppHarness';
import { ClaimWatch, Gate, gatedStores } from '../../support/webhookGates';

const SMS_PATH = '/api/twilio/sms';

const verifiedNotices = (app: TwilioApp): number => app.notifications.items.filter((n) => n.message.key === 'enrollment.verified.phone').length;
const messageOf = (xml: string): string[] => flatten(parseXml(xml)).filter((e) => e.name === 'Message').map((e) => e.text);
const saidIn = (xml: string): string[] => flatten(parseXml(xml)).filter((e) => e.name === 'Say').map((e) => e.text);

describe('Twilio retries while the first delivery is still running', () => {
  let app: TwilioApp;
  let gate: Gate;
  let watch: ClaimWatch;
  const start = async (options: TwilioAppOptions = {}): Promise<TwilioApp> => {
    gate = new Gate();
    watch = new ClaimWatch();
    app = await startTwilioApp({ stores: gatedStores(createMemoryStores(), gate, watch), ...options });
    return app;
  };
  afterEach(async () => {
    gate.release();
    await app.close();
  });

  it('when a text is retried while the first delivery is held, then the retry waits and gets byte-identical TwiML, and the code counts once', async () => {
    await start();
    await enrollPhone(app, 'sms');
    const params = { MessageSid: 'SMslow1', From: PHONE, Body: lastTextedCode(app.api) };
    gate.arm();
    const refused = watch.refused('sms:SMslow1');
    const first = app.post(SMS_PATH, params);
    await gate.reached;
    const retry = app.post(SMS_PATH, params);
    await refused;
    gate.release();
    const [a, b] = await Promise.all([first, retry]);

    expect([a.status, b.status]).toEqual([200, 200]);
    expect(messageOf(a.text)).toEqual([expect.stringContaining(app.render('en-US', { key: 'enrollment.verified.phone', params: { phone: '+1 206 555 0123' } }))]);
    expect(b.text).toBe(a.text);
    expect(verifiedNotices(app)).toBe(1);
  });

  it('when a key press is retried while the first delivery is held, then the retry gets byte-identical TwiML and the phone is verified once', async () => {
    await start();
    const { user, a, b } = await retriedWhileHeld(app, gate, watch, '#');

    expect([a.status, b.status]).toEqual([200, 200]);
    expect(saidIn(a.text).length).toBeGreaterThan(0);
    expect(b.text).toBe(a.text);
    expect((await app.stores.users.get(user.id))?.enrollment?.step.name).toBe('verified');
    expect(verifiedNotices(app)).toBe(1);
  });

  it('when the first delivery is still held past the bound, then the retry gets the localized "still working" text, and later retries the real answer', async () => {
    await start({ retryWait: { boundMs: 100, firstPollMs: 10, maxPollMs: 20 } });
    await enrollPhone(app, 'sms');
    const params = { MessageSid: 'SMslow2', From: PHONE, Body: lastTextedCode(app.api) };
    gate.arm();
    const first = app.post(SMS_PATH, params);
    await gate.reached;
    const retry = await app.post(SMS_PATH, params);

    expect(retry.status).toBe(200);
    expect(retry.text).not.toBe(EMPTY_TWIML);
    expect(messageOf(retry.text)).toEqual([app.render('en-US', { key: 'sms.inbound.stillWorking', params: { org: 'Signet Demo School' } })]);
    gate.release();
    const a = await first;
    await expect(app.post(SMS_PATH, params)).resolves.toMatchObject({ status: 200, text: a.text });
    expect(verifiedNotices(app)).toBe(1);
  });

  it('when a call step is still held past the bound, then the retry is told so in the call\'s locale and the call ends', async () => {
    await start({ retryWait: { boundMs: 100, firstPollMs: 10, maxPollMs: 20 } });
    const query = 'kind=enrollment&user=u1&ref=e1&locale=en-GB&mode=pressKey&attempt=1';
    await app.stores.webhooks.claim('CAheld:key:1', app.clock.now());
    const retry = await app.post(`/api/twilio/voice/key?${query}`, { CallSid: 'CAheld', Digits: '#' });

    const root = parseXml(retry.text);
    expect(root.children.map((c) => c.name)).toEqual(['Say', 'Hangup']);
    expect(root.children[0]!.attributes).toMatchObject({ language: 'en-GB' });
    expect(root.children[0]!.text).toBe(app.render('en-GB', { key: 'voice.call.stillWorking' }));
  });

  it('when a claim was left open by a crash, then a retry before it is stale is told to wait, and one after takes it over and is processed once', async () => {
    await start({ retryWait: { boundMs: 50, firstPollMs: 10, maxPollMs: 20, takeOverAfterMs: 30_000 } });
    const user = await enrollPhone(app, 'sms');
    const params = { MessageSid: 'SMcrashed', From: PHONE, Body: lastTextedCode(app.api) };
    // The crashed instance claimed the delivery and never completed it.
    await app.stores.webhooks.claim('sms:SMcrashed', app.clock.now());
    const early = await app.post(SMS_PATH, params);
    expect(messageOf(early.text)).toEqual([app.render('en-US', { key: 'sms.inbound.stillWorking', params: { org: 'Signet Demo School' } })]);

    app.clock.advance(30_000);
    const [a, b] = await Promise.all([app.post(SMS_PATH, params), app.post(SMS_PATH, params)]);
    expect(messageOf(a.text)).toEqual([expect.stringContaining(app.render('en-US', { key: 'enrollment.verified.phone', params: { phone: '+1 206 555 0123' } }))]);
    expect(b.text).toBe(a.text);
    expect((await app.stores.users.get(user.id))?.methods).toHaveLength(1);
    expect(verifiedNotices(app)).toBe(1);
  });

  it('when a STOP was claimed with its prepared answer and the opt-out never recorded (a crash), then a retry is told to wait until the claim is stale, then takes it over and records it once', async () => {
    await start({ retryWait: { boundMs: 50, firstPollMs: 10, maxPollMs: 20, takeOverAfterMs: 30_000 } });
    const user = await enrollPhone(app, 'sms');
    await app.post(SMS_PATH, { MessageSid: 'SMverify', From: PHONE, Body: lastTextedCode(app.api) });
    const params = { MessageSid: 'SMcrashedStop', From: PHONE, Body: 'STOP' };
    // The crashed instance claimed the delivery with its answer prepared, and died before recording the opt-out.
    await app.stores.webhooks.claim('sms:SMcrashedStop', app.clock.now(), { prepared: EMPTY_TWIML });
    const early = await app.post(SMS_PATH, params);
    expect(messageOf(early.text)).toEqual([app.render('en-US', { key: 'sms.inbound.stillWorking', params: { org: 'Signet Demo School' } })]);
    await expect(app.stores.optOuts.get(PHONE)).resolves.toBeNull();

    app.clock.advance(30_000);
    const [a, b] = await Promise.all([app.post(SMS_PATH, params), app.post(SMS_PATH, params)]);
    expect(b.text).toBe(a.text);
    expect(await app.stores.optOuts.get(PHONE)).toMatchObject({ optedOut: true });
    expect((await app.stores.audit.listForUser(user.id, 50)).filter((e) => e.action === 'sms:optOut')).toHaveLength(1);
  });
});

describe('Twilio retries of a read-aloud call step', () => {
  let app: TwilioApp;
  let gate: Gate;
  let watch: ClaimWatch;
  beforeEach(() => {
    gate = new Gate();
    watch = new ClaimWatch();
  });
  afterEach(async () => {
    gate.release();
    await app.close();
  });

  it('when the key press that reads the code is retried while the first is held, then the retry gets the goodbye, never the code', async () => {
    app = await startTwilioApp({ stores: gatedStores(createMemoryStores(), gate, watch), org: { voice: { enrollmentMode: 'readCode' } } });
    const { a, b } = await retriedWhileHeld(app, gate, watch, '1');

    const digits = /: ((?:\d, )+\d)\./.exec(saidIn(a.text)[0] ?? '')?.[1];
    expect(digits).toBeDefined();
    expect(b.text).not.toContain(digits!);
    expect(saidIn(b.text)).toEqual([app.render('en-US', { key: 'voice.call.giveUp' })]);
  });
});

/**
 * Places a verification call, answers it, and presses `digits` twice: the second press (a Twilio retry) arrives
 * while the first delivery is held at the gate, and both answers are returned once the gate opens.
 */
async function retriedWhileHeld(app: TwilioApp, gate: Gate, watch: ClaimWatch, digits: string) {
  const user = await enrollPhone(app, 'voice');
  const call = app.api.calls().at(-1)!;
  expect((await app.stores.users.get(user.id))?.enrollment?.step.name).toBe('codeSent');
  const sid = call.sid!;
  const answer = await app.post(pathOf(call.params['Url']), { CallSid: sid, CallStatus: 'in-progress' });
  const keyPath = pathOf(flatten(parseXml(answer.text)).find((e) => e.name === 'Gather')!.attributes['action']);
  gate.arm();
  const refused = watch.refused(`${sid}:key:1`);
  const first = app.post(keyPath, { CallSid: sid, Digits: digits });
  await gate.reached;
  const retry = app.post(keyPath, { CallSid: sid, Digits: digits });
  await refused;
  gate.release();
  const [a, b] = await Promise.all([first, retry]);
  return { user, a, b };
}
