// One contract for the Entra provider's stores, run against memory and MongoDB (FerretDB in CI): keys listed and
// retired, a replayed request refused by the unique key, compare-and-set on sign-ins, and "answered once".
import type { EntraSignIn } from '../../src/domain/entraSignIn';
import type { SigningKey } from '../../src/domain/signingKey';
import type { EntraStores } from '../../src/ports/entraRepositories';
import { DuplicateKeyError } from '../../src/ports/storeErrors';
import { createMemoryEntraStores } from '../../src/stores/memoryEntraStores';
import { createMongoEntraStores } from '../../src/stores/mongoEntraStores';
import { createMongoStores, type MongoStores } from '../../src/stores/mongoStores';
import { dropAndClose, freshDbName, mongoTestUri, recordingLogger } from '../support/mongo';
import { T0 } from '../support/fixtures';

const key = (kid: string, createdAt: number): SigningKey => ({ kid, alg: 'RS256', sealedPrivateKey: { iv: 'aQ==', tag: 'dA==', data: 'ZA==' }, n: 'bg', e: 'AQAB', certificate: 'Y2VydA==', createdAt, signFrom: createdAt, retireAt: null });

const signIn = (id: string, requestKey: string): EntraSignIn => ({
  id,
  requestKey,
  browserHash: 'hash',
  tenantId: 't',
  objectId: 'o',
  subject: 's',
  userId: 'u',
  clientId: 'c',
  redirectUri: 'https://login.microsoftonline.com/common/federation/externalauthprovider',
  nonce: null,
  state: 'st',
  acrValues: ['possessionorinherence'],
  clientRequestId: null,
  locale: 'en-US',
  challengeId: null,
  method: null,
  createdAt: T0,
  expiresAt: T0 + 600_000,
  version: 1,
});

function contract(name: string, open: () => Promise<{ stores: EntraStores; close: () => Promise<void> }>): void {
  describe(name, () => {
    let stores: EntraStores;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ stores, close } = await open());
    });
    afterAll(async () => close());

    test('when keys are added and one retired, then the listing is oldest first and leaves out those retired before `since`', async () => {
      await stores.signingKeys.add(key('k2', T0 + 1));
      await stores.signingKeys.add(key('k1', T0));
      await expect(stores.signingKeys.add(key('k1', T0))).rejects.toBeInstanceOf(DuplicateKeyError);
      expect(await stores.signingKeys.retire('k1', T0 + 10)).toBe(true);
      expect(await stores.signingKeys.retire('nope', T0)).toBe(false);
      expect((await stores.signingKeys.list(T0)).map((k) => [k.kid, k.retireAt])).toEqual([['k1', T0 + 10], ['k2', null]]);
      expect((await stores.signingKeys.list(T0 + 11)).map((k) => k.kid)).toEqual(['k2']);
    });

    test('when the same request is stored twice, then the second insert is a DuplicateKeyError on requestKey', async () => {
      await stores.signIns.create(signIn('s1', 'r1'));
      await expect(stores.signIns.create(signIn('s2', 'r1'))).rejects.toMatchObject({ key: 'requestKey' });
      expect(await stores.signIns.get('s2')).toBeNull();
      expect(await stores.signIns.get('s1')).toEqual(signIn('s1', 'r1'));
    });

    test('when a sign-in is replaced from a stale version, then only the first write lands', async () => {
      await stores.signIns.create(signIn('s3', 'r3'));
      expect(await stores.signIns.replace({ ...signIn('s3', 'r3'), method: 'sms', challengeId: 'c1', version: 2 })).toBe(true);
      expect(await stores.signIns.replace({ ...signIn('s3', 'r3'), method: 'voice', challengeId: 'c2', version: 2 })).toBe(false);
      expect(await stores.signIns.get('s3')).toMatchObject({ method: 'sms', challengeId: 'c1', version: 2 });
    });

    test('when a sign-in is marked answered by ten callers at once, then exactly one wins', async () => {
      const results = await Promise.all(Array.from({ length: 10 }, () => stores.signIns.markAnswered('s1', T0)));
      expect(results.filter(Boolean)).toHaveLength(1);
    });
  });
}

contract('memory Entra stores', async () => ({ stores: createMemoryEntraStores(), close: async () => undefined }));
contract('MongoDB Entra stores', async () => {
  const mongo: MongoStores = await createMongoStores({ uri: mongoTestUri(), dbName: freshDbName('entra'), logger: recordingLogger() });
  return { stores: await createMongoEntraStores(mongo.db), close: () => dropAndClose(mongo) };
});
