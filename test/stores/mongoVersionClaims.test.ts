// Compare-and-set through version claims, against the test MongoDB-protocol server: under concurrency exactly
// one writer per version wins (FerretDB 1.x's own conditional updates do not guarantee this), and a claim
// left by a writer that died is taken over once stale.
import { MongoClient, type Collection } from 'mongodb';
import { chooseCompareAndSetStrategy, compareAndSet, compareAndSetStrategyFor, detectCompareAndSetStrategy, type ClaimDocument } from '../../src/stores/mongoVersionClaims';
import { freshDbName, mongoTestUri, recordingLogger } from '../support/mongo';
import { COLLECTION_NAMES, createMongoStores } from '../../src/stores/mongoStores';
import { RecordBusyError } from '../../src/ports/storeErrors';
import { faultReply } from '../../src/userFacingErrors';
import { PROFILE, T0 } from '../support/coreHarness';

interface Doc { _id: string; version: number; value: number }

describe('compare-and-set with version claims', () => {
  let client: MongoClient;
  let docs: Collection<Doc>;
  let claims: Collection<ClaimDocument>;
  const dbName = freshDbName('cas');

  beforeAll(async () => {
    client = new MongoClient(mongoTestUri(), { serverSelectionTimeoutMS: 5000 });
    const db = client.db(dbName);
    docs = db.collection<Doc>('docs');
    claims = db.collection<ClaimDocument>('claims');
  });

  afterAll(async () => {
    await client.db(dbName).dropDatabase();
    await client.close();
  });

  it('when five writers race from the same version twenty times, then exactly one wins each round', async () => {
    for (let round = 0; round < 20; round++) {
      const id = `race-${round}`;
      await docs.insertOne({ _id: id, version: 1, value: 0 });
      const results = await Promise.all(
        Array.from({ length: 5 }, (_, i) => compareAndSet({ strategy: 'claims', target: docs, claims, scope: 't', id, expectedVersion: 1, replacement: { version: 2, value: i + 1 } })),
      );
      expect(results.filter((r) => r === 'saved')).toHaveLength(1);
      const winner = results.indexOf('saved') + 1;
      expect(await docs.findOne({ _id: id })).toEqual({ _id: id, version: 2, value: winner });
    }
  });

  it('when increments race with retries, then none is lost', async () => {
    await docs.insertOne({ _id: 'counter', version: 1, value: 0 });
    const increment = async (): Promise<void> => {
      for (;;) {
        const current = (await docs.findOne({ _id: 'counter' }))!;
        const result = await compareAndSet({ strategy: 'claims', target: docs, claims, scope: 't', id: 'counter', expectedVersion: current.version, replacement: { version: current.version + 1, value: current.value + 1 } });
        if (result === 'saved') return;
      }
    };
    await Promise.all(Array.from({ length: 10 }, increment));
    expect(await docs.findOne({ _id: 'counter' })).toMatchObject({ value: 10, version: 11 });
  });

  it('when a writer died after claiming, then the document is reported held (with the time left) until the claim is stale', async () => {
    await docs.insertOne({ _id: 'orphan', version: 1, value: 0 });
    await claims.insertOne({ _id: `t\u0000orphan\u00002`, at: 1_000 });
    const attempt = (now: number) => compareAndSet({ strategy: 'claims', target: docs, claims, scope: 't', id: 'orphan', expectedVersion: 1, replacement: { version: 2, value: 7 }, now: () => now, staleAfterMs: 30_000 });
    await expect(attempt(20_000)).rejects.toEqual(expect.objectContaining({ name: 'RecordBusyError', retryAfterMs: 11_000 }));
    await expect(attempt(20_000)).rejects.toBeInstanceOf(RecordBusyError);
    expect(await attempt(31_001)).toBe('saved');
    expect(await docs.findOne({ _id: 'orphan' })).toMatchObject({ version: 2, value: 7 });
  });

  it('when a claim is only moments old, then it is a race being lost: a plain conflict for the caller to retry', async () => {
    await docs.insertOne({ _id: 'inflight', version: 1, value: 0 });
    await claims.insertOne({ _id: `t\u0000inflight\u00002`, at: 10_000 });
    const result = await compareAndSet({ strategy: 'claims', target: docs, claims, scope: 't', id: 'inflight', expectedVersion: 1, replacement: { version: 2, value: 7 }, now: () => 10_500 });
    expect(result).toBe('conflict');
  });

  it('when a person\'s record is held by a crashed write, then the user store says so instead of a lost race', async () => {
    const stores = await createMongoStores({ uri: mongoTestUri(), dbName: freshDbName('held'), logger: recordingLogger(), compareAndSet: 'claims' });
    try {
      const user = await stores.users.create(PROFILE, T0);
      // The claim a writer takes on version 2 before replacing, left behind 10 s ago by a crash.
      await stores.db.collection<ClaimDocument>(COLLECTION_NAMES.versionClaims).insertOne({ _id: `${COLLECTION_NAMES.users}\u0000${user.id}\u0000${user.version + 1}`, at: Date.now() - 10_000 });
      const error = await stores.users.replace({ ...user, displayName: 'Changed' }).then(() => null, (e: unknown) => e);
      expect(error).toBeInstanceOf(RecordBusyError);
      expect(faultReply(error)).toEqual(expect.objectContaining({ key: 'common.stillSaving' }));
      expect((error as RecordBusyError).retryAfterMs).toBeGreaterThan(15_000);
      expect((error as RecordBusyError).retryAfterMs).toBeLessThanOrEqual(20_000);
    } finally {
      await stores.db.dropDatabase();
      await stores.close();
    }
  });

  it('when the expected version is stale, then the write is refused and leaves no claim behind', async () => {
    await docs.insertOne({ _id: 'moved', version: 3, value: 0 });
    expect(await compareAndSet({ strategy: 'claims', target: docs, claims, scope: 't', id: 'moved', expectedVersion: 1, replacement: { version: 2, value: 1 } })).toBe('conflict');
    expect(await claims.countDocuments({ _id: `t\u0000moved\u00002` })).toBe(0);
  });
});

describe('choosing the compare-and-set strategy', () => {
  let client: MongoClient;
  const dbName = freshDbName('casdetect');

  beforeAll(() => {
    client = new MongoClient(mongoTestUri(), { serverSelectionTimeoutMS: 5000 });
  });

  afterAll(async () => {
    await client.db(dbName).dropDatabase();
    await client.close();
  });

  it('when buildInfo names FerretDB, then version claims; when it does not (MongoDB), then one conditional write', async () => {
    await expect(detectCompareAndSetStrategy({ command: async () => ({ version: '7.0.12', ferretdbVersion: 'v1.24.2', ok: 1 }) })).resolves.toBe('claims');
    await expect(detectCompareAndSetStrategy({ command: async () => ({ version: '7.0.12', gitVersion: 'abc', ok: 1 }) })).resolves.toBe('conditional');
  });

  it('when asked of the test server, then its own buildInfo decides', async () => {
    const info = await client.db(dbName).command({ buildInfo: 1 });
    const expected = 'ferretdbVersion' in info ? 'claims' : 'conditional';
    // The suites' FerretDB must be recognised, or every save there would lose its atomicity.
    if (!process.env['MONGODB_URI']) expect(info).toHaveProperty('ferretdbVersion');
    await expect(detectCompareAndSetStrategy(client.db(dbName))).resolves.toBe(expected);
  });

  it('when a strategy is forced, then no detection runs and the conditional one saves with a single command', async () => {
    const db = client.db(dbName);
    const started: string[] = [];
    const monitored = new MongoClient(mongoTestUri(), { serverSelectionTimeoutMS: 5000, monitorCommands: true });
    monitored.on('commandStarted', (event) => started.push(event.commandName));
    try {
      const mdb = monitored.db(dbName);
      chooseCompareAndSetStrategy(mdb, 'conditional');
      await db.collection<Doc>('forced').insertOne({ _id: 'one', version: 1, value: 0 });
      const target = mdb.collection<Doc>('forced');
      const claims = mdb.collection<ClaimDocument>('claims');
      await expect(compareAndSetStrategyFor(mdb)).resolves.toBe('conditional');
      expect(await compareAndSet({ target, claims, scope: 'f', id: 'one', expectedVersion: 1, replacement: { version: 2, value: 1 } })).toBe('saved');
      expect(await compareAndSet({ target, claims, scope: 'f', id: 'one', expectedVersion: 1, replacement: { version: 2, value: 9 } })).toBe('conflict');

      expect(started).toEqual(['update', 'update']);
      await expect(db.collection<Doc>('forced').findOne({ _id: 'one' })).resolves.toEqual({ _id: 'one', version: 2, value: 1 });
      expect(await claims.countDocuments()).toBe(0);
    } finally {
      await monitored.close();
    }
  });
});
