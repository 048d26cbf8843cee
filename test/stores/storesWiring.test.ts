// createStores is the one place the backend is picked: every repository Signet uses (main stores, verification
// stores, job queue, Teams dialog state) comes from it, on the same backend, so nothing else looks inside a store.
import { LazyMemoryStorage } from '../../src/stores/lazyMemoryStorage';
import { createLogger } from '../../src/logging/logger';
import { createStores, type SignetStores } from '../../src/stores/storesWiring';
import { MongoBotStorage } from '../../src/stores/mongoBotStorage';
import { MemoryJobQueue } from '../../src/stores/memoryJobQueue';
import { newApiClient } from '../../src/security/apiClientCredentials';
import { seededRandom } from '../../src/security/random';
import { createMongoStores } from '../../src/stores/mongoStores';
import { dropAndClose, freshDbName, mongoTestUri, recordingLogger } from '../support/mongo';
import { T0 } from '../support/coreHarness';

const quiet = createLogger({ level: 'error', sink: () => undefined });
const config = (uri: string | undefined, dbName = 'unused') => ({ mongodb: { uri, dbName }, webhookLedgerRetentionMs: 60_000 });

/** Writes one record through each companion of the main stores. */
async function writeThroughEach(stores: SignetStores): Promise<string> {
  const { client } = newApiClient('Portal', T0, seededRandom('wiring'), Buffer.alloc(32, 1));
  await stores.verification.apiClients.create(client);
  await stores.jobQueue.enqueue({ id: 'job-1', kind: 'test', payload: {}, dueAt: T0 }, T0);
  await stores.botStorage.write({ 'conv/user': { step: 3 } });
  await stores.users.create({ id: 'u1', tenantId: null, upn: 'u1@example.test', displayName: 'U', locale: 'en-US' }, T0);
  await stores.resetLinks.issue('hash-1', { userId: 'u1', purpose: 'reset', proofs: ['sms'], issuedVia: 'sms', issuedAt: T0, expiresAt: T0 + 900_000 });
  return client.id;
}

describe('createStores', () => {
  it('when MONGODB_URI is not set, then every repository is in memory', async () => {
    const stores = await createStores(config(undefined), quiet);
    expect(stores.kind).toBe('memory');
    expect(stores.botStorage).toBeInstanceOf(LazyMemoryStorage);
    expect(stores.jobQueue).toBeInstanceOf(MemoryJobQueue);
    const clientId = await writeThroughEach(stores);
    expect(await stores.verification.apiClients.get(clientId)).not.toBeNull();
    expect(await stores.resetLinks.take('hash-1', T0)).toMatchObject({ userId: 'u1' });
    await stores.close();
  });

  it('when MONGODB_URI is set, then every repository is on that database (a second process sees what the first wrote)', async () => {
    const settings = config(mongoTestUri(), freshDbName('wiring'));
    const first = await createStores(settings, quiet);
    const second = await createStores(settings, quiet);
    try {
      expect(first.kind).toBe('mongodb');
      expect(first.botStorage).toBeInstanceOf(MongoBotStorage);
      const clientId = await writeThroughEach(first);
      expect(await second.verification.apiClients.get(clientId)).not.toBeNull();
      expect(await second.jobQueue.get('job-1')).not.toBeNull();
      expect(await second.botStorage.read(['conv/user'])).toEqual({ 'conv/user': expect.objectContaining({ step: 3 }) });
      expect(await second.users.get('u1')).not.toBeNull();
      expect(await second.resetLinks.take('hash-1', T0)).toMatchObject({ userId: 'u1' });
      expect(await first.resetLinks.take('hash-1', T0)).toBeNull();
    } finally {
      await first.close();
      await second.close();
      await dropAndClose(await createMongoStores({ uri: settings.mongodb.uri!, dbName: settings.mongodb.dbName, logger: recordingLogger(), indexes: 'manual' }));
    }
  });
});
