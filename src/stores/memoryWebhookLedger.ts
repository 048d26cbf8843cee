// Which provider webhooks were handled and what they answered, in process memory, bounded in size and age.
import { DEFAULT_WEBHOOK_RETENTION_MS, type ClaimCarrying, type ProcessedWebhook, type WebhookLedger } from '../ports/repositories';

const clone = <T>(value: T): T => structuredClone(value);

export const DEFAULT_MEMORY_WEBHOOK_ENTRIES = 10_000;

export interface MemoryWebhookLedgerOptions {
  readonly maxEntries?: number;
  readonly retentionMs?: number;
}

export class MemoryWebhookLedger implements WebhookLedger {
  // A Map iterates in insertion order, and claims arrive in time order: the first entries are the oldest.
  private readonly byId = new Map<string, ProcessedWebhook>();
  private readonly maxEntries: number;
  private readonly retentionMs: number;

  constructor(options: MemoryWebhookLedgerOptions = {}) {
    this.maxEntries = options.maxEntries ?? DEFAULT_MEMORY_WEBHOOK_ENTRIES;
    this.retentionMs = options.retentionMs ?? DEFAULT_WEBHOOK_RETENTION_MS;
  }

  async claim(id: string, now: number, carrying?: ClaimCarrying): Promise<boolean> {
    if (typeof id !== 'string') throw new TypeError('id must be a string');
    if (this.byId.has(id)) return false;
    const carried = carrying === undefined ? {} : 'response' in carrying ? { response: carrying.response } : { prepared: carrying.prepared };
    this.byId.set(id, { id, response: null, at: now, ...carried });
    this.evict(now);
    return true;
  }

  async takeOver(id: string, claimedAt: number, now: number): Promise<boolean> {
    const found = this.byId.get(id);
    if (!found || found.response !== null || found.at !== claimedAt) return false;
    // Re-inserted, so that it counts as the newest for eviction.
    this.byId.delete(id);
    this.byId.set(id, { ...found, at: now });
    return true;
  }

  async complete(id: string, response: string): Promise<void> {
    const found = this.byId.get(id);
    if (found) this.byId.set(id, { ...found, response });
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
    for (const [id, entry] of this.byId) {
      if (entry.at >= now - this.retentionMs && this.byId.size <= this.maxEntries) break;
      this.byId.delete(id);
    }
  }
}
