// The job queue contract (src/ports/jobQueue.ts) as one suite, run against the memory adapter and the MongoDB
// adapter (FerretDB in CI) with no backend-specific branches: idempotent enqueue, one lease holder, lapsed leases.
import { MongoClient } from 'mongodb';
import type { JobQueue } from '../../src/ports/jobQueue';
import { MemoryJobQueue } from '../../src/stores/memoryJobQueue';
import { createMongoJobQueue } from '../../src/stores/mongoJobQueue';
import { T0 } from '../support/fixtures';
import { freshDbName, mongoTestUri } from '../support/mongo';

const LEASE = 60_000;
/** Enough concurrent racers that a check-then-write lease lets two through (FerretDB's updates are read-then-write). */
const RACERS = 12;

const job = (id: string, dueAt = T0, kind = 'callback') => ({ id, kind, payload: { challengeId: id }, dueAt });

/** Two handles on one queue: for MongoDB two clients, i.e. two server instances sharing the database. */
type Pair = { a: JobQueue; b: JobQueue };

function contract(name: string, make: () => Promise<Pair>): void {
  describe(`${name}: job queue contract`, () => {
    let q: Pair;
    beforeEach(async () => {
      q = await make();
    });

    it('when one id is enqueued many times at once, then exactly one job exists and one call created it', async () => {
      const results = await Promise.all(Array.from({ length: RACERS }, (_, i) => (i % 2 ? q.a : q.b).enqueue(job('callback:c1', T0 + i), T0)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await q.a.get('callback:c1')).toMatchObject({ id: 'callback:c1', kind: 'callback', payload: { challengeId: 'callback:c1' }, status: 'pending', attempts: 0, leaseOwner: null, leaseExpiresAt: null, lastError: null, createdAt: T0, version: 1 });
      expect(await q.a.get('missing')).toBeNull();
    });

    it('when jobs are due, then findDue lists pending ones at or before now, earliest first, at most limit', async () => {
      await q.a.enqueue(job('j-late', T0 + 2), T0);
      await q.a.enqueue(job('j-early', T0 - 5), T0);
      await q.a.enqueue(job('j-future', T0 + 1000), T0);
      await q.a.enqueue(job('j-now', T0), T0);
      expect((await q.b.findDue(T0 + 2, 10)).map((j) => j.id)).toEqual(['j-early', 'j-now', 'j-late']);
      expect((await q.b.findDue(T0 + 2, 2)).map((j) => j.id)).toEqual(['j-early', 'j-now']);
      expect(await q.b.findDue(T0 + 2, 0)).toEqual([]);
    });

    it('when many workers lease one due job at once, then exactly one holds it and counts an attempt', async () => {
      await q.a.enqueue(job('j1'), T0);
      const leases = await Promise.all(Array.from({ length: RACERS }, (_, i) => (i % 2 ? q.a : q.b).lease('j1', `w${i}`, T0, LEASE)));
      const held = leases.filter((l) => l !== null);
      expect(held).toHaveLength(1);
      expect(held[0]).toMatchObject({ status: 'leased', attempts: 1, leaseExpiresAt: T0 + LEASE });
      expect(await q.a.get('j1')).toEqual(held[0]);
      // Leased and unexpired: not due for anyone else.
      expect(await q.b.findDue(T0 + LEASE - 1, 10)).toEqual([]);
      expect(await q.b.lease('j1', 'late', T0 + LEASE - 1, LEASE)).toBeNull();
    });

    it('when a job is not yet due or unknown, then no lease is given', async () => {
      await q.a.enqueue(job('j1', T0 + 10), T0);
      expect(await q.a.lease('j1', 'w', T0 + 9, LEASE)).toBeNull();
      expect(await q.a.lease('nope', 'w', T0, LEASE)).toBeNull();
    });

    it('when a holder crashes, then its lapsed lease is due again and another takes over; the old holder can no longer settle', async () => {
      await q.a.enqueue(job('j1'), T0);
      const first = await q.a.lease('j1', 'crashed', T0, LEASE);
      expect(first).not.toBeNull();
      expect((await q.b.findDue(T0 + LEASE, 10)).map((j) => j.id)).toEqual(['j1']);
      const takeovers = await Promise.all(Array.from({ length: RACERS }, (_, i) => q.b.lease('j1', `t${i}`, T0 + LEASE, LEASE)));
      const second = takeovers.filter((l) => l !== null);
      expect(second).toHaveLength(1);
      expect(second[0]).toMatchObject({ attempts: 2, leaseExpiresAt: T0 + 2 * LEASE });
      expect(await q.a.settle(first!, { status: 'done' }, T0 + LEASE + 1)).toBe(false);
      expect(await q.b.settle(second[0]!, { status: 'done' }, T0 + LEASE + 2)).toBe(true);
      expect(await q.a.get('j1')).toMatchObject({ status: 'done', leaseOwner: null, leaseExpiresAt: null, updatedAt: T0 + LEASE + 2 });
      // Done is final: enqueueing the same id again changes nothing.
      expect(await q.a.enqueue(job('j1'), T0 + LEASE + 3)).toBe(false);
      expect(await q.a.findDue(T0 + 10 * LEASE, 10)).toEqual([]);
    });

    it('when a holder settles twice at once, then only one settlement lands', async () => {
      await q.a.enqueue(job('j1'), T0);
      const leased = (await q.a.lease('j1', 'w', T0, LEASE))!;
      const results = await Promise.all([q.a.settle(leased, { status: 'done' }, T0 + 1), q.b.settle(leased, { status: 'dead', error: 'x' }, T0 + 1)]);
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('when a job is retried, then it is pending at its new time with the error; dead ones are listed for operators', async () => {
      await q.a.enqueue(job('retry'), T0);
      await q.a.enqueue(job('bury'), T0);
      const r = (await q.a.lease('retry', 'w', T0, LEASE))!;
      expect(await q.a.settle(r, { status: 'pending', dueAt: T0 + 10_000, error: 'callback URL answered HTTP 500' }, T0 + 1)).toBe(true);
      expect(await q.b.get('retry')).toMatchObject({ status: 'pending', dueAt: T0 + 10_000, attempts: 1, lastError: 'callback URL answered HTTP 500' });
      expect((await q.b.findDue(T0 + 9_999, 10)).map((j) => j.id)).toEqual(['bury']);
      const b = (await q.a.lease('bury', 'w', T0, LEASE))!;
      expect(await q.a.settle(b, { status: 'dead', error: 'gave up' }, T0 + 2)).toBe(true);
      expect((await q.b.listByStatus('dead', 10)).map((j) => [j.id, j.lastError])).toEqual([['bury', 'gave up']]);
      expect((await q.b.listByStatus('pending', 10)).map((j) => j.id)).toEqual(['retry']);
      const again = (await q.a.lease('retry', 'w', T0 + 10_000, LEASE))!;
      expect(await q.a.settle(again, { status: 'pending', dueAt: T0 + 20_000, error: null, resetAttempts: true }, T0 + 10_001)).toBe(true);
      expect(await q.a.get('retry')).toMatchObject({ attempts: 0, lastError: null, dueAt: T0 + 20_000 });
    });
  });
}

contract('memory', async () => {
  const queue = new MemoryJobQueue();
  return { a: queue, b: queue };
});

describe('on MongoDB', () => {
  const clients: MongoClient[] = [];
  const dbNames: string[] = [];
  afterAll(async () => {
    if (clients[0]) for (const name of dbNames) await clients[0].db(name).dropDatabase();
    for (const client of clients) await client.close();
  });
  contract('mongodb', async () => {
    if (clients.length === 0) clients.push(new MongoClient(mongoTestUri(), { serverSelectionTimeoutMS: 5000 }), new MongoClient(mongoTestUri(), { serverSelectionTimeoutMS: 5000 }));
    const name = freshDbName('jobs');
    dbNames.push(name);
    const a = createMongoJobQueue(clients[0]!.db(name));
    await a.ensureIndexes();
    return { a, b: createMongoJobQueue(clients[1]!.db(name)) };
  });

  it('when an id is operator-shaped, then it is refused', async () => {
    const queue = createMongoJobQueue(clients[0]!.db(freshDbName('jobsop')));
    await expect(queue.get({ $gt: '' } as unknown as string)).rejects.toBeInstanceOf(TypeError);
    await expect(queue.lease({ $ne: null } as unknown as string, 'w', T0, LEASE)).rejects.toBeInstanceOf(TypeError);
  });
});
