// The MongoDB adapter for the storage ports, assembled: one collection per repository (each in its own
// mongo*.ts file), the domain id as `_id`, and compare-and-set on `version` (see mongoVersionClaims: one
// conditional write on MongoDB, version claims on FerretDB 1.x), within the subset FerretDB 1.x serves too.
// Indexes come from an explicit start-up step (`ensureIndexes()`, run in the background by default).
import { MongoClient, MongoServerError, type CommandStartedEvent, type Db, type IndexDescription } from 'mongodb';
import { DEFAULT_WEBHOOK_RETENTION_MS, type Stores } from '../ports/repositories';
import { chooseCompareAndSetStrategy, compareAndSetStrategyFor, type ClaimDocument, type CompareAndSetChoice, type CompareAndSetStrategy } from './mongoVersionClaims';
import { describeFailure, guarded, toStoreError, type MongoStoresLogger } from './mongoStoreSupport';
import { MongoUserRepository, USER_INDEXES, type UserDocument } from './mongoUserRepository';
import { CHALLENGE_INDEXES, CHALLENGE_TTL_INDEX, MongoChallengeRepository, type ChallengeDocument } from './mongoChallengeRepository';
import { AUDIT_INDEXES, MongoAuditLog, type AuditDocument } from './mongoAuditLog';
import { MongoConversationRefRepository, type ConversationRefDocument } from './mongoConversationRefs';
import { MongoOptOutRepository, type OptOutDocument } from './mongoOptOuts';
import { MongoWebhookLedger, WEBHOOK_INDEXES, WEBHOOK_TTL_INDEX, type WebhookDocument } from './mongoWebhookLedger';
import { MongoSendLog, SEND_LOG_INDEXES, type SendLogDocument } from './mongoSendLog';
import { MongoSimulatedOutbox, SIMULATED_OUTBOX_INDEXES, type SimulatedDocument } from './mongoSimulatedOutbox';
import { DELIVERY_STATUS_INDEXES, MongoDeliveryStatusLog, type DeliveryStatusDocument } from './mongoDeliveryStatusLog';
import {
  LIMIT_COLLECTION_NAMES,
  LIMIT_TTL_INDEXES,
  MongoRateLimits,
  RATE_LIMIT_SLOT_INDEXES,
  type RateLimitCounterDocument,
  type RateLimitSlotDocument,
} from './mongoLimitStores';

export type { MongoStoresLogger };

export interface MongoStoresOptions {
  readonly uri: string;
  readonly dbName: string;
  readonly logger?: MongoStoresLogger;
  /** How long one operation waits for a reachable server before failing with StoreUnavailableError. */
  readonly serverSelectionTimeoutMS?: number;
  /**
   * How long after its expiry a challenge may be purged by a TTL index (clean-up only; expiry itself is
   * enforced in queries). null: keep challenges forever. Default 30 days.
   */
  readonly challengeRetentionMs?: number | null;
  /** How long a webhook's answer is kept for its retries before clean-up (TTL index, or pruning on write). Default 7 days. */
  readonly webhookRetentionMs?: number;
  /**
   * 'background' (default): create the indexes now and keep retrying while the server is away.
   * 'manual': the caller awaits `ensureIndexes()` itself (tests, migration scripts).
   */
  readonly indexes?: 'background' | 'manual';
  /**
   * How a save checks the version: 'detect' (default) asks the server once (buildInfo) and uses one conditional
   * write on MongoDB, version claims on FerretDB; tests force either.
   */
  readonly compareAndSet?: CompareAndSetChoice;
  /** Called for every command the driver sends (command monitoring), e.g. to count round trips in a test. */
  readonly onCommandStarted?: (event: CommandStartedEvent) => void;
}

/** Whether the TTL clean-up index exists: some MongoDB-compatible servers (FerretDB 1.x) refuse TTL options. */
export interface IndexReport {
  readonly challengeTtl: 'created' | 'unsupported' | 'disabled';
  /** The clean-up of rate-limit slots (correctness never depends on it). */
  readonly limitsTtl: 'created' | 'unsupported';
  /** 'unsupported': webhook entries are removed only by the ledger's pruning on write. */
  readonly webhookTtl: 'created' | 'unsupported';
}

export interface MongoStores extends Stores {
  readonly kind: 'mongodb';
  /** The database, for adapters that share this client (the bot state storage). */
  readonly db: Db;
  /** Creates every index the queries and the unique UPN rule rely on. Idempotent; rejects with
   * StoreUnavailableError while the server is away. */
  ensureIndexes(): Promise<IndexReport>;
  /** The compare-and-set strategy in use (detected on first call unless forced). */
  compareAndSetStrategy(): Promise<CompareAndSetStrategy>;
}

export const COLLECTION_NAMES = { users: 'users', challenges: 'challenges', audit: 'audit', versionClaims: 'versionClaims', conversations: 'conversationRefs',
  optOuts: 'optOuts',
  webhooks: 'processedWebhooks',
  sendLog: 'sendLog',
  simulatedOutbox: 'simulatedOutbox',
  deliveryStatuses: 'deliveryStatuses',
} as const;

const DEFAULT_SERVER_SELECTION_TIMEOUT_MS = 3000;
const DEFAULT_CHALLENGE_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
const CONSOLE_LOGGER: MongoStoresLogger = {
  info: (message, details) => console.info(message, details ?? {}),
  warn: (message, details) => console.warn(message, details ?? {}),
};
const FIRST_INDEX_RETRY_MS = 1000;
const MAX_INDEX_RETRY_MS = 30_000;

/** Every index these stores declare, by collection (TTL clean-up ones too): what test/stores/mongoIndexCoverage checks queries against. */
export const DECLARED_INDEXES: Readonly<Record<string, readonly IndexDescription[]>> = {
  [COLLECTION_NAMES.users]: USER_INDEXES,
  [COLLECTION_NAMES.challenges]: [...CHALLENGE_INDEXES, CHALLENGE_TTL_INDEX],
  [COLLECTION_NAMES.audit]: AUDIT_INDEXES,
  [COLLECTION_NAMES.sendLog]: SEND_LOG_INDEXES,
  [COLLECTION_NAMES.simulatedOutbox]: SIMULATED_OUTBOX_INDEXES,
  [COLLECTION_NAMES.deliveryStatuses]: DELIVERY_STATUS_INDEXES,
  [COLLECTION_NAMES.webhooks]: [...WEBHOOK_INDEXES, WEBHOOK_TTL_INDEX],
  [LIMIT_COLLECTION_NAMES.rateLimitSlots]: [...RATE_LIMIT_SLOT_INDEXES, ...LIMIT_TTL_INDEXES.filter(([name]) => name === 'rateLimitSlots').map(([, spec]) => spec)],
  [LIMIT_COLLECTION_NAMES.rateLimitCounters]: LIMIT_TTL_INDEXES.filter(([name]) => name === 'rateLimitCounters').map(([, spec]) => spec),
};

/**
 * Builds the stores without waiting for the server: the driver connects on first use and keeps retrying, so a
 * service started while MongoDB is down stays up, and `ping()` answers StoreUnavailableError meanwhile.
 * With `indexes: 'background'` (the default) the indexes are created at once and retried until they exist;
 * until then `ping()` rejects too, so a readiness probe keeps traffic away from a store without its unique index.
 */
export async function createMongoStores(options: MongoStoresOptions): Promise<MongoStores> {
  const logger = options.logger ?? CONSOLE_LOGGER;
  const retentionMs = options.challengeRetentionMs === undefined ? DEFAULT_CHALLENGE_RETENTION_MS : options.challengeRetentionMs;
  const client = new MongoClient(options.uri, {
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? DEFAULT_SERVER_SELECTION_TIMEOUT_MS,
    // Optional domain fields left undefined are omitted, as a structured clone would leave them, not stored as null.
    ignoreUndefined: true,
    appName: 'signet',
    // Only switched on here: an explicit false would override monitorCommands=true given in the URI.
    ...(options.onCommandStarted !== undefined ? { monitorCommands: true } : {}),
  });
  if (options.onCommandStarted) client.on('commandStarted', options.onCommandStarted);
  const db = client.db(options.dbName);
  chooseCompareAndSetStrategy(db, options.compareAndSet ?? 'detect');
  const users = db.collection<UserDocument>(COLLECTION_NAMES.users);
  const challenges = db.collection<ChallengeDocument>(COLLECTION_NAMES.challenges);
  const audit = db.collection<AuditDocument>(COLLECTION_NAMES.audit);
  const claims = db.collection<ClaimDocument>(COLLECTION_NAMES.versionClaims);
  const sendLog = db.collection<SendLogDocument>(COLLECTION_NAMES.sendLog);
  const simulatedOutbox = db.collection<SimulatedDocument>(COLLECTION_NAMES.simulatedOutbox);
  const deliveryStatuses = db.collection<DeliveryStatusDocument>(COLLECTION_NAMES.deliveryStatuses);
  const rateLimitSlots = db.collection<RateLimitSlotDocument>(LIMIT_COLLECTION_NAMES.rateLimitSlots);
  const rateLimitCounters = db.collection<RateLimitCounterDocument>(LIMIT_COLLECTION_NAMES.rateLimitCounters);
  const webhooks = db.collection<WebhookDocument>(COLLECTION_NAMES.webhooks);
  const webhookRetentionMs = options.webhookRetentionMs ?? DEFAULT_WEBHOOK_RETENTION_MS;

  async function createIndexes(): Promise<IndexReport> {
    await guarded(async () => {
      // One index per command: FerretDB 1.24 drops the connection (a server panic) when one createIndexes
      // command names several indexes that all exist already, i.e. on every start but the first.
      for (const [collection, specs] of [
        [users, USER_INDEXES],
        [challenges, CHALLENGE_INDEXES],
        [audit, AUDIT_INDEXES],
        [sendLog, SEND_LOG_INDEXES],
        [simulatedOutbox, SIMULATED_OUTBOX_INDEXES],
        [deliveryStatuses, DELIVERY_STATUS_INDEXES],
        [rateLimitSlots, RATE_LIMIT_SLOT_INDEXES],
        [webhooks, WEBHOOK_INDEXES],
      ] as ReadonlyArray<readonly [{ createIndexes(specs: IndexDescription[]): Promise<string[]> }, IndexDescription[]]>) {
        for (const spec of specs) await collection.createIndexes([spec]);
      }
    });
    const webhookTtl = await createTtlIndex(webhooks, WEBHOOK_TTL_INDEX, 'old webhook entries are pruned on write instead');
    const limitsTtl = await createLimitTtlIndexes();
    if (retentionMs === null) return { challengeTtl: 'disabled', webhookTtl, limitsTtl };
    return { challengeTtl: await createTtlIndex(challenges, CHALLENGE_TTL_INDEX, 'expired challenges are kept'), webhookTtl, limitsTtl };
  }

  // Clean-up only: rate-limit slots are counted per window and turns are read newest first, so leftovers are harmless.
  async function createLimitTtlIndexes(): Promise<IndexReport['limitsTtl']> {
    try {
      for (const [name, spec] of LIMIT_TTL_INDEXES) await db.collection(LIMIT_COLLECTION_NAMES[name]).createIndexes([spec]);
      return 'created';
    } catch (error) {
      if (!(error instanceof MongoServerError)) throw toStoreError(error);
      logger.warn('The MongoDB server refused the TTL clean-up index for limits; ended windows are pruned by the service', { code: error.code, codeName: error.codeName });
      return 'unsupported';
    }
  }

  async function createTtlIndex(
    collection: { createIndexes(specs: IndexDescription[]): Promise<string[]> },
    spec: IndexDescription,
    consequence: string,
  ): Promise<'created' | 'unsupported'> {
    try {
      await collection.createIndexes([spec]);
      return 'created';
    } catch (error) {
      if (!(error instanceof MongoServerError)) throw toStoreError(error);
      logger.warn(`The MongoDB server refused the TTL clean-up index; ${consequence}`, { code: error.code, codeName: error.codeName });
      return 'unsupported';
    }
  }

  let indexed = false;
  let inFlight: Promise<IndexReport> | null = null;
  // Concurrent callers (the background loop, ping, start-up code) share one attempt.
  const ensureIndexes = (): Promise<IndexReport> =>
    (inFlight ??= createIndexes()
      .then((report) => {
        indexed = true;
        return report;
      })
      .finally(() => {
        inFlight = null;
      }));

  let closed = false;
  let retryTimer: NodeJS.Timeout | undefined;
  const indexInBackground = (retryInMs: number): void => {
    ensureIndexes().then(
      (report) => logger.info('MongoDB indexes are in place', { ...report }),
      (error: unknown) => {
        if (closed) return;
        logger.warn('Could not create the MongoDB indexes yet; retrying', { retryInMs, ...describeFailure(error) });
        retryTimer = setTimeout(() => indexInBackground(Math.min(retryInMs * 2, MAX_INDEX_RETRY_MS)), retryInMs);
        // The retry loop must not keep a stopping process alive.
        retryTimer.unref();
      },
    );
  };
  // Driver 6 keeps a closed topology when the first connection fails (a server down at start, or a selection that
  // timed out while the event loop was busy), and every later operation then fails with MongoTopologyClosedError
  // until connect() runs again. So connect() is retried until it succeeds once; after that the driver's own
  // monitoring rides out outages.
  let connectTimer: NodeJS.Timeout | undefined;
  const connectUntilUp = (retryInMs: number): void => {
    client.connect().then(
      () => undefined,
      (error: unknown) => {
        if (closed) return;
        logger.warn('Could not reach MongoDB yet; retrying', { retryInMs, ...describeFailure(error) });
        connectTimer = setTimeout(() => connectUntilUp(Math.min(retryInMs * 2, MAX_INDEX_RETRY_MS)), retryInMs);
        connectTimer.unref();
      },
    );
  };
  connectUntilUp(FIRST_INDEX_RETRY_MS);

  const background = (options.indexes ?? 'background') === 'background';
  if (background) indexInBackground(FIRST_INDEX_RETRY_MS);

  return {
    kind: 'mongodb',
    db,
    users: new MongoUserRepository(users, claims),
    challenges: new MongoChallengeRepository(challenges, claims, retentionMs),
    audit: new MongoAuditLog(audit),
    conversations: new MongoConversationRefRepository(db.collection<ConversationRefDocument>(COLLECTION_NAMES.conversations)),
    optOuts: new MongoOptOutRepository(db.collection<OptOutDocument>(COLLECTION_NAMES.optOuts)),
    webhooks: new MongoWebhookLedger(webhooks, webhookRetentionMs, logger),
    sendLog: new MongoSendLog(sendLog),
    simulatedOutbox: new MongoSimulatedOutbox(simulatedOutbox),
    deliveryStatuses: new MongoDeliveryStatusLog(deliveryStatuses),
    rateLimits: new MongoRateLimits({ slots: rateLimitSlots, counters: rateLimitCounters, strategy: () => compareAndSetStrategyFor(db) }),
    ensureIndexes,
    compareAndSetStrategy: () => guarded(() => compareAndSetStrategyFor(db)),
    ping: async () => {
      await guarded(() => db.command({ ping: 1 }));
      if (background && !indexed) await ensureIndexes();
    },
    close: async () => {
      closed = true;
      clearTimeout(retryTimer);
      clearTimeout(connectTimer);
      await client.close();
    },
  };
}

