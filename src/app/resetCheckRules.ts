// What the Teams reset journey's verification shares: the ways a person may prove it is them for a reset (their
// methods the usage table counts for password reset and the verification core can challenge), and the client id
// that marks those challenges, so a sign-in approved elsewhere can never be turned into a reset link.
import type { ChallengeMethod } from '../domain/challenge';
import type { SecurityMethod, User } from '../domain/user';
import type { ResetLinkPolicy } from './resetLinkPolicy';

/** The clientId of every challenge started for a reset in Teams. */
export const RESET_CHECK_CLIENT_ID = 'signet:reset';
/** What the texts and calls of those challenges name as the thing being signed in to. */
export const RESET_CHECK_APPLICATION = 'Password reset';

export type ResetCheckMethod = Extract<ChallengeMethod, 'sms' | 'voice' | 'app'>;

export interface ResetCheckOption {
  readonly method: ResetCheckMethod;
  readonly methodId: string;
  /** Where the challenge goes: a phone number, or the app method's id. */
  readonly target: string;
  readonly extension: string | null;
  /** The phone number's last digits, to tell the person which phone; null for the app. */
  readonly hint: string | null;
}

/** One option per way, the default method preferred: text a code, call, authenticator code. */
export function resetCheckOptions(user: Pick<User, 'methods' | 'defaultMethodId'>, policy: ResetLinkPolicy): ResetCheckOption[] {
  const counting = user.methods.filter((m) => policy.counts(m.kind));
  const preferDefault = <T extends SecurityMethod>(list: T[]): T | undefined => list.find((m) => m.id === user.defaultMethodId) ?? list[0];
  const options: ResetCheckOption[] = [];
  const textable = preferDefault(counting.filter((m): m is Extract<SecurityMethod, { kind: 'mobilePhone' | 'alternatePhone' }> => m.kind === 'mobilePhone' || m.kind === 'alternatePhone'));
  if (textable) options.push({ method: 'sms', methodId: textable.id, target: textable.number, extension: null, hint: textable.number.slice(-2) });
  const callable = preferDefault(counting.filter((m): m is Extract<SecurityMethod, { number: string }> => m.kind === 'mobilePhone' || m.kind === 'alternatePhone' || m.kind === 'officePhone'));
  if (callable) options.push({ method: 'voice', methodId: callable.id, target: callable.number, extension: callable.kind === 'officePhone' ? callable.extension : null, hint: callable.number.slice(-2) });
  const app = counting.find((m) => m.kind === 'authenticatorApp');
  if (app) options.push({ method: 'app', methodId: app.id, target: app.id, extension: null, hint: null });
  return options;
}
