// MongoDB exact limits (see RateLimitRepository). On MongoDB a take
// is one upserting $inc of a per-window counter; on FerretDB 1.x, whose updates are not atomic, it is numbered slots
// per window taken by unique-key inserts, the one write FerretDB performs atomically. Several limits at once
// (takeAll) are one bulk write of filtered counter upserts on MongoDB.
import { randomUUID } from 'node:crypto';
import { MongoBulkWriteError, type Collection, type IndexDescription, type WriteError } from 'mongodb';
import type { CompareAndSetStrategy } from './mongoVersionClaims';
import type { RateLimitDecision, RateLimitRepository, RateLimitRequest, RateLimitsDecision } from '../ports/repositories';
import { guarded, isDuplicateKeyError, toStoreError } from './mongoStoreSupport';
import { requireLimitArguments, windowOf } from './rateLimitWindows';

export const LIMIT_COLLECTION_NAMES = { rateLimitSlots: 'rateLimitSlots', rateLimitCounters: 'rateLimitCounters' } as const;

/** One window of one limit on MongoDB: how many takes it has seen (refused ones included). */
export interface RateLimitCounterDocument {
  /** scope, key, window length and window start: one document per window. */
  _id: string;
  n: number;
  /** The tokens of takeAll's increments (each at most once), so a take that must be given back can find its own. */
  takers?: string[];
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

export const RATE_LIMIT_SLOT_INDEXES: IndexDescription[] = [{ key: { scope: 1, key: 1, windowMs: 1, windowStart: 1 }, name: 'byWindow' }];
export const LIMIT_TTL_INDEXES: ReadonlyArray<readonly [keyof typeof LIMIT_COLLECTION_NAMES, IndexDescription]> = [
  ['rateLimitSlots', { key: { purgeAt: 1 }, name: 'purgeAfterWindow', expireAfterSeconds: 0 }],
  ['rateLimitCounters', { key: { purgeAt: 1 }, name: 'purgeAfterWindow', expireAfterSeconds: 0 }],
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

  async takeAll(requests: readonly RateLimitRequest[], now: number, keep: readonly number[] = []): Promise<RateLimitsDecision> {
    for (const r of requests) requireLimitArguments(r.scope, r.key, r.limit, r.windowMs, now);
    const windows = requests.map((r) => ({ ...r, ...windowOf(now, r.windowMs) }));
    const full = windows.flatMap((w, i) => (w.limit === 0 ? [i] : []));
    // Nothing to take but what is kept: take those alone.
    if (full.length > 0) {
      const kept = windows.filter((w, i) => w.limit > 0 && keep.includes(i));
      if (kept.length > 0) {
        const keptRefusal = await this.takeAll(kept, now);
        if (!keptRefusal.allowed) full.push(...keptRefusal.refusedBy.map((k) => windows.indexOf(kept[k]!)));
      }
      return refusal(windows, [...new Set(full)].sort((a, b) => a - b), now);
    }
    if (windows.length === 0) return { allowed: true };
    const strategy = await guarded(() => this.options.strategy());
    this.pruneNowAndThen(now, strategy);
    const refusedBy = strategy === 'conditional' ? await this.countTakeAll(windows, keep) : await this.slotTakeAll(windows, keep);
    return refusedBy.length === 0 ? { allowed: true } : refusal(windows, refusedBy, now);
  }

  /**
   * One command when all are allowed: a bulk of upserts that increment each window's counter only while it is
   * below its limit (atomic per document on MongoDB), each also recording its own token. Any error (a full
   * window's upsert finds no match and its insert hits the counter's _id; so does the loser of two first takes
   * of a window) and the counters are read: the token says which increments landed, whatever the server
   * reported (FerretDB stops at the first error and names the wrong statement). Those that did not land on a
   * window with room are tried once more. Refused: the increments that landed are taken back.
   */
  private async countTakeAll(windows: readonly LimitWindow[], keep: readonly number[]): Promise<number[]> {
    const ids = windows.map((w) => JSON.stringify([w.scope, w.key, w.windowMs, w.start]));
    const call = randomUUID();
    const tokens = windows.map((_, i) => `${call}:${i}`);
    const { counters } = this.options;
    /** The positions whose increment did not land, and whether their window was full. */
    const attempt = async (positions: readonly number[]): Promise<Array<{ readonly position: number; readonly full: boolean }>> => {
      try {
        await counters.bulkWrite(
          positions.map((i) => ({
            updateOne: {
              filter: { _id: ids[i]!, n: { $lt: windows[i]!.limit } },
              update: { $inc: { n: 1 }, $push: { takers: tokens[i]! }, $setOnInsert: { purgeAt: new Date(windows[i]!.end) } },
              upsert: true,
            },
          })),
          { ordered: false },
        );
        return [];
      } catch (error) {
        if (!(error instanceof MongoBulkWriteError) || !([] as WriteError[]).concat(error.writeErrors).every(isDuplicateKeyWriteError)) throw toStoreError(error);
      }
      const docs = await guarded(() => counters.find({ _id: { $in: positions.map((i) => ids[i]!) } }).toArray());
      const byId = new Map(docs.map((d) => [d._id, d]));
      return positions.flatMap((i) => {
        const doc = byId.get(ids[i]!);
        if (doc?.takers?.includes(tokens[i]!)) return [];
        return [{ position: i, full: doc !== undefined && doc.n >= windows[i]!.limit }];
      });
    };
    const first = await attempt(windows.map((_, i) => i));
    const again = first.filter((m) => !m.full).map((m) => m.position);
    const missed = [...first.filter((m) => m.full), ...(again.length > 0 ? await attempt(again) : [])];
    const refused = missed.map((m) => m.position).sort((a, b) => a - b);
    if (refused.length > 0) {
      const landed = windows.map((_, i) => i).filter((i) => !refused.includes(i) && !keep.includes(i));
      if (landed.length > 0) {
        await guarded(() =>
          counters.bulkWrite(
            landed.map((i) => ({ updateOne: { filter: { _id: ids[i]!, takers: tokens[i]! }, update: { $inc: { n: -1 }, $pull: { takers: tokens[i]! } } } })),
            { ordered: false },
          ),
        );
      }
    }
    return refused;
  }

  /** Each limit's slot as take does, in order; refused: the slots the others took are deleted (a later take refills the hole). */
  private async slotTakeAll(windows: readonly LimitWindow[], keep: readonly number[]): Promise<number[]> {
    const taken: string[] = [];
    const refused: number[] = [];
    for (const [i, w] of windows.entries()) {
      // Once one is refused, the rest would only be given back (and meanwhile refuse racers): kept ones only.
      if (refused.length > 0 && !keep.includes(i)) continue;
      const slotId = await this.slotTakeId(w.scope, w.key, w.limit, w.windowMs, w.start, w.end);
      if (slotId === null) refused.push(i);
      else if (!keep.includes(i)) taken.push(slotId);
    }
    if (refused.length > 0 && taken.length > 0) await guarded(() => this.options.slots.deleteMany({ _id: { $in: taken } }));
    return refused;
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
    return (await this.slotTakeId(scope, key, limit, windowMs, start, end)) !== null;
  }

  /** The _id of the slot taken, or null when the window is full. */
  private async slotTakeId(scope: string, key: string, limit: number, windowMs: number, start: number, end: number): Promise<string | null> {
    // The free slots below the limit, lowest first (a slot given back by takeAll leaves a hole, filled here).
    const held = await guarded(() => this.options.slots.find({ scope, key, windowMs, windowStart: start }, { projection: { slot: 1 } }).toArray());
    const taken = new Set(held.map((d) => d.slot));
    for (let slot = 0; slot < limit; slot++) {
      if (taken.has(slot)) continue;
      const _id = JSON.stringify([scope, key, windowMs, start, slot]);
      try {
        await this.options.slots.insertOne({ _id, scope, key, windowMs, windowStart: start, slot, purgeAt: new Date(end) });
        return _id;
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw toStoreError(error);
      }
    }
    return null;
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

type LimitWindow = RateLimitRequest & { readonly start: number; readonly end: number };

function refusal(windows: readonly LimitWindow[], refusedBy: readonly number[], now: number): RateLimitsDecision {
  return { allowed: false, refusedBy, retryAfterMs: Math.max(1, ...refusedBy.map((i) => windows[i]!.end - now)) };
}

/** The same test as isDuplicateKeyError, for one statement of a bulk write (FerretDB on SQLite says it its own way). */
function isDuplicateKeyWriteError(error: WriteError): boolean {
  return error.code === 11000 || (error.code === 1 && /UNIQUE constraint failed/.test(error.errmsg ?? ''));
}
