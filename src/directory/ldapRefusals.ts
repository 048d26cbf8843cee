// What an LDAP server's refusal of a new password means for the person: OpenLDAP's ppolicy (its response control
// when sent, else its well-known texts) and Active Directory (the Win32 code inside the diagnostic message).
// undefined: not a refusal of the password but a fault, which the adapter reports as unavailable.
import type { DirectoryRefusal } from '../ports/directory';
import type { PpolicyError } from './passwordPolicyControl';

const CONSTRAINT_VIOLATION = 19;
const NO_SUCH_OBJECT = 32;

const BY_PPOLICY: Partial<Record<PpolicyError, DirectoryRefusal>> = {
  passwordTooShort: { kind: 'tooShort' },
  insufficientPasswordQuality: { kind: 'tooWeak' },
  passwordInHistory: { kind: 'inHistory' },
  passwordTooYoung: { kind: 'tooYoung' },
};

// ppolicy's own diagnostic texts (servers/slapd/overlays/ppolicy.c), for servers that send no control.
const BY_TEXT: ReadonlyArray<[string, DirectoryRefusal]> = [
  ['password is in history', { kind: 'inHistory' }],
  ['password is not being changed from existing value', { kind: 'inHistory' }],
  ['password is too young', { kind: 'tooYoung' }],
  ['password fails quality checking', { kind: 'tooWeak' }],
];

export function mapOpenLdapPasswordError(code: number, message: string, ppolicy: PpolicyError | undefined): DirectoryRefusal | undefined {
  if (code === NO_SUCH_OBJECT) return { kind: 'notFound' };
  // A ppolicy error that is not about the new password (mustSupplyOldPassword, passwordModNotAllowed…) is our
  // fault or the directory's set-up, never the person's: reported as unavailable, not as a weak password.
  if (ppolicy !== undefined) return BY_PPOLICY[ppolicy];
  if (code !== CONSTRAINT_VIOLATION) return undefined;
  const lower = message.toLowerCase();
  return BY_TEXT.find(([text]) => lower.includes(text))?.[1] ?? { kind: 'tooWeak' };
}

// Win32 error codes AD puts at the start of its diagnostic message ("0000052D: Constraint violation - …").
const AD_CODES: ReadonlyArray<[string, DirectoryRefusal]> = [
  ['0000052D', { kind: 'tooWeak' }], // ERROR_PASSWORD_RESTRICTION: length, complexity, history or minimum age
  ['00000533', { kind: 'accountDisabled' }], // ERROR_ACCOUNT_DISABLED
  ['00000525', { kind: 'notFound' }], // ERROR_NO_SUCH_USER
];

export function mapActiveDirectoryError(code: number, message: string): DirectoryRefusal | undefined {
  if (code === NO_SUCH_OBJECT) return { kind: 'notFound' };
  const upper = message.toUpperCase();
  const known = AD_CODES.find(([win32]) => upper.includes(win32))?.[1];
  if (known !== undefined) return known;
  // Any other constraint violation on unicodePwd is the domain's password policy.
  // Anything else (53 "0000001F": the connection is not encrypted or the service account may not reset) is a fault.
  return code === CONSTRAINT_VIOLATION ? { kind: 'tooWeak' } : undefined;
}
