// How the organisation's configuration reads for issuing reset links: which verifications count towards a reset
// (the method-usage table) and the limits on links. A link journey (SMS RESET, Teams) proves one method and says
// nothing of how many are needed: the web page the link opens counts that proof and asks for the rest per
// requiredVerifications (default, domain and directory-group rules; src/app/resetRules.ts).
import type { OrgConfig } from '../config/orgConfigSchema';
import type { MethodKind } from '../domain/methodKinds';
import type { ResetProof } from '../ports/resetLinks';
import type { SecurityMethod, User } from '../domain/user';

export interface ResetLinkLimits {
  /** Links issued per person per window. */
  readonly perPerson: number;
  /** Links issued per phone number per window (SMS RESET). */
  readonly perPhone: number;
  readonly windowMs: number;
}

export interface ResetLinkPolicy {
  /** Whether a method of this kind counts as a reset method (the usage table's passwordReset column). */
  counts(kind: MethodKind): boolean;
  /** The person's methods that can receive a texted code and count for reset. */
  textableResetPhones(user: Pick<User, 'methods'>): Array<Extract<SecurityMethod, { kind: 'mobilePhone' | 'alternatePhone' }>>;
  readonly lifetimeMs: number;
  readonly limits: ResetLinkLimits;
}

/** Links live 15 minutes (issue 12) and are single-use. */
export const RESET_LINK_LIFETIME_MS = 15 * 60_000;
/** Enough for a person who mistyped twice; an attacker holding a phone gets no more than this. */
export const DEFAULT_RESET_LINK_LIMITS: ResetLinkLimits = { perPerson: 3, perPhone: 3, windowMs: 60 * 60_000 };

/** The proof a verified method kind gives (an office phone answers calls only; a security key is not a reset proof here). */
export function proofOfMethod(kind: MethodKind, how: 'text' | 'call'): ResetProof | null {
  switch (kind) {
    case 'authenticatorApp':
      return 'app';
    case 'mobilePhone':
    case 'alternatePhone':
      return how === 'text' ? 'sms' : 'voice';
    case 'officePhone':
      return 'voice';
    case 'email':
      return 'email';
    case 'securityQuestions':
      return 'questions';
    case 'securityKey':
      return null;
  }
}

export function resetLinkPolicyFrom(org: Pick<OrgConfig, 'methods'>, limits: ResetLinkLimits = DEFAULT_RESET_LINK_LIMITS): ResetLinkPolicy {
  const counts = (kind: MethodKind): boolean => org.methods.usage[kind].passwordReset;
  return {
    counts,
    textableResetPhones: (user) =>
      user.methods.filter((m): m is Extract<SecurityMethod, { kind: 'mobilePhone' | 'alternatePhone' }> => (m.kind === 'mobilePhone' || m.kind === 'alternatePhone') && counts(m.kind)),
    lifetimeMs: RESET_LINK_LIFETIME_MS,
    limits,
  };
}
