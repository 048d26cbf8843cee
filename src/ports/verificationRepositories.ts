// Storage contracts for sign-in verification beyond challenges: the relying systems (API clients), help-desk
// Temporary Access Passes, and help-desk unlocks. Memory and MongoDB adapters; one conformance suite.
import type { ApiClient } from '../domain/apiClient';
import type { TemporaryAccessPass } from '../domain/temporaryAccessPass';

export interface ApiClientRepository {
  /** Inserts a client; throws DuplicateKeyError('id') when the id exists. */
  create(client: ApiClient): Promise<void>;
  get(id: string): Promise<ApiClient | null>;
  /** All clients, oldest first. */
  list(): Promise<ApiClient[]>;
  /** Marks the client revoked at `now`; false when there is no such client or it was already revoked. */
  revoke(id: string, now: number): Promise<boolean>;
}

export interface TemporaryPassRepository {
  /** Stores the person's pass, replacing any earlier one: a person has at most one. */
  put(pass: TemporaryAccessPass): Promise<void>;
  getForUser(userId: string): Promise<TemporaryAccessPass | null>;
  /**
   * Records one use of the pass. Resolves true for exactly one of any number of concurrent callers with the
   * same pass id, false for the others and for a pass that is no longer the person's current one.
   */
  markUsed(userId: string, passId: string, now: number): Promise<boolean>;
  /** Revokes the person's current pass; false when there is none or it is already revoked. */
  revoke(userId: string, now: number): Promise<boolean>;
}

export interface VerificationUnlockRepository {
  /** Records that the help desk unlocked the person's verifications at `now` (forgiving earlier failures). */
  unlock(userId: string, by: string, now: number): Promise<void>;
  /** When the person was last unlocked, or null. */
  lastUnlock(userId: string): Promise<number | null>;
}

export interface VerificationStores {
  readonly apiClients: ApiClientRepository;
  readonly passes: TemporaryPassRepository;
  readonly unlocks: VerificationUnlockRepository;
}
