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
