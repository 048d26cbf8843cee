// The registration policy as plain functions: how many methods, which may come first, which count for MFA,
// what may be removed, and which may be the default sign-in method.
import type { MethodKind, MethodUsageMatrix } from '../methodKinds';
import type { SecurityMethod, User } from '../user';

export interface RegistrationPolicy {
  readonly required: number;
  readonly firstMethodKinds: readonly MethodKind[];
  readonly offered: readonly MethodKind[];
  readonly usage: MethodUsageMatrix;
}

export const countsForMfa = (policy: RegistrationPolicy, kind: MethodKind): boolean => policy.usage[kind].mfa;

export function mfaMethods(policy: RegistrationPolicy, methods: readonly SecurityMethod[]): SecurityMethod[] {
  return methods.filter((m) => countsForMfa(policy, m.kind));
}

export type ChooseProblem = 'notOffered' | 'mustStartWithAppOrPhone' | 'alreadyRegistered';

/**
 * Whether a person may start adding a method of this kind now. The first method must be one the policy allows
 * first (the app or a phone); single-instance kinds can't be added twice (a phone is changed, not duplicated).
 */
export function canChooseMethod(policy: RegistrationPolicy, user: Pick<User, 'methods'>, kind: MethodKind): ChooseProblem | null {
  if (!policy.offered.includes(kind)) return 'notOffered';
  if (mfaMethods(policy, user.methods).length === 0 && !policy.firstMethodKinds.includes(kind)) return 'mustStartWithAppOrPhone';
  if (kind !== 'securityKey' && user.methods.some((m) => m.kind === kind)) return 'alreadyRegistered';
  return null;
}

/** The kinds offered at this point of registration, in the policy's order. */
export function choosableKinds(policy: RegistrationPolicy, user: Pick<User, 'methods'>): MethodKind[] {
  return policy.offered.filter((k) => canChooseMethod(policy, user, k) === null);
}

export type RemoveProblem = 'notFound' | 'lastMfaMethod';

/** A person can never remove their last MFA method: they would be locked out of signing in. */
export function canRemoveMethod(policy: RegistrationPolicy, user: Pick<User, 'methods'>, methodId: string): RemoveProblem | null {
  const method = user.methods.find((m) => m.id === methodId);
  if (!method) return 'notFound';
  if (countsForMfa(policy, method.kind) && mfaMethods(policy, user.methods).length === 1) return 'lastMfaMethod';
  return null;
}

export type DefaultProblem = 'notFound' | 'notMfa';

export function canBeDefault(policy: RegistrationPolicy, user: Pick<User, 'methods'>, methodId: string): DefaultProblem | null {
  const method = user.methods.find((m) => m.id === methodId);
  if (!method) return 'notFound';
  return countsForMfa(policy, method.kind) ? null : 'notMfa';
}

/** Meets the policy: enough methods, at least one of which counts for MFA. */
export function meetsPolicy(policy: RegistrationPolicy, user: Pick<User, 'methods'>): boolean {
  return user.methods.length >= policy.required && mfaMethods(policy, user.methods).length > 0;
}

/** After a method is removed: keep the default if it survives, else the first remaining MFA method. */
export function defaultAfterRemoval(policy: RegistrationPolicy, user: Pick<User, 'methods' | 'defaultMethodId'>, removedId: string): string | null {
  if (user.defaultMethodId !== removedId) return user.defaultMethodId;
  return mfaMethods(policy, user.methods.filter((m) => m.id !== removedId))[0]?.id ?? null;
}
