// The kinds of security-info method Signet knows, and what each may be used for by default.

export const METHOD_KINDS = [
  'authenticatorApp',
  'mobilePhone',
  'alternatePhone',
  'officePhone',
  'email',
  'securityQuestions',
  'securityKey',
] as const;

export type MethodKind = (typeof METHOD_KINDS)[number];

export type PhoneKind = 'mobilePhone' | 'alternatePhone' | 'officePhone';
export const PHONE_KINDS: readonly PhoneKind[] = ['mobilePhone', 'alternatePhone', 'officePhone'];

export function isPhoneKind(kind: MethodKind): kind is PhoneKind {
  return (PHONE_KINDS as readonly string[]).includes(kind);
}

export function isMethodKind(value: unknown): value is MethodKind {
  return typeof value === 'string' && (METHOD_KINDS as readonly string[]).includes(value);
}

/** Whether a method counts as a second factor at sign-in (mfa) and/or for self-service password reset. */
export interface MethodUsage {
  readonly mfa: boolean;
  readonly passwordReset: boolean;
}

export type MethodUsageMatrix = Readonly<Record<MethodKind, MethodUsage>>;

/** The usage table from the guides: email and security questions are for password reset only. */
export const DEFAULT_METHOD_USAGE: MethodUsageMatrix = {
  authenticatorApp: { mfa: true, passwordReset: true },
  mobilePhone: { mfa: true, passwordReset: true },
  alternatePhone: { mfa: true, passwordReset: true },
  officePhone: { mfa: true, passwordReset: true },
  email: { mfa: false, passwordReset: true },
  securityQuestions: { mfa: false, passwordReset: true },
  securityKey: { mfa: true, passwordReset: true },
};

/** Methods whose use the registration policy says may never be MFA (reset-only by nature). */
export const RESET_ONLY_KINDS: readonly MethodKind[] = ['email', 'securityQuestions'];
