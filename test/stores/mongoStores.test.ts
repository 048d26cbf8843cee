// The storage port conformance suite against the MongoDB adapter on the test server (see test/support/mongo.ts),
// plus what only this adapter has: its documents, its index step, its input refusal and its behaviour when the
// server is unreachable.
import { MongoClient } from 'mongodb';
import { createMongoStores, type MongoStores } from '../../src/stores/mongoStores';
import { StoreUnavailableError } from '../../src/ports/storeErrors';
import { detectCompareAndSetStrategy, type CompareAndSetChoice } from '../../src/stores/mongoVersionClaims';
import { T0, auditDraft, challenge, newUser } from '../support/fixtures';
import { freshDbName, mongoTestUri, recordingLogger, dropAndClose } from '../support/mongo';
import { describeStoreConformance } from './storeConformance';

async function openStores(prefix: string, compareAndSet: CompareAndSetChoice = 'detect'): Promise<MongoStores> {
  const stores = await createMongoStores({ uri: mongoTestUri(), dbName: freshDbName(prefix), logger: recordingLogger(), indexes: 'manual', compareAndSet });
  await stores.ensureIndexes();
  return stores;
}

// Both compare-and-set strategies on the test server: claims (what FerretDB needs) and one conditional write
// (what MongoDB gets), whose concurrent races only MongoDB decides atomically.
describeStoreConformance('MongoDB stores, version claims', () => openStores('conformance', 'claims'), dropAndClose);
describeStoreConformance('MongoDB stores, one conditional write', () => openStores('conformance1w', 'conditional'), dropAndClose, {
  concurrentReplacesAtomic: async (stores) => (await detectCompareAndSetStrategy(stores.db)) === 'conditional',
});

describe('MongoDB stores: adapter specifics', () => {
  let stores: MongoStores | undefined;
  const opened = (): MongoStores => {
    if (!stores) throw new Error('the stores were not opened');
    return stores;
  };

  beforeAll(async () => {
    stores = await openStores('specifics');
  });

  afterAll(async () => {
    if (stores) await dropAndClose(stores);
  });

  test('when a user is stored, then its document has the domain id as _id and a lower-cased UPN, and neither leaks back', async () => {
    const input = newUser({ upn: 'Dorothy.Vaughan@Contoso.com' });
    await opened().users.create(input, T0);

    const raw = await opened().db.collection<{ _id: string }>('users').findOne({ _id: input.id });
    expect(raw).toMatchObject({ _id: input.id, upnLower: 'dorothy.vaughan@contoso.com', upn: input.upn, createdAt: T0, version: 1 });
    expect(raw).not.toHaveProperty('id');
    const user = await opened().users.get(input.id);
    expect(Object.keys(user ?? {})).not.toEqual(expect.arrayContaining(['_id']));
    expect(user).not.toHaveProperty('upnLower');
  });

  test('when a challenge is stored, then its times stay epoch-ms numbers and the clean-up date does not leak back', async () => {
    const given = challenge({ userId: 'user-raw' });
    await opened().challenges.create(given);

    const raw = await opened().db.collection<{ _id: string; expiresAt?: unknown }>('challenges').findOne({ _id: given.id });
    expect(typeof raw?.expiresAt).toBe('number');
    expect(raw?.expiresAt).toBe(given.expiresAt);
    await expect(opened().challenges.get(given.id)).resolves.toEqual(given);
  });

  test('when the indexes are ensured again, then it succeeds and the unique UPN index is there', async () => {
    const report = await opened().ensureIndexes();

    expect(['created', 'unsupported']).toContain(report.challengeTtl);
    expect(['created', 'unsupported']).toContain(report.webhookTtl);
    const indexes = await opened().db.collection('users').listIndexes().toArray();
    expect(indexes).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'upnLower_unique', unique: true })]));
  });

  test('when a webhook entry is older than the retention, then a later claim prunes it (TTL index or not) and keeps recent ones', async () => {
    const DAY = 24 * 60 * 60_000;
    const ledgerStores = await createMongoStores({ uri: mongoTestUri(), dbName: freshDbName('retention'), logger: recordingLogger(), indexes: 'manual', webhookRetentionMs: 7 * DAY });
    try {
      await ledgerStores.ensureIndexes();
      await ledgerStores.webhooks.claim('SM-old', T0);
      await ledgerStores.webhooks.complete('SM-old', '<Response/>');
      await ledgerStores.webhooks.claim('SM-recent', T0 + 6 * DAY);
      await expect(ledgerStores.webhooks.get('SM-old')).resolves.not.toBeNull();
      await ledgerStores.webhooks.claim('SM-new', T0 + 7 * DAY + 1);
      await expect(ledgerStores.webhooks.get('SM-old')).resolves.toBeNull();
      await expect(ledgerStores.webhooks.get('SM-recent')).resolves.not.toBeNull();
      // The TTL index (where the server has one) works from the stored clean-up date: claim time + retention.
      const raw = await ledgerStores.db.collection<{ _id: string; purgeAt?: unknown }>('processedWebhooks').findOne({ _id: 'SM-new' });
      expect(raw?.purgeAt).toEqual(new Date(T0 + 14 * DAY + 1));
    } finally {
      await dropAndClose(ledgerStores);
    }
  });

  test('when a lookup or write gets a non-string where a string belongs, then it is refused with a TypeError', async () => {
    const op = { $gt: '' } as unknown as string;
    const user = await opened().users.create(newUser(), T0);
    // Thunks, so that each refusal is awaited where it happens and none leaks into another test.
    const refusals: [string, () => Promise<unknown>][] = [
      ['users.get', () => opened().users.get(op)],
      ['users.findByUpn', () => opened().users.findByUpn(op)],
      ['users.findByPendingPhone', () => opened().users.findByPendingPhone(op)],
      ['users.findByMethodPhone', () => opened().users.findByMethodPhone(op)],
      ['users.findByAnsweredWebhook', () => opened().users.findByAnsweredWebhook(op)],
      ['users.create id', () => opened().users.create(newUser({ id: op }), T0)],
      ['users.create upn', () => opened().users.create(newUser({ upn: op }), T0)],
      ['users.replace version', () => opened().users.replace({ ...user, version: { $gte: 0 } as unknown as number })],
      ['challenges.get', () => opened().challenges.get(op)],
      ['challenges.create id', () => opened().challenges.create(challenge({ userId: 'u', id: op }))],
      ['challenges.findPendingByUser', () => opened().challenges.findPendingByUser(op, T0)],
      ['challenges.findPendingByUser now', () => opened().challenges.findPendingByUser('u', { $gt: 0 } as unknown as number)],
      ['challenges.findPendingByTarget', () => opened().challenges.findPendingByTarget(op, T0)],
      ['challenges.listRecentByUser', () => opened().challenges.listRecentByUser(op, 5)],
      ['challenges.latestTurn', () => opened().challenges.latestTurn(op)],
      ['challenges.listRecentByUser limit', () => opened().challenges.listRecentByUser('u', -1)],
      ['audit.append', () => opened().audit.append(auditDraft(op, 'x'), T0)],
      ['audit.listForUser', () => opened().audit.listForUser(op, 5)],
    ];
    for (const [name, call] of refusals) {
      const outcome = await call().then(
        () => 'resolved',
        (error: unknown) => (error instanceof TypeError ? 'TypeError' : String(error)),
      );
      expect({ name, outcome }).toEqual({ name, outcome: 'TypeError' });
    }
    await expect(opened().users.get(user.id)).resolves.toEqual(user);
  });

  test('when indexes are left to the background, then they are created without being asked and ping then resolves', async () => {
    const background = await createMongoStores({ uri: mongoTestUri(), dbName: freshDbName('background'), logger: recordingLogger() });
    try {
      await expect(background.ping()).resolves.toBeUndefined();
      const indexes = await background.db.collection('users').listIndexes().toArray();
      expect(indexes.map((i) => i.name)).toContain('upnLower_unique');
    } finally {
      await dropAndClose(background);
    }
  });
});

describe('MongoDB stores: when the server is unreachable', () => {
  // Credentials in the URI must never reach a log line.
  const UNREACHABLE = 'mongodb://signet:s3cret-Passw0rd@127.0.0.1:1/?authSource=admin';
  const TIMEOUT_MS = 300;

  test('when nothing listens at the URI, then creating the stores succeeds, and ping, reads, writes and indexing reject with StoreUnavailableError', async () => {
    const logger = recordingLogger();
    const started = Date.now();
    const stores = await createMongoStores({ uri: UNREACHABLE, dbName: 'unreachable', serverSelectionTimeoutMS: TIMEOUT_MS, logger });
    try {
      await expect(stores.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(stores.users.get('someone')).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(stores.users.create(newUser(), T0)).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(stores.challenges.findPendingByUser('someone', T0)).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(stores.audit.append(auditDraft('someone', 'x'), T0)).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(stores.ensureIndexes()).rejects.toBeInstanceOf(StoreUnavailableError);
      const error = await stores.ping().catch((e: unknown) => e);
      expect((error as StoreUnavailableError).cause).toBeInstanceOf(Error);
    } finally {
      await stores.close();
    }
    // Each failure is bounded by the selection timeout, not the driver's 30 s default.
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(logger.lines.map((l) => l.message)).toContain('Could not create the MongoDB indexes yet; retrying');
    expect(JSON.stringify(logger.lines)).not.toContain('s3cret-Passw0rd');
  });

  test('when the stores are closed while the server is away, then close resolves promptly and nothing is left retrying', async () => {
    const stores = await createMongoStores({ uri: UNREACHABLE, dbName: 'unreachable', serverSelectionTimeoutMS: TIMEOUT_MS, logger: recordingLogger() });
    const started = Date.now();
    await stores.close();
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

// Keeps the driver import honest: the tests above talk to the adapter, this one checks the test server itself.
describe('the MongoDB test server', () => {
  test('when the suites need a server, then globalSetup found one (or this fails with what it tried)', async () => {
    const client = new MongoClient(mongoTestUri(), { serverSelectionTimeoutMS: 5_000 });
    try {
      await expect(client.db('admin').command({ ping: 1 })).resolves.toMatchObject({ ok: 1 });
    } finally {
      await client.close();
    }
  });
});
