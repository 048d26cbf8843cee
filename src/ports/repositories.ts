// The storage contracts. Each adapter (MongoDB for production, memory for the embedded default) must satisfy
// these exactly; test/stores/conformance runs one suite against both. Repositories take and return plain
// objects: callers never see driver types, and an adapter never hands out a reference it keeps.
import type { NewUser, User } from '../domain/user';
import type { Challenge } from '../domain/challenge';
import type { AuditDraft } from '../domain/effects';


export interface UserRepository {
  /** The user with this directory id, or null. */
  get(id: string): Promise<User | null>;
  /** The user with this UPN, compared case-insensitively, or null. */
  findByUpn(upn: string): Promise<User | null>;
  /**
   * Users whose in-progress enrollment has a code or call out to this E.164 number (step `codeSent`,
   * target phone number equal). Used by the SMS and voice webhooks.
   */
  findByPendingPhone(e164: string): Promise<User[]>;
  /** Users who have a registered phone method (any phone kind) with this E.164 number. */
  findByMethodPhone(e164: string): Promise<User[]>;
  /** The user whose `answeredWebhooks` holds this webhook id, or null. Used by a webhook's retry. */
  findByAnsweredWebhook(webhookId: string): Promise<User | null>;
  /**
   * Inserts a new user at version 1 with no methods, no enrollment and createdAt = updatedAt = now.
   * Throws DuplicateKeyError when the id or the UPN (case-insensitively) is taken.
   */
  create(user: NewUser, now: number): Promise<User>;
  /**
   * Saves `user` in place of the stored one only if the stored version equals `user.version`; the saved copy
   * has version + 1 and is returned. Returns null when the version did not match or the user is gone (a lost
   * race): the caller reloads and tries again. A single-document atomic write.
   */
  replace(user: User): Promise<User | null>;
}

export interface ChallengeRepository {
  /**
   * Inserts a challenge (version must be 1). Throws DuplicateKeyError on an existing id ('id'), or when the person
   * already has a challenge of the same `turn` ('turn'): one atomic unique insert, so the insert is the turn's claim.
   */
  create(challenge: Challenge): Promise<Challenge>;
  /** The person's challenge with the highest `turn`, or null when none of theirs has a turn. */
  latestTurn(userId: string): Promise<Challenge | null>;
  get(id: string): Promise<Challenge | null>;
  /** Same contract as UserRepository.replace: compare-and-set on version, null on a lost race. */
  replace(challenge: Challenge): Promise<Challenge | null>;
  /** The challenge whose `answeredWebhooks` holds this webhook id, or null. Used by a webhook's retry. */
  findByAnsweredWebhook(webhookId: string): Promise<Challenge | null>;
  /** The user's challenges with status 'pending' and expiresAt > now, newest first. */
  findPendingByUser(userId: string, now: number): Promise<Challenge[]>;
  /** Pending, unexpired challenges whose target is this phone number, newest first. */
  findPendingByTarget(target: string, now: number): Promise<Challenge[]>;
  /** The user's most recent challenges, newest first, at most `limit`. */
  listRecentByUser(userId: string, limit: number): Promise<Challenge[]>;
  /** Challenges still 'pending' whose expiresAt <= now (for the expiry sweeper), earliest expiry first, at most `limit`. */
  findExpiredPending(now: number, limit: number): Promise<Challenge[]>;
}

export interface AuditEntry extends AuditDraft {
  readonly id: string;
  readonly at: number;
}

/** Append-only: entries are never changed or removed through this interface. */
export interface AuditLog {
  append(entry: AuditDraft, now: number): Promise<AuditEntry>;
  /** The user's entries, newest first, at most `limit`. */
  listForUser(userId: string, limit: number): Promise<AuditEntry[]>;
}

/** Where to reach a person proactively in a channel; for Teams a serialised botbuilder ConversationReference. */
export interface ConversationRefRecord {
  readonly userId: string;
  readonly channel: 'teams';
  /** Opaque to the store: JSON text the channel wrote. */
  readonly reference: string;
  readonly updatedAt: number;
}

export interface ConversationRefRepository {
  /** Saves the reference for (userId, channel), replacing any earlier one: the newest conversation wins. */
  save(record: ConversationRefRecord): Promise<void>;
  get(userId: string, channel: ConversationRefRecord['channel']): Promise<ConversationRefRecord | null>;
}

/** The latest opt-out state of one phone number, from a STOP or START keyword (or a provider refusal). */
export interface OptOutRecord {
  /** E.164. */
  readonly number: string;
  readonly optedOut: boolean;
  /** The keyword that set it, upper-cased (STOP, UNSUBSCRIBE, START, …), or a marker such as `provider:21610`. */
  readonly keyword: string;
  readonly at: number;
}

export interface OptOutRepository {
  /** Saves the number's state, replacing any earlier one: the newest keyword wins. */
  record(entry: OptOutRecord): Promise<void>;
  /** The number's latest state, or null when it never sent a keyword. */
  get(number: string): Promise<OptOutRecord | null>;
}

/** One webhook delivery (a MessageSid, or CallSid + step) and the answer we gave it. */
export interface ProcessedWebhook {
  readonly id: string;
  /** The TwiML answered, once known; null while the first delivery is still being processed. */
  readonly response: string | null;
  readonly at: number;
  /**
   * What a retry is answered once the processing's own record shows it done, when that answer was known before the
   * processing (carried by the claim: see ClaimCarrying). Absent when the claim carried none.
   */
  readonly prepared?: string;
}

/**
 * What a claim may carry, so that it is the delivery's one ledger write: `response` when the answer is final before
 * anything is processed (nothing follows the claim), `prepared` when the answer is known but the processing still
 * writes (a retry answers it once that write is found; until then it waits, and a dead claim is taken over).
 */
export type ClaimCarrying = { readonly response: string } | { readonly prepared: string };

/** How long a webhook's answer is kept for its retries unless configured (WEBHOOK_LEDGER_RETENTION_HOURS). */
export const DEFAULT_WEBHOOK_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Makes webhook processing happen once. `claim` is an atomic insert of a unique id (atomic on every
 * MongoDB-compatible server, unlike filtered updates): exactly one of any number of concurrent callers gets true.
 * Entries are clean-up material only: they expire after the store's retention, and a memory ledger keeps at most
 * a bounded number (the oldest go first), so an id older than that may be claimed afresh.
 */
export interface WebhookLedger {
  /** True for the first claim of `id`; false when it was claimed before (a retry). `carrying`: see ClaimCarrying. */
  claim(id: string, now: number, carrying?: ClaimCarrying): Promise<boolean>;
  /**
   * Takes over a claim that was never completed and was taken at `claimedAt` (its processing presumably
   * crashed): exactly one of any number of concurrent callers gets true, and the entry then reads as claimed at
   * `now`. False when the entry is gone, completed, or no longer claimed at `claimedAt` (someone took it over).
   */
  takeOver(id: string, claimedAt: number, now: number): Promise<boolean>;
  /** Records the answer given for a claimed id, so a retry is answered the same way. No-op for an unknown id. */
  complete(id: string, response: string): Promise<void>;
  get(id: string): Promise<ProcessedWebhook | null>;
  /** Deletes at most `limit` entries claimed before `before` (oldest first where cheap); returns how many went. */
  prune(before: number, limit: number): Promise<number>;
}

/** One text or call sent, for the SMS-pumping limits. Never holds the message body. */
export interface SendLogEntry {
  /** E.164. */
  readonly number: string;
  readonly userId: string;
  readonly channel: 'sms' | 'voice';
  readonly at: number;
}

/**
 * What was sent recently. Counting then appending is not atomic: two sends at the same instant may both pass a
 * limit by one, which is acceptable for a rate limit (it bounds abuse, it is not a security boundary).
 */
export interface SendLog {
  append(entry: SendLogEntry): Promise<void>;
  /** Entries to this number with `at >= since`. */
  countForNumber(number: string, since: number): Promise<number>;
  /** Entries for this user (any number) with `at >= since`. */
  countForUser(userId: string, since: number): Promise<number>;
}

/** A text or call the simulated telephony adapter "sent" instead of a provider (development and tests only). */
export interface SimulatedDelivery {
  /** The provider-style id (SM… or CA…) the webhooks use as MessageSid or CallSid. */
  readonly ref: string;
  readonly type: 'sms' | 'call';
  readonly to: string;
  /** The text, for SMS (it holds a code: development only); null for a call. */
  readonly body: string | null;
  readonly mode: 'pressKey' | 'readCode' | null;
  readonly extension: string | null;
  readonly locale: string;
  readonly purpose: { readonly kind: 'enrollment' | 'verification' | 'notice'; readonly userId: string; readonly refId: string; readonly send?: number };
  readonly at: number;
}

export interface SimulatedOutbox {
  /** Throws DuplicateKeyError on an existing ref. */
  add(item: SimulatedDelivery): Promise<void>;
  get(ref: string): Promise<SimulatedDelivery | null>;
  /** Newest first (ties: the later added first), at most `limit`. */
  list(limit: number): Promise<SimulatedDelivery[]>;
}

/** A provider's report on a text or call (status callback), kept for support and audit. */
export interface DeliveryStatusRecord {
  /** MessageSid or CallSid. */
  readonly ref: string;
  readonly kind: 'message' | 'call';
  readonly status: string;
  /** The provider's error code (e.g. 30003), or null. */
  readonly errorCode: number | null;
  readonly at: number;
}

export interface DeliveryStatusLog {
  append(record: DeliveryStatusRecord): Promise<void>;
  /** The records for one ref, oldest first (ties: in append order). */
  listForRef(ref: string): Promise<DeliveryStatusRecord[]>;
}

/** The answer of one RateLimitRepository.take. */
export interface RateLimitDecision {
  readonly allowed: boolean;
  /** 0 when allowed; otherwise how long until the window that refused ends (at least 1). */
  readonly retryAfterMs: number;
}

/**
 * Exact limits ("at most `limit` per `windowMs` for this key"), across every instance sharing the store.
 *
 * Mechanism: fixed windows aligned to the epoch (`windowStart = floor(now / windowMs) * windowMs`). A window
 * has `limit` numbered slots and taking one is a unique-key insert of `scope|key|windowStart|slot`, the only
 * write that is atomic on every MongoDB-compatible server (FerretDB 1.x runs filtered updates as read-then-
 * write, so a counter with a conditional `$inc` would let racers through). A caller moves to slot i+1 only after
 * finding slot i taken, so the taken slots are always a prefix: a caller starts at the count of existing slots
 * (one count, normally one insert) and at most `limit` takes per window succeed, however many race.
 * Trade-off of fixed windows: up to 2 × limit can pass around a window boundary; never more than `limit` in one
 * window. Slots carry an expiry for clean-up only (TTL index where the server allows it; pruned on memory).
 */
export interface RateLimitRepository {
  /**
   * Takes one unit of `limit` for (scope, key) in the window containing `now`. Exactly `limit` of any number of
   * concurrent callers in one window get `allowed: true`. `limit` is a non-negative integer, `windowMs` positive.
   */
  take(scope: string, key: string, limit: number, windowMs: number, now: number): Promise<RateLimitDecision>;
  /**
   * Takes one unit of each limit at once, all or none: when any is refused, the units the others took are given
   * back before it answers (an extra store operation, on the refused path only), so nothing is held — except at
   * the positions in `keep`, whose units are held whenever their own limit allows (not named in refusedBy). Each limit
   * is still exact on its own (every unit is one atomic store write, never count-then-act); the set is not one
   * transaction, so for a moment a unit to be given back is held, and a racer may be refused because of it
   * (errs on the side of fewer). One store operation where the adapter can (MongoDB's counters).
   */
  takeAll(requests: readonly RateLimitRequest[], now: number, keep?: readonly number[]): Promise<RateLimitsDecision>;
}

/** One limit of RateLimitRepository.takeAll: take's arguments. */
export interface RateLimitRequest {
  readonly scope: string;
  readonly key: string;
  readonly limit: number;
  readonly windowMs: number;
}

/** The answer of one RateLimitRepository.takeAll. */
export type RateLimitsDecision =
  | { readonly allowed: true }
  /** `refusedBy`: the positions of the requests whose limit was full; `retryAfterMs`: until the last of their windows ends. */
  | { readonly allowed: false; readonly refusedBy: readonly number[]; readonly retryAfterMs: number };

/** Everything the core needs from a store, plus its lifecycle. */
export interface Stores {
  readonly kind: 'memory' | 'mongodb';
  readonly users: UserRepository;
  readonly challenges: ChallengeRepository;
  readonly audit: AuditLog;
  readonly conversations: ConversationRefRepository;
  readonly optOuts: OptOutRepository;
  readonly webhooks: WebhookLedger;
  readonly sendLog: SendLog;
  readonly simulatedOutbox: SimulatedOutbox;
  readonly deliveryStatuses: DeliveryStatusLog;
  readonly rateLimits: RateLimitRepository;
  /** Resolves when the store answers; rejects with StoreUnavailableError otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
