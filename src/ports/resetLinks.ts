// Single-use password-reset links: what a link proves and who it is for, kept under the hash of its token. Issued
// by the SMS (RESET) and Teams journeys after they verified the person; taken once by the web reset journey.
// The token itself is never stored; a taken or expired link is gone for good.

/** The verification a link stands for, counted by the web journey against the reset policy. */
export type ResetProof = 'sms' | 'voice' | 'app' | 'email' | 'questions' | 'teams';

/** What the person may do with the link: change the password, or only unlock the account. */
export type ResetPurpose = 'reset' | 'unlock';

export interface ResetLinkGrant {
  readonly userId: string;
  readonly purpose: ResetPurpose;
  /** The verifications already done before the link was issued (e.g. ['sms'] for a RESET texted from the person's mobile). */
  readonly proofs: readonly ResetProof[];
  /** The channel that issued it, for the audit trail. */
  readonly issuedVia: 'sms' | 'teams';
  readonly issuedAt: number;
  readonly expiresAt: number;
}

export interface ResetLinkRepository {
  /** Stores a grant under the hash of its token; throws DuplicateKeyError('tokenHash') when that hash exists. */
  issue(tokenHash: string, grant: ResetLinkGrant): Promise<void>;
  /**
   * Takes the grant once: exactly one of any number of concurrent callers gets it, every later call gets null.
   * An expired grant (expiresAt <= now) is never returned.
   */
  take(tokenHash: string, now: number): Promise<ResetLinkGrant | null>;
}
