// The embedded default store: everything in process memory, lost on restart. It clones on every read and
// write so that code relying on shared references fails here as it would against a network store.
import { randomUUID } from 'node:crypto';
import type { NewUser, User } from '../domain/user';
import type { Challenge } from '../verification/challengeTypes';
import type { AuditDraft } from '../domain/effects';
import {
  DEFAULT_WEBHOOK_RETENTION_MS,
  DuplicateKeyError,
  type AuditEntry,
  type AuditLog,
  type ChallengeRepository,
  type ConversationRefRecord,
  type ConversationRefRepository,
  type DeliveryStatusLog,
  type DeliveryStatusRecord,
  type OptOutRecord,
  type OptOutRepository,
  type ProcessedWebhook,
  type SendLog,
  type SendLogEntry,
  type SimulatedDelivery,
  type SimulatedOutbox,
  type Stores,
  type UserRepository,
  type WebhookLedger,
} from './ports';
import { isPhoneKind } from '../domain/methodKinds';
import { MemoryChallengeTurns, MemoryRateLimits } from './memoryLimitStores';

const clone = <T>(value: T): T => structuredClone(value);

export class MemoryUserRepository implements UserRepository {
  private readonly byId = new Map<string, User>();

  async get(id: string): Promise<User | null> {
    const user = this.byId.get(id);
    return user ? clone(user) : null;
  }

  async findByUpn(upn: string): Promise<User | null> {
    const found = this.withUpn(upn);
    return found ? clone(found) : null;
  }

  // Synchronous, so a check and the write that follows it cannot interleave with another call.
  private withUpn(upn: string): User | undefined {
    const wanted = upn.toLowerCase();
    for (const user of this.byId.values()) if (user.upn.toLowerCase() === wanted) return user;
    return undefined;
  }

  async findByPendingPhone(e164: string): Promise<User[]> {
    return [...this.byId.values()]
      .filter((u) => {
        const step = u.enrollment?.step;
        return step?.name === 'codeSent' && step.target.type === 'phone' && step.target.number === e164;
      })
      .map(clone);
  }

  async findByMethodPhone(e164: string): Promise<User[]> {
    return [...this.byId.values()]
      .filter((u) => u.methods.some((m) => isPhoneKind(m.kind) && 'number' in m && m.number === e164))
      .map(clone);
  }

  async create(input: NewUser, now: number): Promise<User> {
    if (this.byId.has(input.id)) throw new DuplicateKeyError('id');
    if (this.withUpn(input.upn)) throw new DuplicateKeyError('upn');
    const user: User = {
      ...clone(input),
      methods: [],
      defaultMethodId: null,
      enrollment: null,
      lockedUntil: null,
      createdAt: now,
      updatedAt: now,
      version: 1,
    };
    this.byId.set(user.id, clone(user));
    return user;
  }

  async replace(user: User): Promise<User | null> {
    const stored = this.byId.get(user.id);
    if (!stored || stored.version !== user.version) return null;
    if (user.upn.toLowerCase() !== stored.upn.toLowerCase()) {
      const other = this.withUpn(user.upn);
      if (other && other.id !== user.id) throw new DuplicateKeyError('upn');
    }
    const saved: User = { ...clone(user), version: user.version + 1 };
    this.byId.set(saved.id, clone(saved));
    return saved;
  }
}

export class MemoryChallengeRepository implements ChallengeRepository {
  private readonly byId = new Map<string, Challenge>();

  async create(challenge: Challenge): Promise<Challenge> {
    if (this.byId.has(challenge.id)) throw new DuplicateKeyError('id');
    this.byId.set(challenge.id, clone(challenge));
    return clone(challenge);
  }

  async get(id: string): Promise<Challenge | null> {
    const c = this.byId.get(id);
    return c ? clone(c) : null;
  }

  async replace(challenge: Challenge): Promise<Challenge | null> {
    const stored = this.byId.get(challenge.id);
    if (!stored || stored.version !== challenge.version) return null;
    const saved = { ...clone(challenge), version: challenge.version + 1 };
    this.byId.set(saved.id, clone(saved));
    return saved;
  }

  async findPendingByUser(userId: string, now: number): Promise<Challenge[]> {
    return this.pending(now, (c) => c.userId === userId);
  }

  async findPendingByTarget(target: string, now: number): Promise<Challenge[]> {
    return this.pending(now, (c) => c.target === target);
  }

  async listRecentByUser(userId: string, limit: number): Promise<Challenge[]> {
    return [...this.byId.values()]
      .filter((c) => c.userId === userId)
      .sort(newestFirst)
      .slice(0, limit)
      .map(clone);
  }

  async findExpiredPending(now: number, limit: number): Promise<Challenge[]> {
    return [...this.byId.values()]
      .filter((c) => c.status === 'pending' && c.expiresAt <= now)
      .sort((a, b) => a.expiresAt - b.expiresAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .slice(0, limit)
      .map(clone);
  }

  private pending(now: number, match: (c: Challenge) => boolean): Challenge[] {
    return [...this.byId.values()]
      .filter((c) => c.status === 'pending' && c.expiresAt > now && match(c))
      .sort(newestFirst)
      .map(clone);
  }
}

const newestFirst = (a: { createdAt: number; id: string }, b: { createdAt: number; id: string }): number =>
  b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1);

export class MemoryAuditLog implements AuditLog {
  private readonly entries: AuditEntry[] = [];

  async append(entry: AuditDraft, now: number): Promise<AuditEntry> {
    const stored: AuditEntry = { ...clone(entry), id: randomUUID(), at: now };
    this.entries.push(stored);
    return clone(stored);
  }

  async listForUser(userId: string, limit: number): Promise<AuditEntry[]> {
    return this.entries
      .filter((e) => e.userId === userId)
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

  async claim(id: string, now: number): Promise<boolean> {
    if (typeof id !== 'string') throw new TypeError('id must be a string');
    if (this.byId.has(id)) return false;
    this.byId.set(id, { id, response: null, at: now });
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

export class MemorySendLog implements SendLog {
  private readonly entries: SendLogEntry[] = [];

  async append(entry: SendLogEntry): Promise<void> {
    this.entries.push(clone(entry));
  }

  async countForNumber(number: string, since: number): Promise<number> {
    return this.entries.filter((e) => e.number === number && e.at >= since).length;
  }

  async countForUser(userId: string, since: number): Promise<number> {
    return this.entries.filter((e) => e.userId === userId && e.at >= since).length;
  }
}

export class MemorySimulatedOutbox implements SimulatedOutbox {
  private readonly items: SimulatedDelivery[] = [];

  async add(item: SimulatedDelivery): Promise<void> {
    if (this.items.some((i) => i.ref === item.ref)) throw new DuplicateKeyError('ref');
    this.items.push(clone(item));
  }

  async get(ref: string): Promise<SimulatedDelivery | null> {
    const found = this.items.find((i) => i.ref === ref);
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
  private readonly records: DeliveryStatusRecord[] = [];

  async append(record: DeliveryStatusRecord): Promise<void> {
    this.records.push(clone(record));
  }

  async listForRef(ref: string): Promise<DeliveryStatusRecord[]> {
    return this.records
      .map((r, i) => ({ r, i }))
      .filter(({ r }) => r.ref === ref)
      .sort((a, b) => a.r.at - b.r.at || a.i - b.i)
      .map(({ r }) => clone(r));
  }
}

export interface MemoryStoresOptions {
  readonly webhookLedger?: MemoryWebhookLedgerOptions;
}

export function createMemoryStores(options: MemoryStoresOptions = {}): Stores {
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
    challengeTurns: new MemoryChallengeTurns(),
    ping: async () => undefined,
    close: async () => undefined,
  };
}
