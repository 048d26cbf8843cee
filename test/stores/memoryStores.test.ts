// The storage port conformance suite against the in-memory adapter.
import { createMemoryStores } from '../../src/stores/memoryStores';
import { describeStoreConformance } from './storeConformance';

describeStoreConformance(
  'memory stores',
  async () => createMemoryStores(),
  (stores) => stores.close(),
);
