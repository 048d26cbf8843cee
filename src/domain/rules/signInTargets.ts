// Which of a person's methods may answer a sign-in challenge, and where each challenge method is sent: the one
// rule the API's sign-in request and the Entra sign-in share.
import type { ChallengeMethod } from '../challenge';
import type { MethodUsageMatrix } from '../methodKinds';
import { isPhoneKind } from '../methodKinds';
import type { SecurityMethod, User } from '../user';

/** Where a challenge goes: a phone number (with an office extension), an app's method id, or nowhere (Teams, pass). */
export interface ChallengeTarget {
  readonly target: string | null;
  readonly extension: string | null;
}

/** Whether the person can be reached in Teams and holds a usable temporary access pass (read by the caller). */
export interface OtherWays {
  readonly teams: boolean;
  readonly pass: boolean;
}

/** Only methods that count for MFA may answer a sign-in challenge. */
export function signInMethods(user: Pick<User, 'methods'>, usage: MethodUsageMatrix): SecurityMethod[] {
  return user.methods.filter((m) => usage[m.kind].mfa);
}

/**
 * The challenge methods one registered method can answer: an app by its code, a phone by a text (not a desk phone)
 * and by a call. Teams approval and temporary passes are not registered methods (see OtherWays).
 */
export function challengeMethodsOf(method: SecurityMethod): ChallengeMethod[] {
  if (method.kind === 'authenticatorApp') return ['app'];
  if (isPhoneKind(method.kind) && 'number' in method) return method.kind === 'officePhone' ? ['voice'] : ['sms', 'voice'];
  return [];
}

/** The target of a challenge by this method, the default method preferred; null when the person has no such way. */
export function challengeTarget(user: Pick<User, 'methods' | 'defaultMethodId'>, usage: MethodUsageMatrix, method: ChallengeMethod, other: OtherWays): ChallengeTarget | null {
  switch (method) {
    case 'teams':
      return other.teams ? { target: null, extension: null } : null;
    case 'tap':
      return other.pass ? { target: null, extension: null } : null;
    default: {
      const able = signInMethods(user, usage).filter((m) => challengeMethodsOf(m).includes(method));
      const chosen = able.find((m) => m.id === user.defaultMethodId) ?? able[0];
      if (!chosen) return null;
      if (chosen.kind === 'authenticatorApp') return { target: chosen.id, extension: null };
      if (!('number' in chosen)) return null;
      return { target: chosen.number, extension: method === 'voice' && chosen.kind === 'officePhone' ? chosen.extension : null };
    }
  }
}
