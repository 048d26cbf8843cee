// The durable outbox end to end, on memory and on MongoDB (FerretDB in CI) with two "instances" (own clients,
// own workers) sharing one database: callbacks survive a crashed worker, two workers never both send, an expired
// challenge's callback goes out without anyone polling, failures end dead, and help-desk reports go out once.
import { createCore, type Core } from '../../src/core';
import { createBackgroundJobs, type BackgroundJobs } from '../../src/jobs/jobsWiring';
import type { JobWorker } from '../../src/jobs/jobWorker';
import { EXPIRY_SWEEP_JOB_ID, scheduleExpirySweep } from '../../src/jobs/expirySweeper';
import type { JobQueue } from '../../src/ports/jobQueue';
import { NotificationOutbox, Outbox } from '../../src/telephony/outboxes';
import { seededRandom } from '../../src/security/random';
import { FixedClock } from '../../src/ports/clock';
import { MemoryJobQueue } from '../../src/stores/memoryJobQueue';
import { createMemoryStores } from '../../src/stores/memoryStores';
import { createMongoJobQueue } from '../../src/stores/mongoJobQueue';
import { createMongoStores, type MongoStores } from '../../src/stores/mongoStores';
import type { Stores } from '../../src/ports/repositories';
import type { Challenge } from '../../src/domain/challenge';
import { keyRenderer, testOrg, TEST_KEY } from '../support/coreHarness';
import { MINUTE, T0, challenge } from '../support/fixtures';
import { freshDbName, mongoTestUri, recordingLogger } from '../support/mongo';

const LEASE_MS = 60_000;
const SWEEP_MS = 1000;
const POLL_MS = 1000;
const RETRY_PERIOD_MS = 24 * 60 * MINUTE;
const CALLBACK_URL = 'https://portal.example/signet-callback';

interface Post {
  readonly body: { id: string; status: string };
  readonly deliveryId: string;
  readonly by: string;
  readonly at: number;
}

/** A stand-in relying system: records every POST; `answer` decides each response (a promise that never settles = a crash). */
class Receiver {
  readonly posts: Post[] = [];
  answer: (post: Post) => Promise<number> = async () => 200;
  private waiting: Array<{ count: number; resolve: () => void }> = [];
  postFor(instance: string, clock: FixedClock) {
    return async (_url: string, body: string, headers: Record<string, string>): Promise<number> => {
      const post = { body: JSON.parse(body) as Post['body'], deliveryId: headers['Signet-Delivery-Id']!, by: instance, at: clock.now() };
      this.posts.push(post);
      this.waiting = this.waiting.filter((w) => (this.posts.length >= w.count ? (w.resolve(), false) : true));
      return this.answer(post);
    };
  }
  /**
   * Resolves once `count` POSTs have arrived. It waits for the POST itself rather than spinning a bounded number of
   * event-loop turns: on MongoDB the worker's lease round trips take wall time, and a loaded machine once ran out of
   * turns before the POST came.
   */
  postsArrived(count: number): Promise<void> {
    if (this.posts.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push({ count, resolve }));
  }
}

interface Instance {
  readonly name: string;
  readonly stores: Stores;
  readonly queue: JobQueue;
  readonly jobs: BackgroundJobs;
  readonly core: Core;
  readonly worker: JobWorker;
  readonly log: ReturnType<typeof recordingLogger> & { error(message: string, details?: Record<string, unknown>): void; errors: string[] };
}

interface World {
  readonly clock: FixedClock;
  readonly receiver: Receiver;
  readonly mail: Outbox;
  readonly a: Instance;
  readonly b: Instance;
}

type Backend = () => Promise<{ stores: [Stores, Stores]; queues: [JobQueue, JobQueue]; close(): Promise<void> }>;

function buildInstance(name: string, stores: Stores, queue: JobQueue, clock: FixedClock, receiver: Receiver, mail: Outbox): Instance {
  const base = recordingLogger();
  const errors: string[] = [];
  const log = Object.assign(base, { errors, error: (message: string) => void errors.push(message) });
  const org = testOrg({ helpDesk: { email: 'helpdesk@signet-demo.example', members: [] } });
  const jobs = createBackgroundJobs({
    config: { encryptionKey: TEST_KEY, org, jobs: { pollIntervalMs: POLL_MS, sweepIntervalMs: SWEEP_MS, leaseMs: LEASE_MS, retryPeriodMs: RETRY_PERIOD_MS } },
    stores,
    logger: log,
    clock,
    queue,
    post: receiver.postFor(name, clock),
    owner: name,
  });
  const core = createCore({
    config: { org, encryptionKey: TEST_KEY },
    stores,
    telephony: mail,
    mailer: mail,
    notifier: new NotificationOutbox(),
    render: keyRenderer,
    clock,
    random: seededRandom(name),
    beforeChallengeEnds: jobs.beforeChallengeEnds,
  });
  return { name, stores, queue, jobs, core, worker: jobs.attach(core), log };
}

/** A pending sign-in challenge whose relying system asked for a callback. */
async function pendingChallenge(stores: Stores, id: string, expiresAt = T0 + 5 * MINUTE): Promise<Challenge> {
  return stores.challenges.create(challenge({ id, userId: `user-${id}`, clientId: 'portal00client', callbackUrl: CALLBACK_URL, createdAt: T0, expiresAt }));
}

function scenarios(name: string, backend: Backend): void {
  describe(`${name}: durable outbox`, () => {
    let world: World;
    let close: () => Promise<void>;
    beforeEach(async () => {
      const made = await backend();
      close = made.close;
      const clock = new FixedClock(T0);
      const receiver = new Receiver();
      const mail = new Outbox();
      world = {
        clock,
        receiver,
        mail,
        a: buildInstance('instance-a', made.stores[0], made.queues[0], clock, receiver, mail),
        b: buildInstance('instance-b', made.stores[1], made.queues[1], clock, receiver, mail),
      };
    });
    afterEach(async () => {
      await close();
    });

    it('when a challenge ends, then its callback job is stored before the service returns', async () => {
      const { a } = world;
      await pendingChallenge(a.stores, 'c-stored');
      await a.core.verification.apply('c-stored', { type: 'cancel' }, 'api');
      expect(await a.queue.get('callback:c-stored')).toMatchObject({ status: 'pending', kind: 'callback', payload: { challengeId: 'c-stored' } });
      expect(world.receiver.posts).toHaveLength(0);
    });

    it('when the first delivery fails and the retrying worker crashes, then another instance delivers after the lease lapses', async () => {
      const { a, b, clock, receiver } = world;
      await pendingChallenge(a.stores, 'c-crash');
      await a.core.verification.apply('c-crash', { type: 'cancel' }, 'api');
      receiver.answer = async () => 500;
      expect(await a.worker.runOnce()).toBe(1);
      const retry = (await a.queue.get('callback:c-crash'))!;
      expect(retry).toMatchObject({ status: 'pending', attempts: 1, lastError: 'callback URL answered HTTP 500', dueAt: T0 + 10_000 });

      // Instance A takes the retry and dies mid-request: its POST never answers, its lease is never settled.
      clock.set(retry.dueAt);
      let crash: (status: number) => void = () => undefined;
      receiver.answer = () => new Promise<number>((resolve) => (crash = resolve));
      const stuck = a.worker.runOnce();
      await receiver.postsArrived(2);
      expect(await b.worker.runOnce()).toBe(0); // leased by A, not yet lapsed

      clock.advance(LEASE_MS);
      receiver.answer = async () => 200;
      expect(await b.worker.runOnce()).toBe(1);
      expect(receiver.posts.map((p) => [p.by, p.deliveryId])).toEqual([
        ['instance-a', 'c-crash'],
        ['instance-a', 'c-crash'],
        ['instance-b', 'c-crash'],
      ]);
      expect(new Set(receiver.posts.map((p) => JSON.stringify(p.body))).size).toBe(1);
      expect(await b.queue.get('callback:c-crash')).toMatchObject({ status: 'done', attempts: 3 });

      // The "dead" instance comes back with a failure: its lapsed lease can no longer undo the delivery.
      crash(500);
      await stuck;
      expect(await a.queue.get('callback:c-crash')).toMatchObject({ status: 'done', attempts: 3 });
      expect(a.log.lines.map((l) => l.message)).toContain('job lease lost before it was settled');
    });

    it('when two instances poll the same jobs at once, then every callback is posted exactly once', async () => {
      const { a, b, receiver } = world;
      const ids = Array.from({ length: 8 }, (_, i) => `c-race-${i}`);
      for (const id of ids) {
        await pendingChallenge(a.stores, id);
        await (ids.indexOf(id) % 2 ? a : b).core.verification.apply(id, { type: 'cancel' }, 'api');
      }
      for (let round = 0; round < 3; round++) await Promise.all([a.worker.runOnce(), b.worker.runOnce(), a.worker.runOnce(), b.worker.runOnce()]);
      expect(receiver.posts.map((p) => p.deliveryId).sort()).toEqual([...ids].sort());
      expect((await a.queue.listByStatus('done', 100)).map((j) => j.id).sort()).toEqual(ids.map((id) => `callback:${id}`).sort());
    });

    it('when a challenge simply expires, then its callback is posted within 5 s of expiry without anyone reading it', async () => {
      const { a, b, clock, receiver } = world;
      const expiresAt = T0 + 5 * MINUTE + 300;
      await pendingChallenge(a.stores, 'c-expiry', expiresAt);
      await Promise.all([scheduleExpirySweep(a.queue, clock.now()), scheduleExpirySweep(b.queue, clock.now())]);
      await a.worker.runOnce(); // a sweep well before expiry finds nothing
      expect(receiver.posts).toHaveLength(0);
      clock.set(expiresAt - 10_000);
      // Both instances poll every POLL_MS, as their timers would; nobody calls GET.
      while (receiver.posts.length === 0 && clock.now() < expiresAt + 60_000) {
        await a.worker.runOnce();
        await b.worker.runOnce();
        if (receiver.posts.length === 0) clock.advance(POLL_MS);
      }
      expect(receiver.posts).toHaveLength(1);
      expect(receiver.posts[0]!.body).toMatchObject({ id: 'c-expiry', status: 'expired' });
      expect(receiver.posts[0]!.at - expiresAt).toBeLessThanOrEqual(5000);
      expect(await a.queue.get(EXPIRY_SWEEP_JOB_ID)).toMatchObject({ status: 'pending' });
    });

    it('when the ending save never lands after the job was stored, then the job waits and delivers the real outcome', async () => {
      const { a, clock, receiver } = world;
      const expiresAt = T0 + 5 * MINUTE;
      await pendingChallenge(a.stores, 'c-window', expiresAt);
      // The process "crashes" between storing the callback job and saving the challenge.
      jest.spyOn(a.stores.challenges, 'replace').mockRejectedValueOnce(new Error('crashed'));
      await expect(a.core.verification.apply('c-window', { type: 'cancel' }, 'api')).rejects.toThrow('crashed');
      expect((await a.stores.challenges.get('c-window'))!.status).toBe('pending');
      expect(await a.worker.runOnce()).toBe(1);
      expect(receiver.posts).toHaveLength(0);
      clock.set(expiresAt);
      await a.worker.runOnce();
      expect(receiver.posts.map((p) => p.body.status)).toEqual(['expired']);
    });

    it('when the callback URL keeps failing, then the job is retried with back-off for the retry period and then dead, logged and listed', async () => {
      const { a, clock, receiver } = world;
      await pendingChallenge(a.stores, 'c-dead');
      await a.core.verification.apply('c-dead', { type: 'cancel' }, 'api');
      receiver.answer = async () => 503;
      for (let round = 0; round < 100; round++) {
        await a.worker.runOnce();
        const job = (await a.queue.get('callback:c-dead'))!;
        if (job.status !== 'pending') break;
        expect(job.dueAt - job.createdAt).toBeLessThanOrEqual(RETRY_PERIOD_MS);
        clock.set(job.dueAt);
      }
      const dead = (await a.queue.get('callback:c-dead'))!;
      expect(dead).toMatchObject({ status: 'dead', lastError: 'callback URL answered HTTP 503' });
      expect(receiver.posts.length).toBe(dead.attempts);
      expect(receiver.posts.length).toBeGreaterThan(20);
      expect(clock.now() - T0).toBeLessThanOrEqual(RETRY_PERIOD_MS);
      expect(clock.now() - T0).toBeGreaterThan(RETRY_PERIOD_MS - 3_600_000);
      expect((await a.queue.listByStatus('dead', 10)).map((j) => j.id)).toEqual(['callback:c-dead']);
      expect(a.log.errors).toEqual(['job dead: no more retries']);
    });

    it('when a help-desk report is made several times, then it is mailed and audited once, through the queue', async () => {
      const { a, b, mail } = world;
      const report = { userId: 'user-hd', kind: 'verification' as const, refId: 'c-hd', reason: 'deniedByPhone' as const, channel: 'voice' as const };
      await Promise.all([a.jobs.helpDesk.report(report), b.jobs.helpDesk.report(report), a.jobs.helpDesk.report(report)]);
      expect(mail.items).toHaveLength(0);
      await Promise.all([a.worker.runOnce(), b.worker.runOnce()]);
      await Promise.all([a.worker.runOnce(), b.worker.runOnce()]);
      expect(mail.items.filter((i) => i.type === 'mail').map((i) => i.to)).toEqual(['helpdesk@signet-demo.example']);
      const audit = await a.stores.audit.listForUser('user-hd', 10);
      expect(audit.map((e) => [e.action, e.details])).toEqual([['helpdesk:reported', { reason: 'deniedByPhone', kind: 'verification', refId: 'c-hd', mailed: true }]]);
    });
  });
}

scenarios('memory', async () => {
  const stores = createMemoryStores();
  const queue = new MemoryJobQueue();
  return { stores: [stores, stores], queues: [queue, queue], close: async () => undefined };
});

scenarios('MongoDB, two instances', async () => {
  const dbName = freshDbName('outbox');
  const open = () => createMongoStores({ uri: mongoTestUri(), dbName, logger: recordingLogger(), indexes: 'manual' });
  const first: MongoStores = await open();
  await first.ensureIndexes();
  const second: MongoStores = await open();
  const queues: [JobQueue, JobQueue] = [createMongoJobQueue(first.db), createMongoJobQueue(second.db)];
  return {
    stores: [first, second],
    queues,
    close: async () => {
      await first.db.dropDatabase();
      await Promise.all([first.close(), second.close()]);
    },
  };
});
