// Users in process memory, with look-up maps by UPN and by phone number so a text finds its person without a scan.
// A record is copied once, when it is written, and kept frozen: every read hands out that frozen record itself
// (records are read far more often than written: each Teams turn reads its person, and a structured clone per
// read was about 2% of a turn's CPU). Callers never change a record they read (the types are readonly): they save a
// new one built from it, so sharing the frozen record is safe, and a write to it throws rather than passing unseen.
import { deepFreeze } from '../domain/deepFreeze';
import type { NewUser, User } from '../domain/user';
import { isPhoneKind } from '../domain/methodKinds';
import type { UserRepository } from '../ports/repositories';
import { DuplicateKeyError } from '../ports/storeErrors';
import { MultiIndex } from './memoryIndexes';

const clone = <T>(value: T): T => structuredClone(value);

export class MemoryUserRepository implements UserRepository {
  private readonly byId = new Map<string, User>();
  // Look-up maps, kept in step with byId by file()/unfile() on every write.
  private readonly idByUpn = new Map<string, string>();
  private readonly byPendingPhone = new MultiIndex();
  private readonly byMethodPhone = new MultiIndex();
  private readonly idByAnsweredWebhook = new Map<string, string>();

  async get(id: string): Promise<User | null> {
    return this.byId.get(id) ?? null;
  }

  async findByUpn(upn: string): Promise<User | null> {
    return this.withUpn(upn) ?? null;
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

  async findByAnsweredWebhook(webhookId: string): Promise<User | null> {
    const id = this.idByAnsweredWebhook.get(webhookId);
    return (id === undefined ? undefined : this.byId.get(id)) ?? null;
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
    return this.store(user);
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
    return this.store(saved);
  }

  /** Files `user`, a copy no caller holds, frozen; returns it. */
  private store(user: User): User {
    const copy = deepFreeze(user);
    this.byId.set(copy.id, copy);
    this.idByUpn.set(copy.upn.toLowerCase(), copy.id);
    const phone = pendingPhoneOf(copy);
    if (phone !== null) this.byPendingPhone.add(phone, copy.id);
    for (const number of methodPhonesOf(copy)) this.byMethodPhone.add(number, copy.id);
    for (const answer of copy.answeredWebhooks ?? []) this.idByAnsweredWebhook.set(answer.webhookId, copy.id);
    return copy;
  }

  private unfile(user: User): void {
    this.idByUpn.delete(user.upn.toLowerCase());
    const phone = pendingPhoneOf(user);
    if (phone !== null) this.byPendingPhone.remove(phone, user.id);
    for (const number of methodPhonesOf(user)) this.byMethodPhone.remove(number, user.id);
    for (const answer of user.answeredWebhooks ?? []) {
      if (this.idByAnsweredWebhook.get(answer.webhookId) === user.id) this.idByAnsweredWebhook.delete(answer.webhookId);
    }
  }

  // Ordered by id, as the MongoDB adapter sorts them.
  private usersIn(ids: ReadonlySet<string>): User[] {
    // Most look-ups by a number find nobody (every text from an unknown number asks twice): no copy, sort or walk.
    if (ids.size === 0) return [];
    return [...ids].sort().flatMap((id) => {
      const user = this.byId.get(id);
      return user ? [user] : [];
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
