// The stores a check runs on: in memory, and MongoDB (the server globalSetup found: FerretDB in CI) in a fresh
// database that is dropped afterwards.
import { createMemoryStores } from '../../../src/stores/memoryStores';
import { createMongoStores } from '../../../src/stores/mongoStores';
import type { BackendStores } from '../../../src/stores/storesWiring';
import { freshDbName, mongoTestUri, recordingLogger } from '../../support/mongo';

export interface Backend {
  readonly name: 'memory' | 'mongodb';
  open(): Promise<{ stores: BackendStores; dispose(): Promise<void> }>;
}

export const BACKENDS: readonly Backend[] = [
  { name: 'memory', open: async () => ({ stores: createMemoryStores(), dispose: async () => undefined }) },
  {
    name: 'mongodb',
    open: async () => {
      const stores = await createMongoStores({ uri: mongoTestUri(), dbName: freshDbName('reliability'), logger: recordingLogger(), indexes: 'manual' });
      await stores.ensureIndexes();
      return {
        stores,
        dispose: async () => {
          await stores.db.dropDatabase().catch(() => undefined);
          await stores.close();
        },
      };
    },
  },
];
