// Faults at the Twilio edge: the store failing mid-webhook is answered 200 with a localized apology (SMS: a
// <Message>; voice: <Say> then <Hangup/>), never a 5xx that Twilio would retry, and the error is logged safely.
import { createMemoryStores } from '../../../src/stores/memoryStores';
import { type Stores } from '../../../src/ports/repositories';
import { StoreUnavailableError } from '../../../src/ports/storeErrors';
import { parseXml } from '../../support/twimlParser';
import { PHONE, startTwilioApp, type TwilioApp } from '../../support/twilioAppHarness';

function brokenStores(): Stores {
  const base = createMemoryStores();
  const fail = async (): Promise<never> => {
    throw new StoreUnavailableError('connection refused to mongodb://user:pw@db');
  };
  return { ...base, users: { ...base.users, get: fail, findByPendingPhone: fail, findByMethodPhone: fail, findByUpn: fail, create: fail, replace: fail } };
}

describe('Twilio webhook faults', () => {
  let app: TwilioApp;
  beforeEach(async () => {
    app = await startTwilioApp({ stores: brokenStores() });
  });
  afterEach(async () => {
    await app.close();
  });

  it('when the store is down during an inbound text, then 200 with the localized apology as a <Message>', async () => {
    const res = await app.post('/api/twilio/sms', { MessageSid: 'SMfault1', From: PHONE, Body: '123456' });
    expect(res.status).toBe(200);
    const root = parseXml(res.text);
    expect(root.children.map((c) => [c.name, c.text])).toEqual([['Message', app.render('en-US', { key: 'common.unavailable' })]]);
    expect(app.logText()).toContain('twilio webhook failed');
    expect(app.logText()).not.toContain('user:pw');
    expect(app.logText()).not.toContain('123456');
  });

  it('when the store is down during a call, then 200 with the apology spoken in the call\'s locale and a hang-up', async () => {
    const res = await app.post('/api/twilio/voice/key?kind=enrollment&user=u1&ref=e1&locale=en-GB&mode=pressKey&attempt=1', { CallSid: 'CAfault1', Digits: '#' });
    expect(res.status).toBe(200);
    const root = parseXml(res.text);
    expect(root.children.map((c) => c.name)).toEqual(['Say', 'Hangup']);
    expect(root.children[0]!.attributes).toMatchObject({ language: 'en-GB', voice: 'Polly.Amy' });
    expect(root.children[0]!.text).toBe(app.render('en-GB', { key: 'common.unavailable' }));
  });
});
