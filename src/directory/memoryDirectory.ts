// The embedded directory (the default and the playground): people kept in memory with slow-hashed passwords, a
// simple policy (minimum length, history of recent passwords, lockout after failed sign-ins) and the same typed
// refusals as the real directories. signIn() stands in for the organisation's sign-in page.
import type { MemoryDirectoryConfig } from '../config/directoryConfig';
import {
  directoryOk,
  directoryOkVoid,
  directoryRefused,
  type Directory,
  type DirectoryEntry,
  type DirectoryLookup,
  type DirectoryResult,
} from '../ports/directory';
import { cryptoRandom, type RandomSource } from '../security/random';
import { slowHash, slowHashMatches } from '../security/slowHash';

export interface MemoryDirectoryPerson {
  /** An object id; a random UUID when omitted. */
  readonly id?: string;
  readonly upn?: string;
  readonly mail?: string;
  readonly uid?: string;
  readonly displayName: string;
  readonly password: string;
  readonly enabled?: boolean;
  readonly groups?: readonly string[];
}

interface Account {
  readonly entry: { -readonly [K in keyof DirectoryEntry]: DirectoryEntry[K] };
  readonly uid: string | undefined;
  /** Newest first; [0] is the current password. */
  hashes: string[];
  failures: number;
}

export type MemoryDirectoryPolicy = Pick<MemoryDirectoryConfig, 'minLength' | 'history' | 'maxFailures'>;

export class MemoryDirectory implements Directory {
  private readonly accounts = new Map<string, Account>();

  constructor(
    private readonly policy: MemoryDirectoryPolicy,
    private readonly random: RandomSource = cryptoRandom,
  ) {}

  /** Adds a person (playground seeding and tests); returns their object id. */
  add(person: MemoryDirectoryPerson): string {
    const id = person.id ?? uuidFrom(this.random.bytes(16));
    this.accounts.set(id, {
      entry: { id, upn: person.upn, mail: person.mail, displayName: person.displayName, locked: false, enabled: person.enabled ?? true, ...(person.groups ? { groups: [...person.groups] } : {}) },
      uid: person.uid,
      hashes: [slowHash(this.random, person.password)],
      failures: 0,
    });
    return id;
  }

  async find(lookup: DirectoryLookup): Promise<DirectoryResult<DirectoryEntry>> {
    const matches = this.matching(lookup);
    return matches.length === 1 ? directoryOk({ ...matches[0]!.entry }) : directoryRefused('notFound');
  }

  async setPassword(id: string, newPassword: string): Promise<DirectoryResult<void>> {
    const account = this.accounts.get(id);
    if (account === undefined) return directoryRefused('notFound');
    if (!account.entry.enabled) return directoryRefused('accountDisabled');
    if ([...newPassword].length < this.policy.minLength) return directoryRefused('tooShort', { minLength: this.policy.minLength });
    // The current password plus `history` earlier ones may not come back (as ppolicy's pwdInHistory does).
    if (account.hashes.slice(0, this.policy.history + 1).some((hash) => slowHashMatches(newPassword, hash))) {
      return directoryRefused('inHistory');
    }
    account.hashes = [slowHash(this.random, newPassword), ...account.hashes].slice(0, this.policy.history + 1);
    return directoryOkVoid;
  }

  async unlock(id: string): Promise<DirectoryResult<void>> {
    const account = this.accounts.get(id);
    if (account === undefined) return directoryRefused('notFound');
    if (!account.entry.enabled) return directoryRefused('accountDisabled');
    account.entry.locked = false;
    account.failures = 0;
    return directoryOkVoid;
  }

  async verifyConfiguration(): Promise<void> {}

  async close(): Promise<void> {}

  /** The organisation's sign-in, played: true when the password is right and the account neither locked nor disabled. */
  signIn(lookup: DirectoryLookup, password: string): boolean {
    const matches = this.matching(lookup);
    if (matches.length !== 1) return false;
    const account = matches[0]!;
    if (!account.entry.enabled || account.entry.locked) return false;
    if (slowHashMatches(password, account.hashes[0]!)) {
      account.failures = 0;
      return true;
    }
    account.failures += 1;
    if (account.failures >= this.policy.maxFailures) account.entry.locked = true;
    return false;
  }

  private matching(lookup: DirectoryLookup): Account[] {
    const value = lookup.value.trim().toLowerCase();
    if (value === '') return [];
    const field = (a: Account): string | undefined =>
      ({ upn: a.entry.upn, mail: a.entry.mail, uid: a.uid, objectId: a.entry.id })[lookup.by];
    return [...this.accounts.values()].filter((a) => field(a)?.toLowerCase() === value);
  }
}

function uuidFrom(bytes: Buffer): string {
  const b = Buffer.from(bytes);
  b[6] = (b[6]! & 0x0f) | 0x40; // version 4
  b[8] = (b[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
