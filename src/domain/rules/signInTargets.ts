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

/** The target of a challenge by this method, the default method preferred; null when the person has no such way. */
export function challengeTarget(user: Pick<User, 'methods' | 'defaultMethodId'>, usage: MethodUsageMatrix, method: ChallengeMethod, other: OtherWays): ChallengeTarget | null {
  const mfa = signInMethods(user, usage);
  const phones = mfa.filter((m): m is Extract<SecurityMethod, { number: string }> => isPhoneKind(m.kind) && 'number' in m);
  const preferDefault = <T extends SecurityMethod>(list: T[]): T | undefined => list.find((m) => m.id === user.defaultMethodId) ?? list[0];
  switch (method) {
    case 'sms': {
      // A desk phone can't receive a text.
      const phone = preferDefault(phones.filter((p) => p.kind !== 'officePhone'));
      return phone ? { target: phone.number, extension: null } : null;
    }
    case 'voice': {
      const phone = preferDefault(phones);
      if (!phone) return null;
      return { target: phone.number, extension: phone.kind === 'officePhone' ? phone.extension : null };
    }
    case 'app': {
      const app = mfa.find((m) => m.kind === 'authenticatorApp');
      return app ? { target: app.id, extension: null } : null;
    }
    case 'teams':
      return other.teams ? { target: null, extension: null } : null;
    case 'tap':
      return other.pass ? { target: null, extension: null } : null;
  }
}
