// Self-service password reset sessions and their storage contract: whom a reset is for (null when the name matched
// nobody — the pages go on the same), the verifications done, the one under way. Memory and MongoDB adapters; one
// conformance suite (test/stores/resetSessions.test.ts).
import type { ResetLinkGrant, ResetProof, ResetPurpose } from './resetLinks';

/** The verification under way: a challenge of the verification core, or an email code / questions checked here. */
export interface ResetStep {
  readonly method: ResetProof;
  /** The verification core's challenge (texted code, call, app code, Teams approval); null for email and questions. */
  readonly challengeId: string | null;
  /** Email code: its keyed hash (bound to the session id); null otherwise. */
  readonly codeHash: string | null;
  /** Security questions: the ids asked, in order. */
  readonly questionIds: readonly string[] | null;
  /** Teams approval for a name that reaches nobody: a number shown all the same. */
  readonly numberToMatch: number | null;
  readonly startedAt: number;
  readonly expiresAt: number;
}

export type ResetStatus = 'verifying' | 'locked' | 'done';

export interface ResetSession {
  /** Random; names the session in the browser's URLs (with the browser binding, never alone). */
  readonly id: string;
  /** SHA-256 of the browser's binding cookie (the session token): only that browser may go on. */
  readonly browserHash: string;
  /** The Signet person, or null when the name matched no one (or not one person in both Signet and the directory). */
  readonly userId: string | null;
  /** HMAC of the name typed (or the person's UPN): keys the per-name answer limit and picks the questions asked. */
  readonly nameDigest: string;
  /** The directory entry's object id, or null as above. */
  readonly directoryId: string | null;
  readonly purpose: ResetPurpose;
  readonly locale: string;
  /** How many distinct verifications the policy asks of this person (1 or 2). */
  readonly required: number;
  readonly proofs: readonly ResetProof[];
  /** Set when the session was started from a single-use link (SMS or Teams). */
  readonly linkVia: ResetLinkGrant['issuedVia'] | null;
  readonly step: ResetStep | null;
  /** Wrong answers in this session. */
  readonly failures: number;
  readonly status: ResetStatus;
  /** Where the reset was asked from (audit and rate limits). */
  readonly ip: string | null;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly version: number;
}

export interface ResetSessionRepository {
  /** Inserts a session at version 1; throws DuplicateKeyError('id') when the id exists. */
  create(session: ResetSession): Promise<void>;
  get(id: string): Promise<ResetSession | null>;
  /** Saves a change if the stored version is `session.version - 1`; false when another write came first. */
  replace(session: ResetSession): Promise<boolean>;
  /**
   * Records that the session changed the password or unlocked the account: true for exactly one of any number of
   * concurrent callers (a unique-key insert), so a session is used once even where updates are read-then-write.
   */
  markUsed(id: string, at: number): Promise<boolean>;
}
