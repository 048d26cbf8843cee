// The botbuilder Storage contract, run against botbuilder's own MemoryStorage (the reference) and against
// MongoBotStorage on the test server with no branches between them, plus the MongoDB-only checks.
import { MemoryStorage, type Storage } from 'botbuilder';
import { MongoClient } from 'mongodb';
import { MongoBotStorage, createMongoBotStorage, type BotStateDocument } from '../../src/stores/mongoBotStorage';
import { StoreUnavailableError } from '../../src/ports/storeErrors';
import { chooseCompareAndSetStrategy, detectCompareAndSetStrategy } from '../../src/stores/mongoVersionClaims';
import { freshDbName, mongoTestUri } from '../support/mongo';

const RACE_ROUNDS = 10;
// Keys as botbuilder builds them for Teams: channel/conversations/<conversation id>/users/<user id>.
const TEAMS_KEY = 'msteams/conversations/a:1Xx9-3kL_z@thread.tacv2;messageid=1700000000000/users/29:1AbC.dEf-GhI';
const DIALOG_STATE = {
  dialogState: {
    dialogStack: [
      {
        id: 'enrollmentDialog',
        state: {
          'options.kind': 'mobilePhone',
          $prompt: { 'retry.count': 1, $values: [1, 'two', null, { $nested: true }] },
          values: { 'instanceId.v2': 'abc', empty: {}, list: [] },
        },
      },
    ],
  },
  $schema: 'https://example.com/x.json',
  'a.b.c': 'dotted',
};

async function settle(promise: Promise<unknown>): Promise<PromiseSettledResult<unknown>> {
  return promise.then((value) => ({ status: 'fulfilled' as const, value }), (reason: unknown) => ({ status: 'rejected' as const, reason }));
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

/**
 * concurrentWritesAtomic: false for a storage whose conditional write the server checks and applies in two steps
 * (one filtered update on FerretDB 1.x); there the two writes of the race test are sent one after the other.
 */
function describeStorageContract(name: string, makeStorage: () => Promise<Storage>, cleanup: () => Promise<void>, concurrentWritesAtomic: () => Promise<boolean> = async () => true): void {
  describe(`${name}: botbuilder Storage contract`, () => {
    let storage: Storage | undefined;
    const store = (): Storage => {
      if (!storage) throw new Error('the storage was not made');
      return storage;
    };

    beforeEach(async () => {
      storage = await makeStorage();
    });

    afterEach(async () => {
      storage = undefined;
      await cleanup();
    });

    test('when keys were never written, then read answers an empty object', async () => {
      await expect(store().read(['missing', 'also/missing'])).resolves.toEqual({});
      await expect(store().read([])).resolves.toEqual({});
    });

    test('when an item is written, then read returns it with a string eTag', async () => {
      await store().write({ k1: { count: 1, name: 'Ada', nested: { list: [1, 2, 3] } } });

      const items = await store().read(['k1', 'missing']);

      expect(Object.keys(items)).toEqual(['k1']);
      expect(items['k1']).toEqual({ count: 1, name: 'Ada', nested: { list: [1, 2, 3] }, eTag: expect.any(String) });
    });

    test('when an item is written again, then it gets a new eTag every time', async () => {
      await store().write({ k: { n: 1 } });
      const first = (await store().read(['k']))['k'];
      await store().write({ k: { ...first, n: 2 } });
      const second = (await store().read(['k']))['k'];

      expect(second).toEqual({ n: 2, eTag: expect.any(String) });
      expect(second.eTag).not.toBe(first.eTag);
    });

    test('when an item carries a stale eTag, then write throws the eTag-conflict error and the stored item stays', async () => {
      await store().write({ k: { v: 'one' } });
      const stale = (await store().read(['k']))['k'];
      await store().write({ k: { ...stale, v: 'two' } });

      const error = await rejectionOf(store().write({ k: { ...stale, v: 'stale' } }));

      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toBe('Storage: error writing "k" due to eTag conflict.');
      await expect(store().read(['k'])).resolves.toEqual({ k: { v: 'two', eTag: expect.any(String) } });
    });

    test('when an item carries eTag "*" or none, then it overwrites whatever is stored', async () => {
      await store().write({ k: { v: 'one' } });
      await store().write({ k: { v: 'star', eTag: '*' } });
      await expect(store().read(['k'])).resolves.toEqual({ k: { v: 'star', eTag: expect.any(String) } });

      await store().write({ k: { v: 'none' } });
      await expect(store().read(['k'])).resolves.toEqual({ k: { v: 'none', eTag: expect.any(String) } });
    });

    test('when an item with a specific eTag is written to an absent key, then it is stored (as MemoryStorage does)', async () => {
      await store().write({ fresh: { v: 1, eTag: 'some-old-etag' } });
      await expect(store().read(['fresh'])).resolves.toEqual({ fresh: { v: 1, eTag: expect.any(String) } });
    });

    test('when one item of a batch conflicts, then write rejects and the other items are still written', async () => {
      await store().write({ a: { v: 1 } });
      const stale = (await store().read(['a']))['a'];
      await store().write({ a: { ...stale, v: 2 } });

      await expect(store().write({ a: { ...stale, v: 3 }, b: { v: 'b' } })).rejects.toThrow('due to eTag conflict');
      await expect(store().read(['a', 'b'])).resolves.toEqual({
        a: { v: 2, eTag: expect.any(String) },
        b: { v: 'b', eTag: expect.any(String) },
      });
    });

    test('when items are deleted, then they read as absent and deleting a missing key is fine', async () => {
      await store().write({ a: { v: 1 }, b: { v: 2 } });
      await store().delete(['a', 'never-written']);

      await expect(store().read(['a', 'b'])).resolves.toEqual({ b: { v: 2, eTag: expect.any(String) } });
    });

    test('when keys hold Teams characters (: @ ; . / $), then each is its own item', async () => {
      const keys = [TEAMS_KEY, `${TEAMS_KEY}x`, 'a.b', '$key', 'with space', 'ünïcödé/🔐'];
      await store().write(Object.fromEntries(keys.map((key, i) => [key, { i }])));

      const items = await store().read(keys);

      expect(Object.keys(items).sort()).toEqual([...keys].sort());
      keys.forEach((key, i) => expect(items[key]).toEqual({ i, eTag: expect.any(String) }));
    });

    test('when an item has field names starting with $ or holding dots (dialog state), then they roundtrip intact', async () => {
      await store().write({ [TEAMS_KEY]: structuredClone(DIALOG_STATE) });

      const items = await store().read([TEAMS_KEY]);

      expect(items[TEAMS_KEY]).toEqual({ ...DIALOG_STATE, eTag: expect.any(String) });
    });

    test('when two writes race with the same eTag, then exactly one succeeds and its item is stored', async () => {
      await store().write({ k: { v: 'start' } });
      for (let round = 0; round < RACE_ROUNDS; round++) {
        const base = (await store().read(['k']))['k'];
        const first = () => store().write({ k: { ...base, v: `A${round}` } });
        const second = () => store().write({ k: { ...base, v: `B${round}` } });
        const results = (await concurrentWritesAtomic())
          ? await Promise.allSettled([first(), second()])
          : [await settle(first()), await settle(second())];

        expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
        const winner = results[0]?.status === 'fulfilled' ? `A${round}` : `B${round}`;
        await expect(store().read(['k'])).resolves.toEqual({ k: { v: winner, eTag: expect.any(String) } });
      }
    });
  });
}

describeStorageContract(
  'botbuilder MemoryStorage (reference)',
  async () => new MemoryStorage(),
  async () => undefined,
);

describe('MongoBotStorage', () => {
  let client: MongoClient | undefined;
  let dbName = '';
  const db = () => {
    if (!client) throw new Error('no client');
    return client.db(dbName);
  };

  beforeAll(() => {
    client = new MongoClient(mongoTestUri(), { serverSelectionTimeoutMS: 5_000 });
  });

  afterAll(async () => {
    await client?.close();
  });

  describeStorageContract(
    'MongoBotStorage',
    async () => {
      dbName = freshDbName('botstate');
      return createMongoBotStorage(db());
    },
    async () => {
      if (client) await db().dropDatabase();
    },
  );

  describeStorageContract(
    'MongoBotStorage, one conditional write',
    async () => {
      dbName = freshDbName('botstate1w');
      chooseCompareAndSetStrategy(db(), 'conditional');
      return new MongoBotStorage(db().collection<BotStateDocument>('botState'));
    },
    async () => {
      if (client) await db().dropDatabase();
    },
    async () => (await detectCompareAndSetStrategy(db())) === 'conditional',
  );

  describe('MongoDB specifics', () => {
    beforeEach(() => {
      dbName = freshDbName('botstate_specifics');
    });
    afterEach(async () => {
      if (client) await db().dropDatabase();
    });

    test('when an item is stored, then its key is the _id and the item is JSON text, so no field name reaches MongoDB', async () => {
      await createMongoBotStorage(db(), 'state').write({ [TEAMS_KEY]: structuredClone(DIALOG_STATE) });

      const raw = await db().collection<BotStateDocument>('state').findOne({ _id: TEAMS_KEY });

      expect(raw).toEqual({ _id: TEAMS_KEY, eTag: expect.any(String), version: 1, item: JSON.stringify(DIALOG_STATE) });
    });

    test('when a key or eTag is not a string, then it is refused with a TypeError before touching the store', async () => {
      const storage = createMongoBotStorage(db());
      await storage.write({ k: { v: 1 } });

      await expect(storage.read([{ $gt: '' } as unknown as string])).rejects.toBeInstanceOf(TypeError);
      await expect(storage.delete([{ $ne: null } as unknown as string])).rejects.toBeInstanceOf(TypeError);
      await expect(storage.write({ k: { v: 2, eTag: { $ne: '' } } })).rejects.toBeInstanceOf(TypeError);
      await expect(storage.read(['k'])).resolves.toEqual({ k: { v: 1, eTag: expect.any(String) } });
    });
  });
});

describe('MongoBotStorage when the server is unreachable', () => {
  test('when nothing listens at the URI, then read, write and delete reject with StoreUnavailableError', async () => {
    const client = new MongoClient('mongodb://127.0.0.1:1/', { serverSelectionTimeoutMS: 300 });
    try {
      const storage = new MongoBotStorage(client.db('unreachable').collection<BotStateDocument>('botState'));
      await expect(storage.read(['k'])).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(storage.write({ k: { v: 1 } })).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(storage.write({ k: { v: 1, eTag: 'e' } })).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(storage.delete(['k'])).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      await client.close();
    }
  });
});
