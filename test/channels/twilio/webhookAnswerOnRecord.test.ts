// A text's answer saved with the enrollment it changed (the ledger's one write is the claim): duplicates, racing
// copies and a crash at either side of the save, on the memory store and on MongoDB (FerretDB in CI). The ledger is
// checked to hold no answer, so each retry's answer below can only have come from the record.
import type { Stores } from '../../../src/ports/repositories';
import { createMemoryStores } from '../../../src/stores/memoryStores';
import { createMongoStores, type MongoStores } from '../../../src/stores/mongoStores';
import { dropAndClose, freshDbName, mongoTestUri, recordingLogger } from '../../support/mongo';
import { flatten, parseXml } from '../../support/twimlParser';
import { enrollPhone, lastTextedCode, PHONE, startTwilioApp, type TwilioApp } from '../../support/twilioAppHarness';

const SMS_PATH = '/api/twilio/sms';
const FAST_WAIT = { boundMs: 200, firstPollMs: 5, maxPollMs: 20, takeOverAfterMs: 30_000 };

const messageOf = (xml: string): string[] => flatten(parseXml(xml)).filter((e) => e.name === 'Message').map((e) => e.text);
const verifiedNotices = (app: TwilioApp): number => app.notifications.items.filter((n) => n.message.key === 'enrollment.verified.phone').length;
const verifiedText = (app: TwilioApp): string => app.render('en-US', { key: 'enrollment.verified.phone', params: { phone: '+1 206 555 0123' } });

/** A process that dies at `point`: that call throws once armed, and the ledger's answer write never lands. */
class Crash {
  armed = false;
  constructor(private readonly point: 'users.replace' | 'audit.append') {}

  stores(base: Stores): Stores {
    const fail = (name: string): boolean => {
      if (!this.armed || name !== this.point) return false;
      this.armed = false;
      return true;
    };
    const wrap = <T extends object>(target: T, prefix: string, always?: string): T =>
      new Proxy(target, {
        get: (object, property) => {
          const value: unknown = Reflect.get(object, property, object);
          if (typeof value !== 'function') return value;
          const name = `${prefix}.${String(property)}`;
          return async (...args: unknown[]) => {
            if (fail(name) || name === always) throw new Error(`crashed at ${name}`);
            return (value as (...a: unknown[]) => unknown).apply(object, args);
          };
        },
      });
    const bound = Object.fromEntries(Object.entries(base).map(([k, v]) => [k, typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(base) : v])) as unknown as Stores;
    // The dead process never records its answer: no ledger `complete` lands while the test runs.
    return { ...bound, users: wrap(base.users, 'users'), audit: wrap(base.audit, 'audit'), webhooks: wrap(base.webhooks, 'webhooks', 'webhooks.complete') };
  }
}

type Backend = readonly [name: string, open: () => Promise<Stores>, close: (stores: Stores) => Promise<void>];
const BACKENDS: readonly Backend[] = [
  ['memory', async () => createMemoryStores(), async () => undefined],
  [
    'MongoDB',
    async () => {
      const stores = await createMongoStores({ uri: mongoTestUri(), dbName: freshDbName('answered'), logger: recordingLogger(), indexes: 'manual' });
      await stores.ensureIndexes();
      return stores;
    },
    (stores) => dropAndClose(stores as MongoStores),
  ],
];

describe.each(BACKENDS)('a text answered from the record it changed (%s)', (_name, open, close) => {
  let stores: Stores;
  let app: TwilioApp | undefined;
  beforeEach(async () => {
    stores = await open();
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await close(stores);
  });

  const attemptsOf = async (userId: string): Promise<number | undefined> => {
    const step = (await app!.stores.users.get(userId))?.enrollment?.step;
    return step?.name === 'codeSent' ? step.attempts : undefined;
  };

  it('when a wrong code is delivered twice, then the duplicate gets the first answer byte for byte, the ledger holds no answer, and the code counts once', async () => {
    app = await startTwilioApp({ stores, retryWait: FAST_WAIT });
    const user = await enrollPhone(app, 'sms');
    const wrong = lastTextedCode(app.api) === '000000' ? '111111' : '000000';
    const params = { MessageSid: 'SMdup', From: PHONE, Body: wrong };

    const first = await app.post(SMS_PATH, params);
    const duplicate = await app.post(SMS_PATH, params);

    expect(messageOf(first.text)).toHaveLength(1);
    expect(duplicate.text).toBe(first.text);
    await expect(app.stores.webhooks.get('sms:SMdup')).resolves.toMatchObject({ response: null });
    await expect(attemptsOf(user.id)).resolves.toBe(1);
  });

  it('when two copies of a wrong code arrive together, then it is processed once and both get the same answer', async () => {
    app = await startTwilioApp({ stores, retryWait: FAST_WAIT });
    const user = await enrollPhone(app, 'sms');
    const wrong = lastTextedCode(app.api) === '000000' ? '111111' : '000000';
    const params = { MessageSid: 'SMtwin', From: PHONE, Body: wrong };

    const [a, b] = await Promise.all([app.post(SMS_PATH, params), app.post(SMS_PATH, params)]);

    expect(messageOf(a.text)).toHaveLength(1);
    expect(b.text).toBe(a.text);
    await expect(attemptsOf(user.id)).resolves.toBe(1);
  });

  it('when the process dies between its ledger claim and the save, then a Twilio retry takes the stale claim over, verifies once, and later retries repeat that answer', async () => {
    const crash = new Crash('users.replace');
    app = await startTwilioApp({ stores: crash.stores(stores), retryWait: FAST_WAIT });
    const user = await enrollPhone(app, 'sms');
    const params = { MessageSid: 'SMcrashBefore', From: PHONE, Body: lastTextedCode(app.api) };
    crash.armed = true;
    await app.post(SMS_PATH, params); // Twilio never sees this answer: the process is gone.
    expect(crash.armed).toBe(false);
    expect((await app.stores.users.get(user.id))?.enrollment?.step.name).toBe('codeSent');

    app.clock.advance(FAST_WAIT.takeOverAfterMs);
    const retry = await app.post(SMS_PATH, params);
    const later = await app.post(SMS_PATH, params);

    expect(messageOf(retry.text)).toEqual([expect.stringContaining(verifiedText(app))]);
    expect(later.text).toBe(retry.text);
    expect((await app.stores.users.get(user.id))?.methods).toHaveLength(1);
    expect(verifiedNotices(app)).toBe(1);
  });

  it('when the process dies after the save but before its audit and the ledger answer, then a Twilio retry gets the saved answer at once and nothing is applied twice', async () => {
    const crash = new Crash('audit.append');
    app = await startTwilioApp({ stores: crash.stores(stores), retryWait: FAST_WAIT });
    const user = await enrollPhone(app, 'sms');
    const params = { MessageSid: 'SMcrashAfter', From: PHONE, Body: lastTextedCode(app.api) };
    crash.armed = true;
    await app.post(SMS_PATH, params);
    expect(crash.armed).toBe(false);
    const saved = await app.stores.users.get(user.id);
    expect(saved?.methods).toHaveLength(1);

    // No clock advance: the claim is fresh, so only the record can answer within the retry's bound.
    const retry = await app.post(SMS_PATH, params);

    expect(messageOf(retry.text)).toEqual([expect.stringContaining(verifiedText(app))]);
    await expect(app.stores.webhooks.get('sms:SMcrashAfter')).resolves.toMatchObject({ response: null });
    expect((await app.stores.users.get(user.id))?.version).toBe(saved?.version);
  });
});
