// One contract for the single-use reset links, run on memory and on MongoDB (FerretDB in CI): a grant comes back
// once and only before it expires, a second issue of a hash is refused, and of many concurrent takes exactly one wins.
import type { ResetLinkGrant, ResetLinkRepository } from '../../src/ports/resetLinks';
import { DuplicateKeyError } from '../../src/ports/storeErrors';
import { MemoryResetLinks } from '../../src/stores/memoryResetLinks';
import { createMongoStores, type MongoStores } from '../../src/stores/mongoStores';
import { ensureResetLinkIndexes, openMongoResetLinks } from '../../src/stores/mongoResetLinks';
import { newResetLinkToken, resetLinkTokenHash } from '../../src/security/resetLinkTokens';
import { seededRandom } from '../../src/security/random';
import { dropAndClose, freshDbName, mongoTestUri, recordingLogger } from '../support/mongo';
import { T0 } from '../support/fixtures';

const FIFTEEN_MINUTES = 15 * 60_000;
const grant = (userId: string, overrides: Partial<ResetLinkGrant> = {}): ResetLinkGrant => ({
  userId,
  purpose: 'reset',
  proofs: ['sms'],
  issuedVia: 'sms',
  issuedAt: T0,
  expiresAt: T0 + FIFTEEN_MINUTES,
  ...overrides,
});

function contract(name: string, open: () => Promise<{ links: ResetLinkRepository; close: () => Promise<void> }>): void {
  describe(name, () => {
    let links: ResetLinkRepository;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ links, close } = await open());
    });
    afterAll(async () => close());

    test('when a link is taken twice, then the first take gets the grant as issued and the second gets null', async () => {
      const issued = grant('u1', { purpose: 'unlock', proofs: ['app', 'teams'], issuedVia: 'teams' });
      await links.issue('h-once', issued);
      expect(await links.take('h-once', T0 + 1)).toEqual(issued);
      expect(await links.take('h-once', T0 + 2)).toBeNull();
    });

    test('when a hash is issued twice, then the second issue is a DuplicateKeyError on tokenHash and the first grant stands', async () => {
      await links.issue('h-dup', grant('u1'));
      await expect(links.issue('h-dup', grant('intruder'))).rejects.toEqual(expect.objectContaining({ key: 'tokenHash' }));
      await expect(links.issue('h-dup', grant('intruder'))).rejects.toBeInstanceOf(DuplicateKeyError);
      expect(await links.take('h-dup', T0)).toMatchObject({ userId: 'u1' });
    });

    test('when a link is taken at or after its expiry, then nothing comes back, and not later either', async () => {
      await links.issue('h-late', grant('u1'));
      expect(await links.take('h-late', T0 + FIFTEEN_MINUTES)).toBeNull();
      expect(await links.take('h-late', T0)).toBeNull();
    });

    test('when a hash was never issued, then take answers null', async () => {
      expect(await links.take('h-never', T0)).toBeNull();
    });

    test('when twenty callers take the same link at once, then exactly one gets the grant', async () => {
      const token = newResetLinkToken(seededRandom('race'));
      await links.issue(resetLinkTokenHash(token), grant('u-race'));
      const results = await Promise.all(Array.from({ length: 20 }, () => links.take(resetLinkTokenHash(token), T0 + 1)));
      expect(results.filter((r) => r !== null)).toEqual([expect.objectContaining({ userId: 'u-race' })]);
    });
  });
}

contract('memory reset links', async () => ({ links: new MemoryResetLinks(), close: async () => undefined }));
contract('MongoDB reset links', async () => {
  const mongo: MongoStores = await createMongoStores({ uri: mongoTestUri(), dbName: freshDbName('resetlinks'), logger: recordingLogger(), indexes: 'manual' });
  await ensureResetLinkIndexes(mongo.db).catch(() => undefined);
  return { links: openMongoResetLinks(mongo.db), close: () => dropAndClose(mongo) };
});

describe('reset link tokens', () => {
  test('when a token is made, then it is 32 random bytes in base64url and its hash is the hex SHA-256 of the token text', () => {
    const token = newResetLinkToken(seededRandom('t'));
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    // Known answer: the web journey computes the same hash from the link's query string.
    expect(resetLinkTokenHash('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(newResetLinkToken(seededRandom('u'))).not.toBe(token);
  });
});
