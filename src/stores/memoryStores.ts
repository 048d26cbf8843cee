// The embedded default store: everything in process memory, lost on restart. It clones on every read and
// write so that code relying on shared references fails here as it would against a network store. The larger
// repositories (users, challenges, webhook ledger) have files of their own; the small logs live here.
import { randomUUID } from 'node:crypto';
import type { AuditDraft } from '../domain/effects';
import type { AuditEntry, AuditLog, ConversationRefRecord, ConversationRefRepository, DeliveryStatusLog, DeliveryStatusRecord, OptOutRecord, OptOutRepository, SendLog, SendLogEntry, SimulatedDelivery, SimulatedOutbox, Stores } from '../ports/repositories';
import { DuplicateKeyError } from '../ports/storeErrors';
import { MemoryRateLimits } from './memoryLimitStores';
import { appendTo } from './memoryIndexes';
import { MemoryUserRepository } from './memoryUserRepository';
import { MemoryChallengeRepository } from './memoryChallengeRepository';
import { MemoryWebhookLedger, type MemoryWebhookLedgerOptions } from './memoryWebhookLedger';

const clone = <T>(value: T): T => structuredClone(value);

export class MemoryAuditLog implements AuditLog {
  // Per person, in append order: a person's history is read without walking everyone's.
  private readonly byUser = new Map<string, AuditEntry[]>();

  async append(entry: AuditDraft, now: number): Promise<AuditEntry> {
    const stored: AuditEntry = { ...clone(entry), id: randomUUID(), at: now };
    appendTo(this.byUser, stored.userId, stored);
    return clone(stored);
  }

  async listForUser(userId: string, limit: number): Promise<AuditEntry[]> {
    return (this.byUser.get(userId) ?? [])
      .map((e, i) => ({ e, i }))
      .sort((a, b) => b.e.at - a.e.at || b.i - a.i)
      .slice(0, limit)
      .map(({ e }) => clone(e));
  }
}

export class MemoryConversationRefRepository implements ConversationRefRepository {
  private readonly byKey = new Map<string, ConversationRefRecord>();

  async save(record: ConversationRefRecord): Promise<void> {
    if (typeof record.userId !== 'string' || typeof record.reference !== 'string') throw new TypeError('userId and reference must be strings');
    this.byKey.set(`${record.channel}\u0000${record.userId}`, clone(record));
  }

  async get(userId: string, channel: ConversationRefRecord['channel']): Promise<ConversationRefRecord | null> {
    const found = this.byKey.get(`${channel}\u0000${userId}`);
    return found ? clone(found) : null;
  }
}

export class MemoryOptOutRepository implements OptOutRepository {
  private readonly byNumber = new Map<string, OptOutRecord>();

  async record(entry: OptOutRecord): Promise<void> {
    if (typeof entry.number !== 'string') throw new TypeError('number must be a string');
    this.byNumber.set(entry.number, clone(entry));
  }

  async get(number: string): Promise<OptOutRecord | null> {
    const found = this.byNumber.get(number);
    return found ? clone(found) : null;
  }
}

/** Enough for a busy day of webhooks (each entry is one TwiML answer); the oldest go first beyond it. */

export class MemorySendLog implements SendLog {
  // Only the send times matter to the counts; they are filed by number and by person.
  private readonly timesByNumber = new Map<string, number[]>();
  private readonly timesByUser = new Map<string, number[]>();

  async append(entry: SendLogEntry): Promise<void> {
    appendTo(this.timesByNumber, entry.number, entry.at);
    appendTo(this.timesByUser, entry.userId, entry.at);
  }

  async countForNumber(number: string, since: number): Promise<number> {
    return countSince(this.timesByNumber.get(number), since);
  }

  async countForUser(userId: string, since: number): Promise<number> {
    return countSince(this.timesByUser.get(userId), since);
  }
}

const countSince = (times: readonly number[] | undefined, since: number): number => (times ?? []).filter((at) => at >= since).length;

export class MemorySimulatedOutbox implements SimulatedOutbox {
  private readonly items: SimulatedDelivery[] = [];
  private readonly byRef = new Map<string, SimulatedDelivery>();

  async add(item: SimulatedDelivery): Promise<void> {
    if (this.byRef.has(item.ref)) throw new DuplicateKeyError('ref');
    const copy = clone(item);
    this.items.push(copy);
    this.byRef.set(copy.ref, copy);
  }

  async get(ref: string): Promise<SimulatedDelivery | null> {
    const found = this.byRef.get(ref);
    return found ? clone(found) : null;
  }

  async list(limit: number): Promise<SimulatedDelivery[]> {
    return this.items
      .map((item, i) => ({ item, i }))
      .sort((a, b) => b.item.at - a.item.at || b.i - a.i)
      .slice(0, limit)
      .map(({ item }) => clone(item));
  }
}

export class MemoryDeliveryStatusLog implements DeliveryStatusLog {
  // Per ref, in append order.
  private readonly byRef = new Map<string, DeliveryStatusRecord[]>();

  async append(record: DeliveryStatusRecord): Promise<void> {
    appendTo(this.byRef, record.ref, clone(record));
  }

  async listForRef(ref: string): Promise<DeliveryStatusRecord[]> {
    return (this.byRef.get(ref) ?? [])
      .map((r, i) => ({ r, i }))
      .sort((a, b) => a.r.at - b.r.at || a.i - b.i)
      .map(({ r }) => clone(r));
  }
}

export interface MemoryStoresOptions {
  readonly webhookLedger?: MemoryWebhookLedgerOptions;
}

/** The memory adapter's stores: `kind` says which backend, so wiring picks the matching companions without casts. */
export interface MemoryStores extends Stores {
  readonly kind: 'memory';
}

export function createMemoryStores(options: MemoryStoresOptions = {}): MemoryStores {
  return {
    kind: 'memory',
    users: new MemoryUserRepository(),
    challenges: new MemoryChallengeRepository(),
    audit: new MemoryAuditLog(),
    conversations: new MemoryConversationRefRepository(),
    optOuts: new MemoryOptOutRepository(),
    webhooks: new MemoryWebhookLedger(options.webhookLedger),
    sendLog: new MemorySendLog(),
    simulatedOutbox: new MemorySimulatedOutbox(),
    deliveryStatuses: new MemoryDeliveryStatusLog(),
    rateLimits: new MemoryRateLimits(),
    ping: async () => undefined,
    close: async () => undefined,
  };
}
