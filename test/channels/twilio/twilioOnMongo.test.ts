// The SMS and voice journeys on MongoDB (FerretDB in CI): a texted code verifies, a retried MessageSid counts
// once (a unique-key insert, atomic there too), STOP is kept, and a press-# call verifies.
import { createMongoStores, type MongoStores } from '../../../src/stores/mongoStores';
import { freshDbName, mongoTestUri, recordingLogger } from '../../support/mongo';
import { flatten, parseXml } from '../../support/twimlParser';
import { enrollPhone, lastTextedCode, OTHER_PHONE, pathOf, PHONE, startTwilioApp, type TwilioApp } from '../../support/twilioAppHarness';

describe('Twilio journeys on MongoDB', () => {
  let stores: MongoStores;
  let app: TwilioApp;
  beforeEach(async () => {
    stores = await createMongoStores({ uri: mongoTestUri(), dbName: freshDbName('twilio'), logger: recordingLogger(), indexes: 'manual' });
    await stores.ensureIndexes();
    app = await startTwilioApp({ stores });
  });
  afterEach(async () => {
    await app.close();
    try {
      await stores.db.dropDatabase();
    } finally {
      await stores.close();
    }
  });

  it('when the code is texted back twice with the same MessageSid (a retry, concurrently), then the phone is verified once', async () => {
    const user = await enrollPhone(app, 'sms');
    const params = { MessageSid: 'SMmongo1', From: PHONE, Body: lastTextedCode(app.api) };
    const [a, b] = await Promise.all([app.post('/api/twilio/sms', params), app.post('/api/twilio/sms', params)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const stored = await stores.users.get(user.id);
    expect(stored?.enrollment?.step.name).toBe('verified');
    expect(stored?.methods).toHaveLength(1);
    expect(app.notifications.items.filter((n) => n.message.key === 'enrollment.verified.phone')).toHaveLength(1);
  });

  it('when STOP arrives, then it is stored and texts to that number are refused', async () => {
    await app.post('/api/twilio/sms', { MessageSid: 'SMmongo2', From: OTHER_PHONE, Body: 'STOP' });
    await expect(stores.optOuts.get(OTHER_PHONE)).resolves.toMatchObject({ optedOut: true, keyword: 'STOP' });
    await enrollPhone(app, 'sms', { number: OTHER_PHONE });
    expect(app.api.messages()).toHaveLength(0);
  });

  it('when the call is answered and # pressed, then the phone is verified', async () => {
    const user = await enrollPhone(app, 'voice');
    const call = app.api.calls()[0]!;
    expect((await stores.users.get(user.id))?.enrollment?.step.name).toBe('codeSent');
    const sid = call.sid!;
    const answer = await app.post(pathOf(call.params['Url']), { CallSid: sid, CallStatus: 'in-progress' });
    const gather = flatten(parseXml(answer.text)).find((e) => e.name === 'Gather')!;
    await app.post(pathOf(gather.attributes['action']), { CallSid: sid, Digits: '#' });
    expect((await stores.users.get(user.id))?.enrollment?.step.name).toBe('verified');
  });
});
