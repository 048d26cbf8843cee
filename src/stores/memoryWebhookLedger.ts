// Which provider webhooks were handled and what they answered, in process memory, bounded in size and age.
import { DEFAULT_WEBHOOK_RETENTION_MS, type ClaimCarrying, type ProcessedWebhook, type WebhookLedger } from '../ports/repositories';

const clone = <T>(value: T): T => structuredClone(value);

export const DEFAULT_MEMORY_WEBHOOK_ENTRIES = 10_000;

export interface MemoryWebhookLedgerOptions {
  readonly maxEntries?: number;
  readonly retentionMs?: number;
}

export class MemoryWebhookLedger implements WebhookLedger {
  private readonly byId = new Map<string, Entry>();
  /**
   * Every claim in the order taken (claims arrive in time order: the first are the oldest), read from `head`.
   * Eviction looks here rather than iterating the Map: a Map's iteration steps over every deleted slot until V8
   * compacts its table, thousands per claim once the bound is reached (2% of the SMS webhook's CPU in the bench).
   * A claim deleted or taken over since is stale: its entry is no longer the one in `byId`.
   */
  private order: Entry[] = [];
  private head = 0;
  private readonly maxEntries: number;
  private readonly retentionMs: number;

  constructor(options: MemoryWebhookLedgerOptions = {}) {
    this.maxEntries = options.maxEntries ?? DEFAULT_MEMORY_WEBHOOK_ENTRIES;
    this.retentionMs = options.retentionMs ?? DEFAULT_WEBHOOK_RETENTION_MS;
  }

  async claim(id: string, now: number, carrying?: ClaimCarrying): Promise<boolean> {
    if (typeof id !== 'string') throw new TypeError('id must be a string');
    if (this.byId.has(id)) return false;
    // Written out rather than spread from a part object: a claim per webhook, and the spread's copy showed.
    const entry: Entry =
      carrying === undefined ? { id, response: null, at: now } : 'response' in carrying ? { id, response: carrying.response, at: now } : { id, response: null, at: now, prepared: carrying.prepared };
    this.byId.set(id, entry);
    this.order.push(entry);
    this.evict(now);
    return true;
  }

  async takeOver(id: string, claimedAt: number, now: number): Promise<boolean> {
    const found = this.byId.get(id);
    if (!found || found.response !== null || found.at !== claimedAt) return false;
    // Queued again, so that it counts as the newest for eviction (its first place in `order` is now stale).
    const entry: Entry = { ...found, at: now };
    this.byId.delete(id);
    this.byId.set(id, entry);
    this.order.push(entry);
    return true;
  }

  async complete(id: string, response: string): Promise<void> {
    // In place: the entry keeps its place in `order` (only `get`'s copies leave the ledger).
    const found = this.byId.get(id);
    if (found) found.response = response;
  }

  async get(id: string): Promise<ProcessedWebhook | null> {
    const found = this.byId.get(id);
    return found ? clone(found) : null;
  }

  async prune(before: number, limit: number): Promise<number> {
    let removed = 0;
    for (const [id, entry] of this.byId) {
      if (removed >= limit) break;
      if (entry.at < before) {
        this.byId.delete(id);
        removed += 1;
      }
    }
    return removed;
  }

  /** Expired entries off the front, then the oldest beyond the bound: O(removed), never a full scan. */
  private evict(now: number): void {
    const { order, byId } = this;
    while (this.head < order.length) {
      const oldest = order[this.head]!;
      const current = byId.get(oldest.id) === oldest;
      if (current && oldest.at >= now - this.retentionMs && byId.size <= this.maxEntries) break;
      if (current) byId.delete(oldest.id);
      this.head += 1;
    }
    // The consumed front is dropped once it is most of the array, so the queue's memory follows the Map's.
    if (this.head >= 1024 && this.head * 2 >= order.length) {
      this.order = order.slice(this.head);
      this.head = 0;
    }
  }
}

/** A ledger entry as kept here: `response` is filled in place by `complete`. */
interface Entry {
  readonly id: string;
  response: string | null;
  readonly at: number;
  readonly prepared?: string;
}
