// The MongoDB adapter for the storage ports: one collection per repository, the domain id as `_id`, and
// compare-and-set on `version` (see mongoVersionClaims: one conditional write on MongoDB, version claims on
// FerretDB 1.x), within the subset FerretDB 1.x serves too.
// Indexes come from an explicit start-up step (`ensureIndexes()`, run in the background by default).
import { MongoClient, MongoError, type CommandStartedEvent, MongoServerError, ObjectId, type Collection, type Db, type Filter, type IndexDescription, type WithoutId } from 'mongodb';
import type { NewUser, User } from '../domain/user';
import type { AuditDraft } from '../domain/effects';
import type { Challenge } from '../domain/challenge';
import { isPhoneKind } from '../domain/methodKinds';
import { DEFAULT_WEBHOOK_RETENTION_MS, type AuditEntry, type AuditLog, type ChallengeRepository, type ConversationRefRecord, type ConversationRefRepository, type DeliveryStatusLog, type DeliveryStatusRecord, type OptOutRecord, type OptOutRepository, type ProcessedWebhook, type SendLog, type SendLogEntry, type SimulatedDelivery, type SimulatedOutbox, type Stores, type WebhookLedger, type UserRepository } from '../ports/repositories';
import { DuplicateKeyError, StoreUnavailableError } from '../ports/storeErrors';
import { chooseCompareAndSetStrategy, compareAndSet, compareAndSetStrategyFor, type ClaimDocument, type CompareAndSetChoice, type CompareAndSetStrategy } from './mongoVersionClaims';
import {
  CHALLENGE_TURN_INDEXES,
  LIMIT_COLLECTION_NAMES,
  LIMIT_TTL_INDEXES,
  MongoChallengeTurns,
  MongoRateLimits,
  RATE_LIMIT_SLOT_INDEXES,
  type ChallengeTurnDocument,
  type RateLimitCounterDocument,
  type RateLimitSlotDocument,
} from './mongoLimitStores';

/** Console-compatible; details never carry secrets or the connection string. */
export interface MongoStoresLogger {
  info(message: string, details?: Readonly<Record<string, unknown>>): void;
  warn(message: string, details?: Readonly<Record<string, unknown>>): void;
}

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
  /** The clean-up of rate-limit slots and challenge turns (correctness never depends on it). */
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

// ---- input guards: every value that reaches a filter must be the primitive its type says, so that an
// object such as { $gt: '' } smuggled in through an untyped caller is refused instead of read as an operator.

export function requireString(value: unknown, name: string): string {
  if (typeof value !== 'string') throw new TypeError(`${name} must be a string`);
  return value;
}

function requireTime(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new TypeError(`${name} must be a finite number`);
  return value;
}

function requireCount(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new TypeError(`${name} must be a non-negative integer`);
  return value;
}

// ---- error mapping

/** A unique-index collision. FerretDB 1.x reports one met by an update as InternalError with SQLite's text. */
export function isDuplicateKeyError(error: unknown): boolean {
  if (!(error instanceof MongoServerError)) return false;
  return error.code === 11000 || (error.code === 1 && /UNIQUE constraint failed/.test(error.message));
}

/** Driver and server faults become StoreUnavailableError; anything else (our own TypeErrors) passes through. */
export function toStoreError(error: unknown): unknown {
  if (error instanceof StoreUnavailableError || !(error instanceof MongoError)) return error;
  return new StoreUnavailableError(`The data store is unavailable (${error.name})`, { cause: error });
}

/**
 * Stores `doc` under `_id`, replacing whatever is there: last writer wins. Two first writes at once make one
 * upsert hit the unique _id (a server inserts for both); that one is retried as a plain replace.
 */
export async function putDocument<TDoc extends { _id: string }>(collection: Collection<TDoc>, _id: string, doc: WithoutId<TDoc>): Promise<void> {
  const filter = { _id } as Filter<TDoc>;
  try {
    await guarded(() => collection.replaceOne(filter, doc, { upsert: true }));
  } catch (error) {
    if (!isDuplicateKeyError((error as { cause?: unknown }).cause ?? error)) throw error;
    await guarded(() => collection.replaceOne(filter, doc));
  }
}

export async function guarded<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw toStoreError(error);
  }
}

/** Runs an insert or replace, turning a unique-key collision into DuplicateKeyError(key()). */
async function writeGuarded<T>(operation: () => Promise<T>, key: () => Promise<string>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (isDuplicateKeyError(error)) throw new DuplicateKeyError(await key());
    throw toStoreError(error);
  }
}

// ---- documents: the domain object minus `id`, plus `_id` and the fields that exist only for indexes.

type UserDocument = Omit<User, 'id'> & { readonly _id: string; readonly upnLower: string };
type ChallengeDocument = Omit<Challenge, 'id'> & { readonly _id: string; readonly purgeAt?: Date };
type AuditDocument = Omit<AuditEntry, 'id'> & { readonly _id: string };

const toUserDocument = ({ id, ...rest }: User): UserDocument => ({ _id: id, upnLower: rest.upn.toLowerCase(), ...rest });
// Destructuring the index-only fields out keeps them from leaking into domain objects.
const fromUserDocument = ({ _id, upnLower, ...rest }: UserDocument): User => ({ id: _id, ...rest });
const fromChallengeDocument = ({ _id, purgeAt, ...rest }: ChallengeDocument): Challenge => ({ id: _id, ...rest });
const fromAuditDocument = ({ _id, ...rest }: AuditDocument): AuditEntry => ({ id: _id, ...rest });

/** Compare-and-set on `version`, by the strategy mongoVersionClaims chose for this server. */
async function replaceIfVersion<TDoc extends { _id: string; version: number }>(
  collection: Collection<TDoc>,
  claims: Collection<ClaimDocument>,
  _id: string,
  version: number,
  replacement: WithoutId<TDoc>,
): Promise<boolean> {
  const result = await compareAndSet({ target: collection, claims, scope: collection.collectionName, id: _id, expectedVersion: version, replacement });
  return result === 'saved';
}

// Newest first; equal times fall back to the id, descending, as the memory adapter does.
const NEWEST_CHALLENGE_FIRST = { createdAt: -1, _id: -1 } as const;
// Audit ids are ObjectId hex strings, which grow with each append in a process: ties on `at` keep append order.
const NEWEST_AUDIT_FIRST = { at: -1, _id: -1 } as const;

class MongoUserRepository implements UserRepository {
  constructor(
    private readonly users: Collection<UserDocument>,
    private readonly claims: Collection<ClaimDocument>,
  ) {}

  async get(id: string): Promise<User | null> {
    const _id = requireString(id, 'id');
    const doc = await guarded(() => this.users.findOne({ _id }));
    return doc ? fromUserDocument(doc) : null;
  }

  async findByUpn(upn: string): Promise<User | null> {
    const upnLower = requireString(upn, 'upn').toLowerCase();
    const doc = await guarded(() => this.users.findOne({ upnLower }));
    return doc ? fromUserDocument(doc) : null;
  }

  async findByPendingPhone(e164: string): Promise<User[]> {
    const number = requireString(e164, 'e164');
    const filter: Filter<UserDocument> = {
      'enrollment.step.name': 'codeSent',
      'enrollment.step.target.type': 'phone',
      'enrollment.step.target.number': number,
    };
    const docs = await guarded(() => this.users.find(filter).sort({ _id: 1 }).toArray());
    return docs.map(fromUserDocument);
  }

  async findByMethodPhone(e164: string): Promise<User[]> {
    const number = requireString(e164, 'e164');
    // FerretDB 1.x has no $elemMatch on sub-documents: the index narrows by number, the kind is checked here.
    const docs = await guarded(() => this.users.find({ 'methods.number': number }).sort({ _id: 1 }).toArray());
    return docs
      .map(fromUserDocument)
      .filter((u) => u.methods.some((m) => isPhoneKind(m.kind) && 'number' in m && m.number === number));
  }

  async create(input: NewUser, now: number): Promise<User> {
    const user: User = {
      id: requireString(input.id, 'id'),
      tenantId: input.tenantId,
      upn: requireString(input.upn, 'upn'),
      displayName: input.displayName,
      locale: input.locale,
      methods: [],
      defaultMethodId: null,
      enrollment: null,
      lockedUntil: null,
      createdAt: requireTime(now, 'now'),
      updatedAt: now,
      version: 1,
    };
    await writeGuarded(
      () => this.users.insertOne(toUserDocument(user)),
      async () => ((await guarded(() => this.users.countDocuments({ _id: user.id }, { limit: 1 }))) > 0 ? 'id' : 'upn'),
    );
    return user;
  }

  async replace(user: User): Promise<User | null> {
    const _id = requireString(user.id, 'id');
    const version = requireCount(user.version, 'version');
    requireString(user.upn, 'upn');
    const saved: User = { ...structuredClone(user), version: version + 1 };
    const { _id: unchanged, ...replacement } = toUserDocument(saved);
    // The only unique key a replace can change is the UPN.
    return (await writeGuarded(() => replaceIfVersion(this.users, this.claims, _id, version, replacement), async () => 'upn')) ? saved : null;
  }
}

class MongoChallengeRepository implements ChallengeRepository {
  constructor(
    private readonly challenges: Collection<ChallengeDocument>,
    private readonly claims: Collection<ClaimDocument>,
    private readonly retentionMs: number | null,
  ) {}

  async create(challenge: Challenge): Promise<Challenge> {
    requireString(challenge.id, 'id');
    const copy = structuredClone(challenge);
    await writeGuarded(() => this.challenges.insertOne(this.asDocument(copy)), async () => 'id');
    return copy;
  }

  async get(id: string): Promise<Challenge | null> {
    const _id = requireString(id, 'id');
    const doc = await guarded(() => this.challenges.findOne({ _id }));
    return doc ? fromChallengeDocument(doc) : null;
  }

  async replace(challenge: Challenge): Promise<Challenge | null> {
    const _id = requireString(challenge.id, 'id');
    const version = requireCount(challenge.version, 'version');
    const saved: Challenge = { ...structuredClone(challenge), version: version + 1 };
    const { _id: unchanged, ...replacement } = this.asDocument(saved);
    return (await guarded(() => replaceIfVersion(this.challenges, this.claims, _id, version, replacement))) ? saved : null;
  }

  async findPendingByUser(userId: string, now: number): Promise<Challenge[]> {
    return this.pending({ userId: requireString(userId, 'userId') }, requireTime(now, 'now'));
  }

  async findPendingByTarget(target: string, now: number): Promise<Challenge[]> {
    return this.pending({ target: requireString(target, 'target') }, requireTime(now, 'now'));
  }

  async listRecentByUser(userId: string, limit: number): Promise<Challenge[]> {
    const filter = { userId: requireString(userId, 'userId') };
    // limit(0) means "no limit" to MongoDB.
    if (requireCount(limit, 'limit') === 0) return [];
    const docs = await guarded(() => this.challenges.find(filter).sort(NEWEST_CHALLENGE_FIRST).limit(limit).toArray());
    return docs.map(fromChallengeDocument);
  }

  async findExpiredPending(now: number, limit: number): Promise<Challenge[]> {
    const filter: Filter<ChallengeDocument> = { status: 'pending', expiresAt: { $lte: requireTime(now, 'now') } };
    if (requireCount(limit, 'limit') === 0) return [];
    const docs = await guarded(() => this.challenges.find(filter).sort({ expiresAt: 1, _id: 1 }).limit(limit).toArray());
    return docs.map(fromChallengeDocument);
  }

  private async pending(match: { userId: string } | { target: string }, now: number): Promise<Challenge[]> {
    const filter: Filter<ChallengeDocument> = { ...match, status: 'pending', expiresAt: { $gt: now } };
    const docs = await guarded(() => this.challenges.find(filter).sort(NEWEST_CHALLENGE_FIRST).toArray());
    return docs.map(fromChallengeDocument);
  }

  private asDocument({ id, ...rest }: Challenge): ChallengeDocument {
    // A TTL index only expires Date fields; expiresAt stays the epoch-ms number the domain uses.
    return this.retentionMs === null ? { _id: id, ...rest } : { _id: id, ...rest, purgeAt: new Date(rest.expiresAt + this.retentionMs) };
  }
}

interface ConversationRefDocument {
  _id: string;
  userId: string;
  channel: ConversationRefRecord['channel'];
  reference: string;
  updatedAt: number;
}

class MongoConversationRefRepository implements ConversationRefRepository {
  constructor(private readonly refs: Collection<ConversationRefDocument>) {}

  async save(record: ConversationRefRecord): Promise<void> {
    const userId = requireString(record.userId, 'userId');
    const channel = requireString(record.channel, 'channel') as ConversationRefRecord['channel'];
    const reference = requireString(record.reference, 'reference');
    // Last writer wins by design: the newest conversation is where the person is.
    await putDocument(this.refs, `${channel}:${userId}`, { userId, channel, reference, updatedAt: requireTime(record.updatedAt, 'updatedAt') });
  }

  async get(userId: string, channel: ConversationRefRecord['channel']): Promise<ConversationRefRecord | null> {
    const doc = await guarded(() => this.refs.findOne({ _id: `${requireString(channel, 'channel')}:${requireString(userId, 'userId')}` }));
    return doc ? { userId: doc.userId, channel: doc.channel, reference: doc.reference, updatedAt: doc.updatedAt } : null;
  }
}

class MongoAuditLog implements AuditLog {
  constructor(private readonly entries: Collection<AuditDocument>) {}

  async append(entry: AuditDraft, now: number): Promise<AuditEntry> {
    requireString(entry.userId, 'userId');
    const stored: AuditEntry = { ...structuredClone(entry), id: new ObjectId().toHexString(), at: requireTime(now, 'now') };
    const { id, ...rest } = stored;
    await guarded(() => this.entries.insertOne({ _id: id, ...rest }));
    return stored;
  }

  async listForUser(userId: string, limit: number): Promise<AuditEntry[]> {
    const filter = { userId: requireString(userId, 'userId') };
    if (requireCount(limit, 'limit') === 0) return [];
    const docs = await guarded(() => this.entries.find(filter).sort(NEWEST_AUDIT_FIRST).limit(limit).toArray());
    return docs.map(fromAuditDocument);
  }
}

interface OptOutDocument {
  _id: string;
  optedOut: boolean;
  keyword: string;
  at: number;
}

class MongoOptOutRepository implements OptOutRepository {
  constructor(private readonly optOuts: Collection<OptOutDocument>) {}

  async record(entry: OptOutRecord): Promise<void> {
    const _id = requireString(entry.number, 'number');
    const doc = { optedOut: entry.optedOut === true, keyword: requireString(entry.keyword, 'keyword'), at: requireTime(entry.at, 'at') };
    // Last writer wins by design: the newest keyword counts.
    await putDocument(this.optOuts, _id, doc);
  }

  async get(number: string): Promise<OptOutRecord | null> {
    const doc = await guarded(() => this.optOuts.findOne({ _id: requireString(number, 'number') }));
    return doc ? { number: doc._id, optedOut: doc.optedOut, keyword: doc.keyword, at: doc.at } : null;
  }
}

interface WebhookDocument {
  _id: string;
  response: string | null;
  at: number;
  /** When the TTL index may delete it (claim time + retention); a Date, as TTL indexes require. */
  purgeAt: Date;
}

/** Pruning on write runs at most this often per instance, and deletes at most PRUNE_BATCH entries each time. */
const WEBHOOK_PRUNE_EVERY_MS = 60_000;
const WEBHOOK_PRUNE_BATCH = 500;

class MongoWebhookLedger implements WebhookLedger {
  private lastPruneAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly webhooks: Collection<WebhookDocument>,
    private readonly retentionMs: number,
    private readonly logger: MongoStoresLogger,
  ) {}

  async claim(id: string, now: number): Promise<boolean> {
    const _id = requireString(id, 'id');
    requireTime(now, 'now');
    try {
      // A unique-_id insert: atomic on FerretDB too, unlike a filtered update.
      await this.webhooks.insertOne({ _id, response: null, at: now, purgeAt: new Date(now + this.retentionMs) });
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw toStoreError(error);
    }
    await this.pruneNowAndThen(now);
    return true;
  }

  /**
   * Atomic where FerretDB's filtered updates are not: the taker inserts a marker whose unique _id names the
   * claim it replaces (id + the stale claim time), so of any number of takers exactly one inserts it; only that
   * one then moves the entry's claim time, and a later takeover of the new claim names a different time.
   */
  async takeOver(id: string, claimedAt: number, now: number): Promise<boolean> {
    const _id = requireString(id, 'id');
    requireTime(claimedAt, 'claimedAt');
    requireTime(now, 'now');
    try {
      await this.webhooks.insertOne({ _id: `${_id}\u0000takeover\u0000${claimedAt}`, response: null, at: now, purgeAt: new Date(now + this.retentionMs) });
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw toStoreError(error);
    }
    const current = await guarded(() => this.webhooks.findOne({ _id }));
    if (!current || current.response !== null || current.at !== claimedAt) return false;
    await guarded(() => this.webhooks.updateOne({ _id }, { $set: { at: now, purgeAt: new Date(now + this.retentionMs) } }));
    return true;
  }

  async complete(id: string, response: string): Promise<void> {
    const _id = requireString(id, 'id');
    await guarded(() => this.webhooks.updateOne({ _id }, { $set: { response: requireString(response, 'response') } }));
  }

  async get(id: string): Promise<ProcessedWebhook | null> {
    const doc = await guarded(() => this.webhooks.findOne({ _id: requireString(id, 'id') }));
    return doc ? { id: doc._id, response: doc.response, at: doc.at } : null;
  }

  async prune(before: number, limit: number): Promise<number> {
    requireTime(before, 'before');
    if (requireCount(limit, 'limit') === 0) return 0;
    const old = await guarded(() => this.webhooks.find({ at: { $lt: before } }, { projection: { _id: 1 } }).sort({ at: 1 }).limit(limit).toArray());
    if (old.length === 0) return 0;
    const result = await guarded(() => this.webhooks.deleteMany({ _id: { $in: old.map((doc) => doc._id) } }));
    return result.deletedCount;
  }

  /**
   * The TTL index does this on MongoDB; FerretDB 1.x refuses TTL indexes, so entries are also pruned here, on
   * write, in bounded batches. A failed prune never fails the claim that triggered it.
   */
  private async pruneNowAndThen(now: number): Promise<void> {
    if (now - this.lastPruneAt < WEBHOOK_PRUNE_EVERY_MS) return;
    this.lastPruneAt = now;
    await this.prune(now - this.retentionMs, WEBHOOK_PRUNE_BATCH).catch((error: unknown) =>
      this.logger.warn('Could not prune the webhook ledger', describeFailure(error)),
    );
  }
}

type SendLogDocument = SendLogEntry & { _id: string };

class MongoSendLog implements SendLog {
  constructor(private readonly entries: Collection<SendLogDocument>) {}

  async append(entry: SendLogEntry): Promise<void> {
    const doc: SendLogDocument = {
      _id: new ObjectId().toHexString(),
      number: requireString(entry.number, 'number'),
      userId: requireString(entry.userId, 'userId'),
      channel: entry.channel,
      at: requireTime(entry.at, 'at'),
    };
    await guarded(() => this.entries.insertOne(doc));
  }

  async countForNumber(number: string, since: number): Promise<number> {
    const filter = { number: requireString(number, 'number'), at: { $gte: requireTime(since, 'since') } };
    return guarded(() => this.entries.countDocuments(filter));
  }

  async countForUser(userId: string, since: number): Promise<number> {
    const filter = { userId: requireString(userId, 'userId'), at: { $gte: requireTime(since, 'since') } };
    return guarded(() => this.entries.countDocuments(filter));
  }
}

type SimulatedDocument = Omit<SimulatedDelivery, 'ref'> & { _id: string; seq: string };

class MongoSimulatedOutbox implements SimulatedOutbox {
  constructor(private readonly items: Collection<SimulatedDocument>) {}

  async add(item: SimulatedDelivery): Promise<void> {
    const { ref, ...rest } = structuredClone(item);
    // seq (an ObjectId, growing per process) keeps the order of adds within one millisecond.
    await writeGuarded(() => this.items.insertOne({ _id: requireString(ref, 'ref'), seq: new ObjectId().toHexString(), ...rest }), async () => 'ref');
  }

  async get(ref: string): Promise<SimulatedDelivery | null> {
    const doc = await guarded(() => this.items.findOne({ _id: requireString(ref, 'ref') }));
    return doc ? fromSimulatedDocument(doc) : null;
  }

  async list(limit: number): Promise<SimulatedDelivery[]> {
    if (requireCount(limit, 'limit') === 0) return [];
    const docs = await guarded(() => this.items.find({}).sort({ at: -1, seq: -1 }).limit(limit).toArray());
    return docs.map(fromSimulatedDocument);
  }
}

const fromSimulatedDocument = ({ _id, seq, ...rest }: SimulatedDocument): SimulatedDelivery => ({ ref: _id, ...rest });

type DeliveryStatusDocument = DeliveryStatusRecord & { _id: string };

class MongoDeliveryStatusLog implements DeliveryStatusLog {
  constructor(private readonly records: Collection<DeliveryStatusDocument>) {}

  async append(record: DeliveryStatusRecord): Promise<void> {
    const doc: DeliveryStatusDocument = {
      _id: new ObjectId().toHexString(),
      ref: requireString(record.ref, 'ref'),
      kind: record.kind,
      status: requireString(record.status, 'status'),
      errorCode: record.errorCode === null ? null : requireTime(record.errorCode, 'errorCode'),
      at: requireTime(record.at, 'at'),
    };
    await guarded(() => this.records.insertOne(doc));
  }

  async listForRef(ref: string): Promise<DeliveryStatusRecord[]> {
    const docs = await guarded(() => this.records.find({ ref: requireString(ref, 'ref') }).sort({ at: 1, _id: 1 }).toArray());
    return docs.map(({ _id, ...rest }) => rest);
  }
}

const USER_INDEXES: IndexDescription[] = [
  { key: { upnLower: 1 }, name: 'upnLower_unique', unique: true },
  // All three fields findByPendingPhone filters on, number first (the selective one); named anew because an
  // index name cannot change its key on a deployed database (the older 'pendingPhone' is left where it exists).
  { key: { 'enrollment.step.target.number': 1, 'enrollment.step.name': 1, 'enrollment.step.target.type': 1 }, name: 'pendingPhoneStep' },
  { key: { 'methods.number': 1 }, name: 'methodPhone' },
];
const CHALLENGE_INDEXES: IndexDescription[] = [
  { key: { userId: 1, status: 1, expiresAt: 1 }, name: 'pendingByUser' },
  { key: { target: 1, status: 1, expiresAt: 1 }, name: 'pendingByTarget' },
  { key: { userId: 1, createdAt: -1 }, name: 'recentByUser' },
  { key: { status: 1, expiresAt: 1 }, name: 'pendingByExpiry' },
];
const CHALLENGE_TTL_INDEX: IndexDescription = { key: { purgeAt: 1 }, name: 'purgeAfterRetention', expireAfterSeconds: 0 };
const AUDIT_INDEXES: IndexDescription[] = [{ key: { userId: 1, at: -1 }, name: 'byUserNewestFirst' }];
const SEND_LOG_INDEXES: IndexDescription[] = [
  { key: { number: 1, at: -1 }, name: 'byNumber' },
  { key: { userId: 1, at: -1 }, name: 'byUser' },
];
const SIMULATED_OUTBOX_INDEXES: IndexDescription[] = [{ key: { at: -1, seq: -1 }, name: 'newestFirst' }];
const DELIVERY_STATUS_INDEXES: IndexDescription[] = [{ key: { ref: 1, at: 1 }, name: 'byRef' }];
const WEBHOOK_INDEXES: IndexDescription[] = [{ key: { at: 1 }, name: 'byClaimTime' }];
const WEBHOOK_TTL_INDEX: IndexDescription = { key: { purgeAt: 1 }, name: 'purgeAfterRetention', expireAfterSeconds: 0 };

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
  [LIMIT_COLLECTION_NAMES.challengeTurns]: [...CHALLENGE_TURN_INDEXES, ...LIMIT_TTL_INDEXES.filter(([name]) => name === 'challengeTurns').map(([, spec]) => spec)],
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
  const challengeTurns = db.collection<ChallengeTurnDocument>(LIMIT_COLLECTION_NAMES.challengeTurns);
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
        [challengeTurns, CHALLENGE_TURN_INDEXES],
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
    challengeTurns: new MongoChallengeTurns(challengeTurns),
    ensureIndexes,
    compareAndSetStrategy: () => guarded(() => compareAndSetStrategyFor(db)),
    ping: async () => {
      await guarded(() => db.command({ ping: 1 }));
      if (background && !indexed) await ensureIndexes();
    },
    close: async () => {
      closed = true;
      clearTimeout(retryTimer);
      await client.close();
    },
  };
}

/** Name and message only: a driver error's other properties can hold the connection string. */
function describeFailure(error: unknown): Record<string, string> {
  const cause = error instanceof StoreUnavailableError && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? { error: cause.name, reason: cause.message } : { error: String(cause) };
}
