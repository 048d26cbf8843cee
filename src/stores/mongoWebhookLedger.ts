// Which provider webhooks were handled and what they answered, on MongoDB: claims are unique-_id inserts (atomic on
// FerretDB too); old entries go by TTL index where the server has one, else by pruning on write.
import type { Collection, IndexDescription } from 'mongodb';
import type { ClaimCarrying, ProcessedWebhook, WebhookLedger } from '../ports/repositories';
import { describeFailure, guarded, isDuplicateKeyError, requireCount, requireString, requireTime, toStoreError, type MongoStoresLogger } from './mongoStoreSupport';

export interface WebhookDocument {
  _id: string;
  response: string | null;
  at: number;
  /** See ProcessedWebhook.prepared; absent when the claim carried none. */
  prepared?: string;
  /** When the TTL index may delete it (claim time + retention); a Date, as TTL indexes require. */
  purgeAt: Date;
}

/** Pruning on write runs at most this often per instance, and deletes at most PRUNE_BATCH entries each time. */
const WEBHOOK_PRUNE_EVERY_MS = 60_000;
const WEBHOOK_PRUNE_BATCH = 500;

export const WEBHOOK_INDEXES: IndexDescription[] = [{ key: { at: 1 }, name: 'byClaimTime' }];
export const WEBHOOK_TTL_INDEX: IndexDescription = { key: { purgeAt: 1 }, name: 'purgeAfterRetention', expireAfterSeconds: 0 };

export class MongoWebhookLedger implements WebhookLedger {
  private lastPruneAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly webhooks: Collection<WebhookDocument>,
    private readonly retentionMs: number,
    private readonly logger: MongoStoresLogger,
  ) {}

  async claim(id: string, now: number, carrying?: ClaimCarrying): Promise<boolean> {
    const _id = requireString(id, 'id');
    requireTime(now, 'now');
    const carried =
      carrying === undefined ? {} : 'response' in carrying ? { response: requireString(carrying.response, 'response') } : { prepared: requireString(carrying.prepared, 'prepared') };
    try {
      // A unique-_id insert: atomic on FerretDB too, unlike a filtered update.
      await this.webhooks.insertOne({ _id, response: null, at: now, ...carried, purgeAt: new Date(now + this.retentionMs) });
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
    if (!doc) return null;
    return { id: doc._id, response: doc.response, at: doc.at, ...(typeof doc.prepared === 'string' ? { prepared: doc.prepared } : {}) };
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
