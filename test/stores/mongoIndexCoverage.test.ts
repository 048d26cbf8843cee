// Every query the MongoDB stores send is served by an index they declare: the store conformance suite and a job
// queue workload run with command monitoring on, each query shape is recorded, and each is checked against the
// collection's declared index list. A new query without an index fails here.
import type { CommandStartedEvent, IndexDescription } from 'mongodb';
import { createMongoStores, DECLARED_INDEXES, type MongoStores } from '../../src/stores/mongoStores';
import { createMongoJobQueue, JOB_INDEXES, JOBS_COLLECTION } from '../../src/stores/mongoJobQueue';
import { createMongoVerificationStores } from '../../src/stores/mongoVerificationStores';
import { createMongoBotStorage } from '../../src/stores/mongoBotStorage';
import { createMongoEntraStores, ENTRA_INDEXES } from '../../src/stores/mongoEntraStores';
import { openMongoResetLinks, RESET_LINK_INDEXES } from '../../src/stores/mongoResetLinks';
import { T0 } from '../support/fixtures';
import { freshDbName, mongoTestUri, recordingLogger, dropAndClose } from '../support/mongo';
import { describeShape, servingIndex, shapesOf, type QueryShape } from '../support/queryShapes';
import { describeStoreConformance } from './storeConformance';

const INDEXES: Readonly<Record<string, readonly IndexDescription[]>> = { ...DECLARED_INDEXES, [JOBS_COLLECTION]: JOB_INDEXES, ...ENTRA_INDEXES, ...RESET_LINK_INDEXES };
const seen = new Map<string, QueryShape>();
/**
 * Shapes allowed without an index, each with its reason. Keep this short: an entry is a decision, not a fix.
 * - The operator's `clients list` reads every API client: a handful of documents, never on a request's path.
 */
const UNINDEXED_BY_DESIGN = new Set(['apiClients find eq[] range[] sort[createdAt,_id]']);

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

describe('MongoDB verification stores and bot state under command monitoring', () => {
  test('when clients, passes, unlocks and dialog state are written and read, then every call succeeds', async () => {
    const stores = await openMonitoredStores('coverageverify');
    try {
      const verification = createMongoVerificationStores(stores.db);
      await verification.apiClients.create({ id: 'c1', name: 'VPN', secretHash: 'h', createdAt: T0, revokedAt: null });
      expect(await verification.apiClients.get('c1')).not.toBeNull();
      expect(await verification.apiClients.list()).toHaveLength(1);
      expect(await verification.apiClients.revoke('c1', T0 + 1)).toBe(true);
      const pass = { id: 'p1', userId: 'u1', issuedBy: 'hd', passcodeHash: 'hash', oneTime: true, createdAt: T0, expiresAt: T0 + 3_600_000, usedAt: null, revokedAt: null };
      await verification.passes.put(pass);
      expect(await verification.passes.getForUser('u1')).toEqual(pass);
      expect(await verification.passes.markUsed('u1', 'p1', T0 + 1)).toBe(true);
      expect(await verification.passes.revoke('u1', T0 + 2)).toBe(true);
      await verification.unlocks.unlock('u1', 'hd', T0);
      expect(await verification.unlocks.lastUnlock('u1')).toBe(T0);
      const storage = createMongoBotStorage(stores.db);
      await storage.write({ 'msteams/conversations/a:1/': { dialogStack: [], eTag: '*' } });
      expect(await storage.read(['msteams/conversations/a:1/'])).toHaveProperty(['msteams/conversations/a:1/']);
      await storage.delete(['msteams/conversations/a:1/']);
    } finally {
      await dropAndClose(stores);
    }
  });
});

describe('MongoDB Entra provider stores under command monitoring', () => {
  test('when keys and sign-ins are written, read, replaced and answered, then every call succeeds', async () => {
    const stores = await openMonitoredStores('coverageentra');
    try {
      const entra = await createMongoEntraStores(stores.db);
      await entra.signingKeys.add({ kid: 'k1', alg: 'RS256', sealedPrivateKey: { iv: 'aQ==', tag: 'dA==', data: 'ZA==' }, n: 'bg', e: 'AQAB', certificate: 'Yw==', createdAt: T0, signFrom: T0, retireAt: null });
      expect(await entra.signingKeys.list(T0)).toHaveLength(1);
      expect(await entra.signingKeys.retire('k1', T0 + 1)).toBe(true);
      const signIn = { id: 's1', requestKey: 'r1', browserHash: 'b', tenantId: 't', objectId: 'o', subject: 's', userId: 'u1', clientId: 'c', redirectUri: 'https://login.microsoftonline.com/common/federation/externalauthprovider', nonce: null, state: null, acrValues: [], clientRequestId: null, locale: 'en-US', challengeId: null, method: null, createdAt: T0, expiresAt: T0 + 1, version: 1 };
      await entra.signIns.create(signIn);
      expect(await entra.signIns.get('s1')).not.toBeNull();
      expect(await entra.signIns.replace({ ...signIn, method: 'sms', version: 2 })).toBe(true);
      expect(await entra.signIns.markAnswered('s1', T0)).toBe(true);
    } finally {
      await dropAndClose(stores);
    }
  });
});

describe('MongoDB reset links under command monitoring', () => {
  test('when links are issued, taken, replayed and guessed, then every call succeeds', async () => {
    const stores = await openMonitoredStores('coveragereset');
    try {
      const links = openMongoResetLinks(stores.db);
      await links.issue('h1', { userId: 'u1', purpose: 'reset', proofs: ['sms'], issuedVia: 'sms', issuedAt: T0, expiresAt: T0 + 900_000 });
      expect(await links.take('h1', T0)).toMatchObject({ userId: 'u1' });
      expect(await links.take('h1', T0)).toBeNull();
      expect(await links.take('never-issued', T0)).toBeNull();
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
    const unserved = shapes.filter((shape) => servingIndex(shape, INDEXES[shape.collection] ?? []) === null).map(describeShape).filter((line) => !UNINDEXED_BY_DESIGN.has(line));
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
