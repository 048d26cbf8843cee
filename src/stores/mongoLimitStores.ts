// MongoDB exact limits and challenge turns (see RateLimitRepository and ChallengeTurnRepository). On MongoDB a take
// is one upserting $inc of a per-window counter; on FerretDB 1.x, whose updates are not atomic, it is numbered slots
// per window taken by unique-key inserts, the one write FerretDB performs atomically. Turns are inserts everywhere.
import type { Collection, IndexDescription } from 'mongodb';
import type { CompareAndSetStrategy } from './mongoVersionClaims';
import type { Challenge } from '../domain/challenge';
import { CHALLENGE_TURN_RETENTION_MS, type ChallengeTurn, type ChallengeTurnRepository, type RateLimitDecision, type RateLimitRepository } from '../ports/repositories';
import { guarded, isDuplicateKeyError, requireString, toStoreError } from './mongoStoreSupport';
import { requireLimitArguments, windowOf } from './rateLimitWindows';

export const LIMIT_COLLECTION_NAMES = { rateLimitSlots: 'rateLimitSlots', rateLimitCounters: 'rateLimitCounters', challengeTurns: 'challengeTurns' } as const;

/** One window of one limit on MongoDB: how many takes it has seen (refused ones included). */
export interface RateLimitCounterDocument {
  /** scope, key, window length and window start: one document per window. */
  _id: string;
  n: number;
  /** When the window ends; the TTL index removes the counter after it (clean-up only). */
  purgeAt: Date;
}

export interface RateLimitSlotDocument {
  _id: string;
  scope: string;
  key: string;
  windowMs: number;
  windowStart: number;
  slot: number;
  /** When the window ends; the TTL index removes the slot after it (clean-up only). */
  purgeAt: Date;
}

export interface ChallengeTurnDocument {
  _id: string;
  userId: string;
  seq: number;
  challenge: Challenge;
  at: number;
  /** Clean-up only, long after the turn's challenge expired (see CHALLENGE_TURN_RETENTION_MS). */
  purgeAt: Date;
}

export const RATE_LIMIT_SLOT_INDEXES: IndexDescription[] = [{ key: { scope: 1, key: 1, windowMs: 1, windowStart: 1 }, name: 'byWindow' }];
export const CHALLENGE_TURN_INDEXES: IndexDescription[] = [{ key: { userId: 1, seq: -1 }, name: 'latestByUser' }];
export const LIMIT_TTL_INDEXES: ReadonlyArray<readonly [keyof typeof LIMIT_COLLECTION_NAMES, IndexDescription]> = [
  ['rateLimitSlots', { key: { purgeAt: 1 }, name: 'purgeAfterWindow', expireAfterSeconds: 0 }],
  ['rateLimitCounters', { key: { purgeAt: 1 }, name: 'purgeAfterWindow', expireAfterSeconds: 0 }],
  ['challengeTurns', { key: { purgeAt: 1 }, name: 'purgeAfterRetention', expireAfterSeconds: 0 }],
];

/** Without a TTL index (FerretDB 1.x), ended windows' slots are deleted by a take now and then. */
const PRUNE_EVERY = 1000;

export interface MongoRateLimitsOptions {
  readonly slots: Collection<RateLimitSlotDocument>;
  readonly counters: Collection<RateLimitCounterDocument>;
  /**
   * The same choice as compare-and-set's (mongoVersionClaims): 'conditional' means the server's filtered writes
   * are atomic (MongoDB), so a counter works; 'claims' means they are not (FerretDB 1.x), so slots are used.
   */
  readonly strategy: () => Promise<CompareAndSetStrategy>;
}

export class MongoRateLimits implements RateLimitRepository {
  private takesSincePrune = 0;

  constructor(private readonly options: MongoRateLimitsOptions) {}

  async take(scope: string, key: string, limit: number, windowMs: number, now: number): Promise<RateLimitDecision> {
    requireLimitArguments(scope, key, limit, windowMs, now);
    const { start, end } = windowOf(now, windowMs);
    const refused: RateLimitDecision = { allowed: false, retryAfterMs: Math.max(1, end - now) };
    if (limit === 0) return refused;
    const strategy = await guarded(() => this.options.strategy());
    this.pruneNowAndThen(now, strategy);
    const allowed = strategy === 'conditional' ? await this.countTake(scope, key, limit, windowMs, start, end) : await this.slotTake(scope, key, limit, windowMs, start, end);
    return allowed ? { allowed: true, retryAfterMs: 0 } : refused;
  }

  /** One command: the server increments the window's counter atomically; the take is allowed iff it is within the limit. */
  private async countTake(scope: string, key: string, limit: number, windowMs: number, start: number, end: number): Promise<boolean> {
    const _id = JSON.stringify([scope, key, windowMs, start]);
    const increment = () =>
      this.options.counters.findOneAndUpdate({ _id }, { $inc: { n: 1 }, $setOnInsert: { purgeAt: new Date(end) } }, { upsert: true, returnDocument: 'after' });
    let counter: RateLimitCounterDocument | null;
    try {
      counter = await increment();
    } catch (error) {
      // Two first takes of a window may both upsert; the loser's insert hits the winner's _id. Its retry finds
      // the document and increments it.
      if (!isDuplicateKeyError(error)) throw toStoreError(error);
      counter = await guarded(increment);
    }
    return counter !== null && counter.n <= limit;
  }

  private async slotTake(scope: string, key: string, limit: number, windowMs: number, start: number, end: number): Promise<boolean> {
    // Taken slots are a prefix (a caller only tries slot i+1 after finding slot i taken): start at their count.
    let slot = await guarded(() => this.options.slots.countDocuments({ scope, key, windowMs, windowStart: start }));
    for (; slot < limit; slot++) {
      try {
        await this.options.slots.insertOne({ _id: JSON.stringify([scope, key, windowMs, start, slot]), scope, key, windowMs, windowStart: start, slot, purgeAt: new Date(end) });
        return true;
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw toStoreError(error);
      }
    }
    return false;
  }

  private pruneNowAndThen(now: number, strategy: CompareAndSetStrategy): void {
    if (++this.takesSincePrune < PRUNE_EVERY) return;
    this.takesSincePrune = 0;
    // Best effort, off the request's path: a failure leaves only clean-up undone.
    const ended = { purgeAt: { $lt: new Date(now) } };
    const pruning = strategy === 'conditional' ? this.options.counters.deleteMany(ended) : this.options.slots.deleteMany(ended);
    pruning.catch(() => undefined);
  }
}

export class MongoChallengeTurns implements ChallengeTurnRepository {
  constructor(private readonly turns: Collection<ChallengeTurnDocument>) {}

  async latest(userId: string): Promise<ChallengeTurn | null> {
    const filter = { userId: requireString(userId, 'userId') };
    const doc = await guarded(() => this.turns.find(filter).sort({ seq: -1 }).limit(1).next());
    return doc ? { userId: doc.userId, seq: doc.seq, challenge: doc.challenge, at: doc.at } : null;
  }

  async claim(turn: ChallengeTurn): Promise<boolean> {
    const userId = requireString(turn.userId, 'userId');
    if (!Number.isInteger(turn.seq) || turn.seq < 1) throw new TypeError('seq must be a positive integer');
    const doc: ChallengeTurnDocument = {
      _id: JSON.stringify([userId, turn.seq]),
      userId,
      seq: turn.seq,
      challenge: structuredClone(turn.challenge),
      at: turn.at,
      purgeAt: new Date(turn.challenge.expiresAt + CHALLENGE_TURN_RETENTION_MS),
    };
    try {
      await this.turns.insertOne(doc);
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw toStoreError(error);
    }
  }
}
