// One contract suite for the verification stores (API clients, Temporary Access Passes, unlocks), run against
// the memory adapter and the MongoDB adapter with no backend-specific branches.
import { MongoClient } from 'mongodb';
import { createMemoryVerificationStores } from '../../src/stores/memoryVerificationStores';
import { createMongoVerificationStores } from '../../src/stores/mongoVerificationStores';
import type { VerificationStores } from '../../src/ports/verificationRepositories';
import { DuplicateKeyError } from '../../src/ports/storeErrors';
import type { TemporaryAccessPass } from '../../src/domain/temporaryAccessPass';
import { freshDbName, mongoTestUri } from '../support/mongo';
import { T0 } from '../support/coreHarness';

const pass = (over: Partial<TemporaryAccessPass> = {}): TemporaryAccessPass => ({
  id: 'p1', userId: 'jane', issuedBy: 'hd', passcodeHash: 'hash', oneTime: true, createdAt: T0, expiresAt: T0 + 3_600_000, usedAt: null, revokedAt: null, ...over,
});

function contract(name: string, make: () => Promise<VerificationStores>): void {
  describe(`${name}: verification stores`, () => {
    let s: VerificationStores;
    beforeEach(async () => {
      s = await make();
    });

    it('when clients are created, then they are listed oldest first, duplicates refused, and revoked once', async () => {
      await s.apiClients.create({ id: 'b', name: 'VPN', secretHash: 'h2', createdAt: T0 + 1, revokedAt: null });
      await s.apiClients.create({ id: 'a', name: 'Portal', secretHash: 'h1', createdAt: T0, revokedAt: null });
      await expect(s.apiClients.create({ id: 'a', name: 'Again', secretHash: 'h3', createdAt: T0, revokedAt: null })).rejects.toBeInstanceOf(DuplicateKeyError);
      expect((await s.apiClients.list()).map((c) => c.name)).toEqual(['Portal', 'VPN']);
      const results = await Promise.all([s.apiClients.revoke('a', T0 + 5), s.apiClients.revoke('a', T0 + 6)]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await s.apiClients.get('a'))?.revokedAt).not.toBeNull();
      expect(await s.apiClients.revoke('missing', T0)).toBe(false);
      expect(await s.apiClients.get('missing')).toBeNull();
    });

    it('when a new pass is put, then it replaces the old one', async () => {
      await s.passes.put(pass());
      await s.passes.put(pass({ id: 'p2' }));
      expect((await s.passes.getForUser('jane'))?.id).toBe('p2');
      expect(await s.passes.markUsed('jane', 'p1', T0)).toBe(false);
    });

    it('when a one-time pass is used by five callers at once, then exactly one succeeds', async () => {
      await s.passes.put(pass());
      const results = await Promise.all(Array.from({ length: 5 }, (_, i) => s.passes.markUsed('jane', 'p1', T0 + i)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await s.passes.getForUser('jane'))?.usedAt).not.toBeNull();
      expect(await s.passes.markUsed('jane', 'p1', T0 + 10)).toBe(false);
    });

    it('when a reusable pass is used twice, then both uses count', async () => {
      await s.passes.put(pass({ oneTime: false }));
      expect(await s.passes.markUsed('jane', 'p1', T0)).toBe(true);
      expect(await s.passes.markUsed('jane', 'p1', T0 + 1)).toBe(true);
    });

    it('when a pass is revoked, then it says so once', async () => {
      expect(await s.passes.revoke('jane', T0)).toBe(false);
      await s.passes.put(pass());
      expect(await s.passes.revoke('jane', T0)).toBe(true);
      expect(await s.passes.revoke('jane', T0)).toBe(false);
      expect((await s.passes.getForUser('jane'))?.revokedAt).toBe(T0);
    });

    it('when the help desk unlocks a person, then the newest unlock is kept', async () => {
      expect(await s.unlocks.lastUnlock('jane')).toBeNull();
      await s.unlocks.unlock('jane', 'hd', T0);
      await s.unlocks.unlock('jane', 'hd', T0 + 9);
      expect(await s.unlocks.lastUnlock('jane')).toBe(T0 + 9);
    });

    it('when ids are operator-shaped, then they are refused', async () => {
      await expect(s.apiClients.get({ $gt: '' } as unknown as string)).rejects.toBeInstanceOf(TypeError);
      await expect(s.passes.getForUser({ $ne: null } as unknown as string)).rejects.toBeInstanceOf(TypeError);
    });
  });
}

contract('memory', async () => createMemoryVerificationStores());

describe('on MongoDB', () => {
  let client: MongoClient | undefined;
  const dbNames: string[] = [];
  afterAll(async () => {
    if (client) {
      for (const name of dbNames) await client.db(name).dropDatabase();
      await client.close();
    }
  });
  contract('mongodb', async () => {
    client ??= new MongoClient(mongoTestUri(), { serverSelectionTimeoutMS: 5000 });
    const name = freshDbName('verif');
    dbNames.push(name);
    return createMongoVerificationStores(client.db(name));
  });
});
