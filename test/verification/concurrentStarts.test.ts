// Limits under concurrency, on memory and on MongoDB (FerretDB in CI), with two service instances (two stores
// objects, two cores) sharing one database: 20 sign-in starts at once for one person send exactly the send cap
// of texts, create exactly the 15-minute cap of challenges with never two pending, and API requests from one
// client pass exactly the per-minute limit.
import { ClientRequestLimiter } from '../../src/app/clientRequestLimiter';
import { RequestSignIn, type StartResult } from '../../src/app/requestSignIn';
import { createCore } from '../../src/core';
import type { SecurityMethod } from '../../src/domain/user';
import { NotificationOutbox, Outbox } from '../../src/telephony/outboxes';
import { seededRandom } from '../../src/security/random';
import { FixedClock } from '../../src/ports/clock';
import { createMemoryStores } from '../../src/stores/memoryStores';
import { createMemoryVerificationStores } from '../../src/stores/memoryVerificationStores';
import { createMongoStores, type MongoStores } from '../../src/stores/mongoStores';
import { type ChallengeRepository, type Stores } from '../../src/ports/repositories';
import { DuplicateKeyError } from '../../src/ports/storeErrors';
import type { VerificationStores } from '../../src/ports/verificationRepositories';
import { createMongoVerificationStores } from '../../src/stores/mongoVerificationStores';
import { RuleCheckedTelephony } from '../../src/telephony/sendingRules';
import { abusePolicyFrom } from '../../src/verification/abusePolicy';
import type { Challenge, ChallengeMethod } from '../../src/domain/challenge';
import { keyRenderer, PROFILE, T0, testOrg } from '../support/coreHarness';
import { freshDbName, mongoTestUri, recordingLogger } from '../support/mongo';
import { challenge } from '../support/fixtures';

const KEY = Buffer.alloc(32, 5);
const STARTS = 20;
const PHONE = '+14255550123';
const METHODS: SecurityMethod[] = [{ kind: 'mobilePhone', id: 'm1', number: PHONE, createdAt: T0 }];
const org = testOrg();
const abuse = abusePolicyFrom(org.verification);
const { perNumberPerHour, perUserPerHour } = org.phone.sendLimits;

/** One service instance: its own stores object, core, outboxes and sign-in use case. */
interface Instance {
  readonly stores: Stores;
  readonly outbox: Outbox;
  readonly cards: NotificationOutbox;
  readonly signIn: RequestSignIn;
}

/** Stores whose challenge writes are each followed by a look at how many of the person's challenges are pending. */
function watchingPending(stores: Stores, clock: FixedClock, seen: number[]): Stores {
  const inner = stores.challenges;
  const look = async <T extends { userId: string }>(written: T): Promise<T> => {
    seen.push((await inner.findPendingByUser(written.userId, clock.now())).length);
    return written;
  };
  const challenges: ChallengeRepository = {
    create: async (c) => look(await inner.create(c)),
    replace: async (c) => {
      const saved = await inner.replace(c);
      return saved ? look(saved) : saved;
    },
    get: (id) => inner.get(id),
    findByAnsweredWebhook: (webhookId) => inner.findByAnsweredWebhook(webhookId),
    findPendingByUser: (userId, now) => inner.findPendingByUser(userId, now),
    findPendingByTarget: (target, now) => inner.findPendingByTarget(target, now),
    listRecentByUser: (userId, limit) => inner.listRecentByUser(userId, limit),
    findExpiredPending: (now, limit) => inner.findExpiredPending(now, limit),
    latestTurn: (userId) => inner.latestTurn(userId),
  };
  return { ...stores, challenges };
}

function instance(stores: Stores, verificationStores: VerificationStores, clock: FixedClock, seed: string): Instance {
  const outbox = new Outbox();
  const cards = new NotificationOutbox();
  const telephony = new RuleCheckedTelephony(outbox, { stores, clock, rules: { allowedCountries: [], perNumberPerHour, perUserPerHour } });
  const core = createCore({ config: { org, encryptionKey: KEY }, stores, telephony, mailer: outbox, notifier: cards, render: keyRenderer, clock, random: seededRandom(seed) });
  const signIn = new RequestSignIn({ stores, verificationStores, verification: core.verification, org, clock, abuse, sendReservations: telephony });
  return { stores, outbox, cards, signIn };
}

interface Backend {
  /** Two stores objects on one shared database (for memory: the same objects, there being one process). */
  open(): Promise<{ first: Stores; second: Stores; verificationStores: VerificationStores; close(): Promise<void> }>;
}

const memory: Backend = {
  async open() {
    const stores = createMemoryStores();
    return { first: stores, second: stores, verificationStores: createMemoryVerificationStores(), close: async () => undefined };
  },
};

const mongo: Backend = {
  async open() {
    const dbName = freshDbName('limits');
    const openOne = async (): Promise<MongoStores> => {
      const stores = await createMongoStores({ uri: mongoTestUri(), dbName, logger: recordingLogger(), indexes: 'manual' });
      await stores.ensureIndexes();
      return stores;
    };
    const first = await openOne();
    const second = await openOne();
    return {
      first,
      second,
      verificationStores: createMongoVerificationStores(first.db),
      close: async () => {
        await first.db.dropDatabase();
        await Promise.all([first.close(), second.close()]);
      },
    };
  },
};

describe.each([
  ['memory', memory],
  ['MongoDB, two instances', mongo],
])('limits under concurrency (%s)', (_name, backend) => {
  let opened: Awaited<ReturnType<Backend['open']>> | undefined;
  let clock: FixedClock;
  let pendingSeen: number[];
  let instances: Instance[];

  beforeEach(async () => {
    opened = await backend.open();
    clock = new FixedClock(T0);
    pendingSeen = [];
    const user = await opened.first.users.create(PROFILE, T0);
    await opened.first.users.replace({ ...user, methods: METHODS, defaultMethodId: 'm1' });
    await opened.first.conversations.save({ userId: PROFILE.id, channel: 'teams', reference: '{}', updatedAt: T0 });
    instances = [
      instance(watchingPending(opened.first, clock, pendingSeen), opened.verificationStores, clock, 'first'),
      instance(watchingPending(opened.second, clock, pendingSeen), opened.verificationStores, clock, 'second'),
    ];
  });

  afterEach(async () => {
    await opened?.close();
    opened = undefined;
  });

  /** `STARTS` sign-in starts at once, alternating between the two instances. */
  const startAtOnce = (method: ChallengeMethod): Promise<StartResult[]> =>
    Promise.all(
      Array.from({ length: STARTS }, (_, i) =>
        instances[i % 2]!.signIn.start({ id: 'portal', name: 'Portal', secretHash: '', createdAt: T0, revokedAt: null } as never, {
          user: PROFILE.upn,
          method,
          context: { ip: null, application: 'Portal', location: null },
        }),
      ),
    );

  const challengesCreated = async (): Promise<number> => (await opened!.first.challenges.listRecentByUser(PROFILE.id, 100)).length;

  it(`when ${STARTS} SMS sign-ins start at once, then exactly the 15-minute cap of challenges starts and exactly the send cap of texts goes out`, async () => {
    const results = await startAtOnce('sms');

    expect(results.filter((r) => r.kind === 'started')).toHaveLength(abuse.maxChallengesPerWindow);
    expect(results.filter((r) => r.kind === 'refused' && r.reason === 'rateLimited')).toHaveLength(STARTS - abuse.maxChallengesPerWindow);
    expect(await challengesCreated()).toBe(abuse.maxChallengesPerWindow);
    const texts = instances.flatMap((i) => i.outbox.items.filter((item) => item.type === 'sms'));
    expect(texts).toHaveLength(Math.min(perNumberPerHour, perUserPerHour));
    // A start whose text the cap refused ends at once, so the newest may have ended too: at most one is pending.
    expect(Math.max(...pendingSeen)).toBeLessThanOrEqual(1);
    expect((await opened!.first.challenges.findPendingByUser(PROFILE.id, clock.now())).length).toBeLessThanOrEqual(1);
  });

  it(`when ${STARTS} Teams sign-ins start at once, then never more than one is pending, and exactly the 15-minute cap of challenges and cards`, async () => {
    const results = await startAtOnce('teams');

    expect(results.filter((r) => r.kind === 'started')).toHaveLength(abuse.maxChallengesPerWindow);
    expect(await challengesCreated()).toBe(abuse.maxChallengesPerWindow);
    expect(pendingSeen.length).toBeGreaterThan(0);
    expect(Math.max(...pendingSeen)).toBe(1);
    expect(await opened!.first.challenges.findPendingByUser(PROFILE.id, clock.now())).toHaveLength(1);
    expect(instances.flatMap((i) => i.cards.items)).toHaveLength(abuse.maxChallengesPerWindow);
  });

  it('when 50 API requests from one client arrive at once across both instances, then exactly the per-minute limit passes and the rest are told when to retry', async () => {
    const limit = 17;
    const limiters = [new ClientRequestLimiter(instances[0]!.stores.rateLimits, limit), new ClientRequestLimiter(instances[1]!.stores.rateLimits, limit)];
    const decisions = await Promise.all(Array.from({ length: 50 }, (_, i) => limiters[i % 2]!.take('portal', T0 + 1000)));

    expect(decisions.filter((d) => d.allowed)).toHaveLength(limit);
    expect(decisions.filter((d) => !d.allowed).every((d) => d.retryAfterSeconds === 59)).toBe(true);
    await expect(limiters[0]!.take('portal', T0 + 60_000)).resolves.toEqual({ allowed: true, retryAfterSeconds: 0 });
  });
});

describe('challenge turns', () => {
  it('when another start took the next turn after the history was read, then the insert collides, that challenge is superseded and the start takes the turn after', async () => {
    const stores = createMemoryStores();
    const clock = new FixedClock(T0);
    const user = await stores.users.create(PROFILE, T0);
    await stores.users.replace({ ...user, methods: METHODS, defaultMethodId: 'm1' });
    const inner = stores.challenges;
    const other = { ...challenge({ userId: PROFILE.id, id: 'other' }), createdAt: T0, expiresAt: T0 + 10 * 60_000, turn: 1 };
    let slipped = false;
    // The other start lands between this start's history read and its insert.
    const challenges: ChallengeRepository = Object.assign(Object.create(inner) as ChallengeRepository, {
      create: async (c: Challenge) => {
        if (!slipped) {
          slipped = true;
          await inner.create(other);
        }
        return inner.create(c);
      },
    });
    const { signIn } = instance({ ...stores, challenges }, createMemoryVerificationStores(), clock, 'collide');

    const result = await signIn.start({ id: 'portal' } as never, { user: PROFILE.upn, method: 'sms', context: { ip: null, application: 'Portal', location: null } });

    expect(result.kind === 'started' ? result.challenge.turn : null).toBe(2);
    await expect(stores.challenges.get('other')).resolves.toMatchObject({ status: 'cancelled', reason: 'superseded' });
    await expect(stores.challenges.create({ ...other, id: 'again' })).rejects.toEqual(new DuplicateKeyError('turn'));
    expect(await stores.challenges.findPendingByUser(PROFILE.id, clock.now())).toHaveLength(1);
  });

  it('when a challenge from before turns is pending (it has no turn), then an API start supersedes it from the history it read, without reading the pending ones again', async () => {
    const stores = createMemoryStores();
    const clock = new FixedClock(T0);
    const user = await stores.users.create(PROFILE, T0);
    await stores.users.replace({ ...user, methods: METHODS, defaultMethodId: 'm1' });
    const old = await stores.challenges.create({ ...challenge({ userId: PROFILE.id }), createdAt: T0 - 60_000, expiresAt: T0 + 9 * 60_000 });
    const pendingReads: string[] = [];
    const inner = stores.challenges;
    const challenges: ChallengeRepository = {
      create: (c) => inner.create(c),
      replace: (c) => inner.replace(c),
      get: (id) => inner.get(id),
      findByAnsweredWebhook: (webhookId) => inner.findByAnsweredWebhook(webhookId),
      findPendingByUser: (userId, now) => (pendingReads.push(userId), inner.findPendingByUser(userId, now)),
      findPendingByTarget: (target, now) => inner.findPendingByTarget(target, now),
      listRecentByUser: (userId, limit) => inner.listRecentByUser(userId, limit),
      findExpiredPending: (now, limit) => inner.findExpiredPending(now, limit),
      latestTurn: (userId) => inner.latestTurn(userId),
    };
    const { signIn } = instance({ ...stores, challenges }, createMemoryVerificationStores(), clock, 'legacy');

    const result = await signIn.start({ id: 'portal' } as never, { user: PROFILE.upn, method: 'sms', context: { ip: null, application: 'Portal', location: null } });

    expect(result.kind).toBe('started');
    await expect(stores.challenges.get(old.id)).resolves.toMatchObject({ status: 'cancelled', reason: 'superseded' });
    expect(await stores.challenges.findPendingByUser(PROFILE.id, clock.now())).toHaveLength(1);
    expect(pendingReads).toEqual([]);
  });
});
