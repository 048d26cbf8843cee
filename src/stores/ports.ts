// The storage contracts. Each adapter (MongoDB for production, memory for the embedded default) must satisfy
// these exactly; test/stores/conformance runs one suite against both. Repositories take and return plain
// objects: callers never see driver types, and an adapter never hands out a reference it keeps.
import type { NewUser, User } from '../domain/user';
import type { Challenge } from '../verification/challengeTypes';
import type { AuditDraft } from '../domain/effects';

/** The store could not be reached or answered with a fault; nothing was written by the failed call. */
export class StoreUnavailableError extends Error {
  constructor(message = 'The data store is unavailable', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/** An insert collided with a unique key (same id, or another user with the same UPN). */
export class DuplicateKeyError extends Error {
  constructor(readonly key: string) {
    super(`Duplicate key: ${key}`);
    this.name = 'DuplicateKeyError';
  }
}

export interface UserRepository {
  /** The user with this directory id, or null. */
  get(id: string): Promise<User | null>;
  /** The user with this UPN, compared case-insensitively, or null. */
  findByUpn(upn: string): Promise<User | null>;
  /**
   * Users whose in-progress enrollment has a code or call out to this E.164 number (step `codeSent`,
   * target phone number equal). Used by the SMS and voice webhooks.
   */
  findByPendingPhone(e164: string): Promise<User[]>;
  /** Users who have a registered phone method (any phone kind) with this E.164 number. */
  findByMethodPhone(e164: string): Promise<User[]>;
  /**
   * Inserts a new user at version 1 with no methods, no enrollment and createdAt = updatedAt = now.
   * Throws DuplicateKeyError when the id or the UPN (case-insensitively) is taken.
   */
  create(user: NewUser, now: number): Promise<User>;
  /**
   * Saves `user` in place of the stored one only if the stored version equals `user.version`; the saved copy
   * has version + 1 and is returned. Returns null when the version did not match or the user is gone (a lost
   * race): the caller reloads and tries again. A single-document atomic write.
   */
  replace(user: User): Promise<User | null>;
}

export interface ChallengeRepository {
  /** Inserts a challenge (version must be 1). Throws DuplicateKeyError on an existing id. */
  create(challenge: Challenge): Promise<Challenge>;
  get(id: string): Promise<Challenge | null>;
  /** Same contract as UserRepository.replace: compare-and-set on version, null on a lost race. */
  replace(challenge: Challenge): Promise<Challenge | null>;
  /** The user's challenges with status 'pending' and expiresAt > now, newest first. */
  findPendingByUser(userId: string, now: number): Promise<Challenge[]>;
  /** Pending, unexpired challenges whose target is this phone number, newest first. */
  findPendingByTarget(target: string, now: number): Promise<Challenge[]>;
  /** The user's most recent challenges, newest first, at most `limit`. */
  listRecentByUser(userId: string, limit: number): Promise<Challenge[]>;
}

export interface AuditEntry extends AuditDraft {
  readonly id: string;
  readonly at: number;
}

/** Append-only: entries are never changed or removed through this interface. */
export interface AuditLog {
  append(entry: AuditDraft, now: number): Promise<AuditEntry>;
  /** The user's entries, newest first, at most `limit`. */
  listForUser(userId: string, limit: number): Promise<AuditEntry[]>;
}

/** Where to reach a person proactively in a channel; for Teams a serialised botbuilder ConversationReference. */
export interface ConversationRefRecord {
  readonly userId: string;
  readonly channel: 'teams';
  /** Opaque to the store: JSON text the channel wrote. */
  readonly reference: string;
  readonly updatedAt: number;
}

export interface ConversationRefRepository {
  /** Saves the reference for (userId, channel), replacing any earlier one: the newest conversation wins. */
  save(record: ConversationRefRecord): Promise<void>;
  get(userId: string, channel: ConversationRefRecord['channel']): Promise<ConversationRefRecord | null>;
}

/** Everything the core needs from a store, plus its lifecycle. */
export interface Stores {
  readonly kind: 'memory' | 'mongodb';
  readonly users: UserRepository;
  readonly challenges: ChallengeRepository;
  readonly audit: AuditLog;
  readonly conversations: ConversationRefRepository;
  /** Resolves when the store answers; rejects with StoreUnavailableError otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
