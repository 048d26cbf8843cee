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
});
