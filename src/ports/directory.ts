// The directory that holds people's accounts (OpenLDAP, Active Directory, Entra ID through Graph, or memory):
// find a person, set their password, unlock them. Every refusal comes back as a typed value the edge turns into
// words (directoryRefusalKeys.ts); only a misconfiguration (wrong service credentials) is thrown.

/** How a person is looked up: the Teams roster gives the UPN, a linked record the object id, a person types mail/uid. */
export type DirectoryLookupKind = 'upn' | 'mail' | 'uid' | 'objectId';

export interface DirectoryLookup {
  readonly by: DirectoryLookupKind;
  readonly value: string;
}

export interface DirectoryEntry {
  /** The directory's stable object id (OpenLDAP entryUUID, AD objectGUID, Entra object id). */
  readonly id: string;
  readonly upn: string | undefined;
  readonly displayName: string;
  readonly mail: string | undefined;
  /** Locked out after failed sign-ins (unlock clears it). */
  readonly locked: boolean;
  /** False when an administrator disabled the account: nothing here may change it. */
  readonly enabled: boolean;
  /** Group names, where the adapter reads them (the reset policy may ask more of some groups); absent: none known. */
  readonly groups?: readonly string[];
}

export const DIRECTORY_REFUSAL_KINDS = [
  'tooShort',
  'tooWeak',
  'inHistory',
  'tooYoung',
  'accountDisabled',
  'notFound',
  'unavailable',
] as const;

export type DirectoryRefusalKind = (typeof DIRECTORY_REFUSAL_KINDS)[number];

export interface DirectoryRefusal {
  readonly kind: DirectoryRefusalKind;
  /** tooShort: the directory's minimum length, when it says. */
  readonly minLength?: number;
  /** unavailable: how long the directory asked us to wait (Graph's Retry-After), when it says. */
  readonly retryAfterSeconds?: number;
}

export type DirectoryResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly refusal: DirectoryRefusal };

export interface Directory {
  /** One entry, or notFound (also when the value matches several entries: never a guess), or unavailable. */
  find(lookup: DirectoryLookup): Promise<DirectoryResult<DirectoryEntry>>;
  /** Sets a new password for the entry with this object id, as an administrator reset (no old password). */
  setPassword(id: string, newPassword: string): Promise<DirectoryResult<void>>;
  /** Clears a lockout; the password is unchanged. Unlocking an entry that is not locked succeeds. */
  unlock(id: string): Promise<DirectoryResult<void>>;
  /** Called at start: throws DirectoryConfigurationError when the service credentials or base are wrong. */
  verifyConfiguration(): Promise<void>;
  close(): Promise<void>;
}

/** The directory refused our own credentials or settings: an operator must fix the configuration. */
export class DirectoryConfigurationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DirectoryConfigurationError';
  }
}

export const directoryOk = <T>(value: T): DirectoryResult<T> => ({ ok: true, value });
export const directoryOkVoid: DirectoryResult<void> = { ok: true, value: undefined };
export const directoryRefused = <T = never>(kind: DirectoryRefusalKind, extra: Omit<DirectoryRefusal, 'kind'> = {}): DirectoryResult<T> => ({
  ok: false,
  refusal: { kind, ...extra },
});
