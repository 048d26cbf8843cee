// What a person's registered methods are good for, by the organisation's usage table: which sign them in, which
// only reset a password, and whether they have enough ways to reset it themselves. Read by the registration
// summary so that a channel never re-decides what a method is for.
import type { MethodKind, MethodUsageMatrix } from '../methodKinds';
import type { SecurityMethod } from '../user';

/**
 * How many reset-capable methods a person should hold to reset their password without the help desk. Two, the
 * strictest reset policy the organisation may set (staff): the reminder must not say "enough" to someone the
 * reset journey would then turn away.
 */
export const RESET_METHODS_NEEDED = 2;

export interface MethodUses {
  /** Kinds that sign the person in (count for MFA), each once, in registration order. */
  readonly signIn: readonly MethodKind[];
  /** Kinds that only reset a password (never sign in). */
  readonly resetOnly: readonly MethodKind[];
  /** Kinds that can reset a password (sign-in methods included). */
  readonly reset: readonly MethodKind[];
  /** Reset-capable methods still missing to reach `needed` (0 when there are enough). */
  readonly resetMissing: number;
}

export function methodUses(usage: MethodUsageMatrix, methods: readonly Pick<SecurityMethod, 'kind'>[], needed: number = RESET_METHODS_NEEDED): MethodUses {
  const kinds = [...new Set(methods.map((m) => m.kind))];
  const resetCount = methods.filter((m) => usage[m.kind].passwordReset).length;
  return {
    signIn: kinds.filter((k) => usage[k].mfa),
    resetOnly: kinds.filter((k) => !usage[k].mfa && usage[k].passwordReset),
    reset: kinds.filter((k) => usage[k].passwordReset),
    resetMissing: Math.max(0, needed - resetCount),
  };
}

/** Reset-capable kinds the person could still add, among `choosable` (what registration would offer now). */
export function resetKindsToAdd(usage: MethodUsageMatrix, choosable: readonly MethodKind[]): MethodKind[] {
  return choosable.filter((k) => usage[k].passwordReset);
}
