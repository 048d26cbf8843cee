// What comes next in a person's registration, from the organisation's registration policy: the query the Teams
// dialogs ask instead of re-deciding policy ("method N of M", which methods to offer, whether registration goes on,
// which methods may be the default, which changes are risky). Pure: the same policy and record, the same answer.
import type { MethodKind } from '../domain/methodKinds';
import type { User } from '../domain/user';
import { canRemoveMethod, choosableKinds, countsForMfa, meetsPolicy, mfaMethods, type RegistrationPolicy } from '../domain/rules/registrationPolicy';
import { methodUses, resetKindsToAdd, type MethodUses } from '../domain/rules/methodUses';

export interface RegistrationProgress {
  /** Enough methods, at least one of which counts for MFA. */
  readonly meetsPolicy: boolean;
  /** "Method `position` of `required`" while choosing: the next method's position, capped at the requirement. */
  readonly position: number;
  readonly required: number;
  /** The kinds that may be chosen now, in the policy's order (what a method choice offers). */
  readonly choosable: readonly MethodKind[];
  /** Offered kinds that cannot be chosen now (named by the person, the machine explains why not). */
  readonly notYet: readonly MethodKind[];
  /** A registration whose method was just verified goes on to the next method (the policy is not met yet). */
  readonly continuesRegistration: boolean;
  /** The methods (ids) that may be made the default sign-in method: they count for MFA and are not it already. */
  readonly defaultCandidates: readonly string[];
  /** Changing a phone number is risky: no other sign-in method would be left while the new number is checked. */
  readonly changeIsRisky: boolean;
  /** What the registered methods are for by the usage table (the closing summary says it). */
  readonly uses: MethodUses;
  /** Reset-capable kinds that could still be added (named when there are not enough to reset a password). */
  readonly resetToAdd: readonly MethodKind[];
  /** The methods (ids) that may be removed: not the last sign-in method (asked before any "Remove …?" question). */
  readonly removable: readonly string[];
}

export type ProgressOf = (user: Pick<User, 'methods' | 'defaultMethodId' | 'enrollment'>) => RegistrationProgress;

/** The query bound to one organisation's policy, as the channels are given it. */
export function registrationProgressOf(policy: RegistrationPolicy): ProgressOf {
  return (user) => registrationProgress(policy, user);
}

export function registrationProgress(policy: RegistrationPolicy, user: Pick<User, 'methods' | 'defaultMethodId' | 'enrollment'>): RegistrationProgress {
  const choosable = choosableKinds(policy, user);
  const met = meetsPolicy(policy, user);
  return {
    meetsPolicy: met,
    position: Math.min(user.methods.length + 1, policy.required),
    required: policy.required,
    choosable,
    notYet: policy.offered.filter((k) => !choosable.includes(k)),
    continuesRegistration: user.enrollment?.purpose === 'register' && !met,
    defaultCandidates: user.methods.filter((m) => countsForMfa(policy, m.kind) && m.id !== user.defaultMethodId).map((m) => m.id),
    changeIsRisky: mfaMethods(policy, user.methods).length <= 1,
    uses: methodUses(policy.usage, user.methods),
    resetToAdd: resetKindsToAdd(policy.usage, choosable),
    removable: user.methods.filter((m) => canRemoveMethod(policy, user, m.id) === null).map((m) => m.id),
  };
}
