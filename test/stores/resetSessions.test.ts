// One contract for the reset sessions, run against memory and MongoDB (FerretDB in CI): created once, read back
// whole, compare-and-set on the version, and "used once" for exactly one of many concurrent callers.
import type { ResetSession, ResetSessionRepository } from '../../src/ports/resetSessions';
import { DuplicateKeyError } from '../../src/ports/storeErrors';
import { MemoryResetSessions } from '../../src/stores/memoryResetSessions';
import { openMongoResetSessions } from '../../src/stores/mongoResetSessions';
import { createMongoStores, type MongoStores } from '../../src/stores/mongoStores';
import { dropAndClose, freshDbName, mongoTestUri, recordingLogger } from '../support/mongo';
import { T0 } from '../support/fixtures';

const session = (id: string): ResetSession => ({
  id,
  browserHash: 'hash',
  userId: 'u1',
  nameDigest: 'digest',
  directoryId: 'd1',
  purpose: 'reset',
  locale: 'en-US',
  required: 2,
  proofs: ['sms'],
  linkVia: null,
  step: { method: 'questions', challengeId: null, codeHash: null, questionIds: ['birthCity', 'firstPetName'], numberToMatch: null, startedAt: T0, expiresAt: T0 + 600_000 },
  failures: 0,
  status: 'verifying',
  ip: '127.0.0.1',
  createdAt: T0,
  expiresAt: T0 + 900_000,
  version: 1,
});

function contract(name: string, open: () => Promise<{ sessions: ResetSessionRepository; close: () => Promise<void> }>): void {
  describe(name, () => {
    let sessions: ResetSessionRepository;
    let close: () => Promise<void>;
    beforeAll(async () => ({ sessions, close } = await open()));
    afterAll(async () => close());

    test('when a session is created, then it reads back whole, and a second with its id is refused', async () => {
      await sessions.create(session('s1'));
      expect(await sessions.get('s1')).toEqual(session('s1'));
      expect(await sessions.get('nope')).toBeNull();
      await expect(sessions.create(session('s1'))).rejects.toBeInstanceOf(DuplicateKeyError);
    });

    test('when two writers save from the same version, then only one wins', async () => {
      await sessions.create(session('s2'));
      const changed = { ...session('s2'), proofs: ['sms', 'app'] as const, step: null, version: 2 };
      expect(await sessions.replace(changed)).toBe(true);
      expect(await sessions.replace({ ...session('s2'), failures: 1, version: 2 })).toBe(false);
      expect(await sessions.get('s2')).toEqual(changed);
    });

    test('when many mark a session used at once, then exactly one succeeds', async () => {
      const results = await Promise.all(Array.from({ length: 10 }, () => sessions.markUsed('s3', T0)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await sessions.markUsed('s3', T0)).toBe(false);
    });
  });
}

contract('memory reset sessions', async () => ({ sessions: new MemoryResetSessions(), close: async () => undefined }));
contract('MongoDB reset sessions', async () => {
  const mongo: MongoStores = await createMongoStores({ uri: mongoTestUri(), dbName: freshDbName('reset'), logger: recordingLogger() });
  return { sessions: openMongoResetSessions(mongo.db), close: () => dropAndClose(mongo) };
});
