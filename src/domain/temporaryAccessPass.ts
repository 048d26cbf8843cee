// A help-desk Temporary Access Pass as stored: only a keyed hash of the passcode, never the passcode itself.
export interface TemporaryAccessPass {
  readonly id: string;
  readonly userId: string;
  readonly issuedBy: string;
  readonly passcodeHash: string;
  readonly oneTime: boolean;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly usedAt: number | null;
  readonly revokedAt: number | null;
}

/** A pass the person could still sign in with: not revoked, not expired, and not a one-time pass already used. */
export function isPassUsable(pass: TemporaryAccessPass | null, now: number): boolean {
  return pass !== null && pass.revokedAt === null && now < pass.expiresAt && !(pass.oneTime && pass.usedAt !== null);
}
