// Two Signet instances sharing one MongoDB database (FerretDB in CI): a Twilio retry that reaches the second
// instance while the first is still processing the delivery waits by polling the shared ledger (no in-process
// short-cut can help there) and answers with the first instance's TwiML; the delivery is processed once.
import { createMongoStores, type MongoStores } from '../../../src/stores/mongoStores';
import { freshDbName, mongoTestUri, recordingLogger } from '../../support/mongo';
import { flatten, parseXml } from '../../support/twimlParser';
import { enrollPhone, lastTextedCode, pathOf, PHONE, startTwilioApp, type TwilioApp } from '../../support/twilioAppHarness';
import { ClaimWatch, Gate, gatedStores } from '../../support/webhookGates';

describe('Twilio retries across two instances on one MongoDB database', () => {
  let storesA: MongoStores;
  let storesB: MongoStores;
  let appA: TwilioApp;
  let appB: TwilioApp;
  let gate: Gate;
  let watch: ClaimWatch;
  beforeEach(async () => {
    // One-shot: a gate released in one test would hold nothing in the next.
    gate = new Gate();
    watch = new ClaimWatch();
    const dbName = freshDbName('retries');
    storesA = await createMongoStores({ uri: mongoTestUri(), dbName, logger: recordingLogger(), indexes: 'manual' });
    await storesA.ensureIndexes();
    storesB = await createMongoStores({ uri: mongoTestUri(), dbName, logger: recordingLogger(), indexes: 'manual' });
    appA = await startTwilioApp({ stores: gatedStores(storesA, gate, new ClaimWatch()) });
    appB = await startTwilioApp({ stores: gatedStores(storesB, new Gate(), watch), retryWait: { firstPollMs: 10, maxPollMs: 50 } });
  });
  afterEach(async () => {
    gate.release();
    await appA.close();
    await appB.close();
    try {
      await storesA.db.dropDatabase();
    } finally {
      await storesA.close();
      await storesB.close();
    }
  });

  it('when a text is retried on the other instance while the first is held, then it gets byte-identical TwiML and the code counts once', async () => {
    const user = await enrollPhone(appA, 'sms');
    const params = { MessageSid: 'SMtwoInstances', From: PHONE, Body: lastTextedCode(appA.api) };
    gate.arm();
    const refused = watch.refused('sms:SMtwoInstances');
    const first = appA.post('/api/twilio/sms', params);
    await gate.reached;
    const retry = appB.post('/api/twilio/sms', params);
    await refused;
    gate.release();
    const [a, b] = await Promise.all([first, retry]);

    expect(flatten(parseXml(a.text)).some((e) => e.name === 'Message')).toBe(true);
    expect(b.text).toBe(a.text);
    expect((await storesA.users.get(user.id))?.methods).toHaveLength(1);
    expect([...appA.notifications.items, ...appB.notifications.items].filter((n) => n.message.key === 'enrollment.verified.phone')).toHaveLength(1);
  });

  it('when a key press is retried on the other instance while the first is held, then it gets byte-identical TwiML', async () => {
    const user = await enrollPhone(appA, 'voice');
    const call = appA.api.calls().at(-1)!;
    expect((await storesA.users.get(user.id))?.enrollment?.step.name).toBe('codeSent');
    const sid = call.sid!;
    const answer = await appA.post(pathOf(call.params['Url']), { CallSid: sid, CallStatus: 'in-progress' });
    const keyPath = pathOf(flatten(parseXml(answer.text)).find((e) => e.name === 'Gather')!.attributes['action']);
    gate.arm();
    const refused = watch.refused(`${sid}:key:1`);
    const first = appA.post(keyPath, { CallSid: sid, Digits: '#' });
    await gate.reached;
    const retry = appB.post(keyPath, { CallSid: sid, Digits: '#' });
    await refused;
    gate.release();
    const [a, b] = await Promise.all([first, retry]);

    expect(flatten(parseXml(a.text)).some((e) => e.name === 'Say')).toBe(true);
    expect(b.text).toBe(a.text);
    expect((await storesA.users.get(user.id))?.enrollment?.step.name).toBe('verified');
  });

  /** Posts `params` to `path` on instance A, held right after its claim, and the same on B meanwhile (Twilio's retry). */
  async function retriedOnB(path: string, params: Record<string, string>, id: string): Promise<[string, string]> {
    gate.arm();
    const refused = watch.refused(id);
    const first = appA.post(path, params);
    await gate.reached;
    const retry = appB.post(path, params);
    await refused;
    gate.release();
    const [a, b] = await Promise.all([first, retry]);
    expect([a.status, b.status]).toEqual([200, 200]);
    return [a.text, b.text];
  }

  /** A person with PHONE verified by a texted code, on the shared database. */
  async function verifiedMobile(): Promise<string> {
    const user = await enrollPhone(appA, 'sms');
    await appA.post('/api/twilio/sms', { MessageSid: 'SMverify', From: PHONE, Body: lastTextedCode(appA.api) });
    return user.id;
  }

  const signIn = (userId: string, method: 'sms' | 'voice') =>
    appA.core.verification.start({ userId, clientId: 'vpn', method, target: PHONE, extension: null, context: { ip: null, application: 'VPN', location: null }, locale: 'en-GB' }, 'api');

  it('when STOP is retried on the other instance while the first is held, then the retry waits for the opt-out to be recorded, gets the same TwiML, and it is audited once', async () => {
    const userId = await verifiedMobile();
    const [a, b] = await retriedOnB('/api/twilio/sms', { MessageSid: 'SMstopTwice', From: PHONE, Body: 'STOP' }, 'sms:SMstopTwice');

    expect(b).toBe(a);
    expect(await storesA.optOuts.get(PHONE)).toMatchObject({ optedOut: true });
    expect((await storesA.audit.listForUser(userId, 50)).filter((e) => e.action === 'sms:optOut')).toHaveLength(1);
  });

  it("when a sign-in challenge's texted code is retried on the other instance while the first is held, then it gets the same TwiML from the challenge, and the code counts once", async () => {
    const userId = await verifiedMobile();
    const challenge = await signIn(userId, 'sms');
    const wrong = lastTextedCode(appA.api) === '000000' ? '111111' : '000000';
    const [a, b] = await retriedOnB('/api/twilio/sms', { MessageSid: 'SMwrongTwice', From: PHONE, Body: wrong }, 'sms:SMwrongTwice');

    expect(flatten(parseXml(a)).some((e) => e.name === 'Message')).toBe(true);
    expect(b).toBe(a);
    expect((await storesA.challenges.get(challenge.id))?.attempts).toBe(1);
  });

  it('when a call answered by a machine is retried on the other instance while the first is held, then the retry waits for the voicemail to be recorded and gets the same hang-up', async () => {
    await appA.close();
    appA = await startTwilioApp({ stores: gatedStores(storesA, gate, new ClaimWatch()), org: { voice: { answeringMachineDetection: true } } });
    const user = await enrollPhone(appA, 'voice');
    const call = appA.api.calls().at(-1)!;
    const [a, b] = await retriedOnB(pathOf(call.params['Url']), { CallSid: call.sid!, CallStatus: 'in-progress', AnsweredBy: 'machine_start' }, `${call.sid!}:answer`);

    expect(parseXml(a).children.map((c) => c.name)).toEqual(['Hangup']);
    expect(b).toBe(a);
    expect((await storesA.users.get(user.id))?.enrollment?.step).toMatchObject({ deliveryFailure: 'voicemail' });
  });

  it('when 0 on a sign-in call is retried on the other instance while the first is held, then it gets the same TwiML from the challenge, and the denial is reported once', async () => {
    const userId = await verifiedMobile();
    const challenge = await signIn(userId, 'voice');
    const call = appA.api.calls().at(-1)!;
    const answer = await appA.post(pathOf(call.params['Url']), { CallSid: call.sid!, CallStatus: 'in-progress' });
    const keyPath = pathOf(flatten(parseXml(answer.text)).find((e) => e.name === 'Gather')!.attributes['action']);
    const [a, b] = await retriedOnB(keyPath, { CallSid: call.sid!, Digits: '0' }, `${call.sid!}:key:1`);

    expect(b).toBe(a);
    expect((await storesA.challenges.get(challenge.id))?.status).toBe('denied');
    expect([...appA.notifications.items, ...appB.notifications.items].filter((n) => n.message.key === 'verification.deniedOnCall')).toHaveLength(1);
  });
});
