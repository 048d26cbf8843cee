// The embedded default store: everything in process memory, lost on restart. It clones on every read and
// write so that code relying on shared references fails here as it would against a network store.
import { randomUUID } from 'node:crypto';
import type { NewUser, User } from '../domain/user';
import type { Challenge } from '../domain/challenge';
import type { AuditDraft } from '../domain/effects';
import { DEFAULT_WEBHOOK_RETENTION_MS, type AuditEntry, type AuditLog, type ChallengeRepository, type ConversationRefRecord, type ConversationRefRepository, type DeliveryStatusLog, type DeliveryStatusRecord, type OptOutRecord, type OptOutRepository, type ProcessedWebhook, type SendLog, type SendLogEntry, type SimulatedDelivery, type SimulatedOutbox, type Stores, type UserRepository, type WebhookLedger } from '../ports/repositories';
import { DuplicateKeyError } from '../ports/storeErrors';
import { isPhoneKind } from '../domain/methodKinds';
import { MemoryChallengeTurns, MemoryRateLimits } from './memoryLimitStores';
import { MultiIndex, RankedIds, appendTo } from './memoryIndexes';

const clone = <T>(value: T): T => structuredClone(value);

export class MemoryUserRepository implements UserRepository {
  private readonly byId = new Map<string, User>();
  // Look-up maps, kept in step with byId by file()/unfile() on every write.
  private readonly idByUpn = new Map<string, string>();
  private readonly byPendingPhone = new MultiIndex();
  private readonly byMethodPhone = new MultiIndex();

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
    const id = this.idByUpn.get(upn.toLowerCase());
    return id === undefined ? undefined : this.byId.get(id);
  }

  async findByPendingPhone(e164: string): Promise<User[]> {
    return this.usersIn(this.byPendingPhone.get(e164));
  }

  async findByMethodPhone(e164: string): Promise<User[]> {
    return this.usersIn(this.byMethodPhone.get(e164));
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
    this.store(user);
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
    this.unfile(stored);
    this.store(saved);
    return saved;
  }

  private store(user: User): void {
    const copy = clone(user);
    this.byId.set(copy.id, copy);
    this.idByUpn.set(copy.upn.toLowerCase(), copy.id);
    const phone = pendingPhoneOf(copy);
    if (phone !== null) this.byPendingPhone.add(phone, copy.id);
    for (const number of methodPhonesOf(copy)) this.byMethodPhone.add(number, copy.id);
  }

  private unfile(user: User): void {
    this.idByUpn.delete(user.upn.toLowerCase());
    const phone = pendingPhoneOf(user);
    if (phone !== null) this.byPendingPhone.remove(phone, user.id);
    for (const number of methodPhonesOf(user)) this.byMethodPhone.remove(number, user.id);
  }

  // Ordered by id, as the MongoDB adapter sorts them.
  private usersIn(ids: ReadonlySet<string>): User[] {
    return [...ids].sort().flatMap((id) => {
      const user = this.byId.get(id);
      return user ? [clone(user)] : [];
    });
  }
}

function pendingPhoneOf(user: User): string | null {
  const step = user.enrollment?.step;
  return step?.name === 'codeSent' && step.target.type === 'phone' ? step.target.number : null;
}

function methodPhonesOf(user: User): Set<string> {
  const numbers = new Set<string>();
  for (const m of user.methods) if (isPhoneKind(m.kind) && 'number' in m) numbers.add(m.number);
  return numbers;
}

export class MemoryChallengeRepository implements ChallengeRepository {
  private readonly byId = new Map<string, Challenge>();
  // Look-up maps, kept in step with byId on every write. Only pending challenges are ranked by expiry.
  private readonly byUser = new MultiIndex();
  private readonly byTarget = new MultiIndex();
  private readonly pendingByExpiry = new RankedIds();

  async create(challenge: Challenge): Promise<Challenge> {
    if (this.byId.has(challenge.id)) throw new DuplicateKeyError('id');
    this.store(challenge);
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
    this.unfile(stored);
    this.store(saved);
    return saved;
  }

  async findPendingByUser(userId: string, now: number): Promise<Challenge[]> {
    return this.pending(this.byUser.get(userId), now);
  }

  async findPendingByTarget(target: string, now: number): Promise<Challenge[]> {
    return this.pending(this.byTarget.get(target), now);
  }

  async listRecentByUser(userId: string, limit: number): Promise<Challenge[]> {
    return this.challengesIn(this.byUser.get(userId)).sort(newestFirst).slice(0, limit).map(clone);
  }

  async findExpiredPending(now: number, limit: number): Promise<Challenge[]> {
    return this.pendingByExpiry.firstUpTo(now, limit).flatMap((id) => {
      const c = this.byId.get(id);
      return c ? [clone(c)] : [];
    });
  }

  private pending(ids: ReadonlySet<string>, now: number): Challenge[] {
    return this.challengesIn(ids)
      .filter((c) => c.status === 'pending' && c.expiresAt > now)
      .sort(newestFirst)
      .map(clone);
  }

  private challengesIn(ids: ReadonlySet<string>): Challenge[] {
    return [...ids].flatMap((id) => {
      const c = this.byId.get(id);
      return c ? [c] : [];
    });
  }

  private store(challenge: Challenge): void {
    const copy = clone(challenge);
    this.byId.set(copy.id, copy);
    this.byUser.add(copy.userId, copy.id);
    if (copy.target !== null) this.byTarget.add(copy.target, copy.id);
    if (copy.status === 'pending') this.pendingByExpiry.add(copy.expiresAt, copy.id);
  }

  private unfile(challenge: Challenge): void {
    this.byUser.remove(challenge.userId, challenge.id);
    if (challenge.target !== null) this.byTarget.remove(challenge.target, challenge.id);
    if (challenge.status === 'pending') this.pendingByExpiry.remove(challenge.expiresAt, challenge.id);
  }
}

const newestFirst = (a: { createdAt: number; id: string }, b: { createdAt: number; id: string }): number =>
  b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1);

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
    challengeTurns: new MemoryChallengeTurns(),
    ping: async () => undefined,
    close: async () => undefined,
  };
}
