// Every query the MongoDB stores send is served by an index they declare: the store conformance suite and a job
// queue workload run with command monitoring on, each query shape is recorded, and each is checked against the
// collection's declared index list. A new query without an index fails here.
import type { CommandStartedEvent, IndexDescription } from 'mongodb';
import { createMongoStores, DECLARED_INDEXES, type MongoStores } from '../../src/stores/mongoStores';
import { createMongoJobQueue, JOB_INDEXES, JOBS_COLLECTION } from '../../src/stores/mongoJobQueue';
import { T0 } from '../support/fixtures';
import { freshDbName, mongoTestUri, recordingLogger } from '../support/mongo';
import { describeShape, servingIndex, shapesOf, type QueryShape } from '../support/queryShapes';
import { describeStoreConformance } from './storeConformance';

const INDEXES: Readonly<Record<string, readonly IndexDescription[]>> = { ...DECLARED_INDEXES, [JOBS_COLLECTION]: JOB_INDEXES };
const seen = new Map<string, QueryShape>();

function monitoredUri(): string {
  const uri = mongoTestUri();
  return `${uri}${uri.includes('?') ? '&' : '?'}monitorCommands=true`;
}

async function openMonitoredStores(prefix: string): Promise<MongoStores> {
  const stores = await createMongoStores({ uri: monitoredUri(), dbName: freshDbName(prefix), logger: recordingLogger(), indexes: 'manual' });
  await stores.ensureIndexes();
  stores.db.client.on('commandStarted', (event: CommandStartedEvent) => {
    for (const shape of shapesOf(event)) seen.set(describeShape(shape), shape);
  });
  return stores;
}

async function dropAndClose(stores: MongoStores): Promise<void> {
  try {
    await stores.db.dropDatabase();
  } finally {
    await stores.close();
  }
}

describeStoreConformance('MongoDB stores under command monitoring', () => openMonitoredStores('coverage'), dropAndClose);

describe('MongoDB job queue under command monitoring', () => {
  test('when jobs are enqueued, found due, leased, settled and listed, then every call succeeds', async () => {
    const stores = await openMonitoredStores('coveragejobs');
    try {
      const jobs = createMongoJobQueue(stores.db);
      await jobs.ensureIndexes();
      await jobs.enqueue({ id: 'j1', kind: 'callback', payload: {}, dueAt: T0 }, T0);
      const [due] = await jobs.findDue(T0, 10);
      const leased = await jobs.lease(due!.id, 'worker', T0, 60_000);
      expect(await jobs.settle(leased!, { status: 'done' }, T0 + 1)).toBe(true);
      expect((await jobs.listByStatus('done', 10)).map((j) => j.id)).toEqual(['j1']);
    } finally {
      await dropAndClose(stores);
    }
  });
});

describe('MongoDB index coverage', () => {
  test('when the workloads above have run, then every query shape they sent is served by a declared index', () => {
    const shapes = [...seen.values()];
    // The workloads must have exercised the stores, or this check would pass on nothing.
    expect(shapes.length).toBeGreaterThan(20);
    const unserved = shapes.filter((shape) => servingIndex(shape, INDEXES[shape.collection] ?? []) === null).map(describeShape);
    expect(unserved).toEqual([]);
  });

  test('when a query filters on a field no index leads with, then the check names it', () => {
    const byName: QueryShape = { collection: 'users', command: 'find', equality: ['displayName'], range: [], sort: [] };
    const pendingPhone: QueryShape = {
      collection: 'users',
      command: 'find',
      equality: ['enrollment.step.name', 'enrollment.step.target.type', 'enrollment.step.target.number'],
      range: [],
      sort: ['_id'],
    };
    const scan: QueryShape = { collection: 'audit', command: 'find', equality: [], range: [], sort: [] };
    expect(servingIndex(byName, INDEXES.users!)).toBeNull();
    expect(servingIndex(scan, INDEXES.audit!)).toBeNull();
    // The single-field index the pending-phone look-up had before did not cover its three equality fields.
    expect(servingIndex(pendingPhone, [{ key: { 'enrollment.step.target.number': 1 }, name: 'pendingPhone' }])).toBeNull();
    expect(servingIndex(pendingPhone, INDEXES.users!)).toBe('pendingPhoneStep');
  });
});
