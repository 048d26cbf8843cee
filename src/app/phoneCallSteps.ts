// What the three call use cases (answerCall, pressKey, recordCallStatus) share: the call's record as stored now,
// failing its attempt, and the script of what the call says next. A script names prompts by attempt number; the
// channel turns that into its own callback address.
import { reply, type Reply } from '../domain/effects';
import { isSameSend, type DeliveryFailure } from '../domain/enrollmentRecord';
import { hashKeyParams } from '../domain/rules/hashKeyName';
import type { SealedSecret, User } from '../domain/user';
import type { Challenge } from '../domain/challenge';
import type { CallbackContext } from '../config/callbackUrls';
import type { EnrollmentService } from '../enrollment/enrollmentService';
import type { VerificationService } from '../verification/verificationService';
import type { Stores } from '../ports/repositories';
import type { Clock } from '../ports/clock';

/** How many times a caller is asked before the call ends (first prompt included). */
export const MAX_PROMPTS = 3;

export type CallStep =
  | { readonly type: 'say'; readonly message: Reply }
  /** Waits for one key after saying `prompt`; the key (or none) comes back as prompt number `attempt`. */
  | { readonly type: 'gather'; readonly attempt: number; readonly prompt: readonly Reply[] }
  | { readonly type: 'hangup' };

export interface CallScript {
  readonly locale: string;
  readonly steps: readonly CallStep[];
  /** True when this script was saved with the record the key changed, where PressKey.recall finds it for a retry. */
  readonly recorded?: boolean;
}

export interface PhoneCallDeps {
  readonly enrollment: Pick<EnrollmentService, 'apply'>;
  readonly verification: Pick<VerificationService, 'apply'>;
  readonly stores: Pick<Stores, 'users' | 'challenges'>;
  readonly organisationName: string;
  readonly clock: Clock;
}

/** What a call is for, as loaded from the store at this moment. */
export interface CallTarget {
  /** The record still waits for this call's answer. */
  readonly waiting: boolean;
  /** A delivery failure was already recorded for the attempt (e.g. voicemail). */
  readonly failed: boolean;
  readonly sealedCode: SealedSecret | null;
  readonly denied: boolean;
  /** The number called (E.164), which names the # key; null when nothing waits. */
  readonly number: string | null;
}

const NOTHING: CallTarget = { waiting: false, failed: false, sealedCode: null, denied: false, number: null };

/**
 * The call's record as stored now. The call is told apart from an earlier or later one by its address (the
 * enrollment's send number, or the challenge id: a challenge places one call); only records saved before sends
 * were numbered also compare the CallSid they stored.
 */
export async function loadCallTarget(deps: PhoneCallDeps, context: CallbackContext, callSid: string): Promise<CallTarget> {
  const { stores, clock } = deps;
  const { purpose } = context;
  if (purpose.kind === 'enrollment') return enrollmentCallTarget(await stores.users.get(purpose.userId), context, callSid, clock.now());
  return challengeCallTarget(await stores.challenges.get(purpose.refId), context, callSid, clock.now());
}

/** What the person's record says about the enrollment call `callSid` at `now` (see loadCallTarget). */
export function enrollmentCallTarget(user: User | null, context: CallbackContext, callSid: string, now: number): CallTarget {
  const { purpose } = context;
  const enrollment = user?.enrollment;
  if (purpose.kind !== 'enrollment' || !enrollment || enrollment.id !== purpose.refId) return NOTHING;
  const step = enrollment.step;
  if (step.name === 'failed') return { ...NOTHING, denied: step.reason === 'deniedByPhone' };
  if (step.name !== 'codeSent') return NOTHING;
  const waiting = step.delivery === 'voice' && isSameSend(step, purpose.send, callSid) && now < step.expiresAt;
  return { waiting, failed: step.deliveryFailure !== null, sealedCode: step.sealedCode, denied: false, number: step.target.type === 'phone' ? step.target.number : null };
}

/** What a sign-in challenge says about its call `callSid` at `now` (see loadCallTarget). */
export function challengeCallTarget(challenge: Challenge | null, context: CallbackContext, callSid: string, now: number): CallTarget {
  const { purpose } = context;
  if (!challenge || challenge.userId !== purpose.userId || challenge.method !== 'voice') return NOTHING;
  const sameCall = challenge.deliveryRef == null || challenge.deliveryRef === callSid;
  const waiting = challenge.status === 'pending' && sameCall && now < challenge.expiresAt;
  return { waiting, failed: false, sealedCode: challenge.sealedCode, denied: challenge.status === 'denied' && challenge.reason === 'deniedByUser', number: challenge.target };
}

/** Ends the call's attempt with `reason` in the machine that placed it. */
export async function failCall(deps: PhoneCallDeps, context: CallbackContext, callSid: string, reason: DeliveryFailure): Promise<void> {
  const { purpose } = context;
  if (purpose.kind === 'enrollment') await deps.enrollment.apply(purpose.userId, { type: 'deliveryFailed', reason, deliveryRef: callSid, send: purpose.send }, { channel: 'voice' });
  else await deps.verification.apply(purpose.refId, { type: 'deliveryFailed', reason }, 'voice');
}

/** The call's first words; a press-# call names the key as the called phone's country does ("pound" on +1). */
export function callIntro(context: CallbackContext, organisationName: string, number: string | null): Reply {
  const org = organisationName;
  if (context.mode === 'readCode') return reply('voice.call.readCodeIntro', { org });
  return reply(context.purpose.kind === 'enrollment' ? 'voice.call.pressKeyIntro.enrollment' : 'voice.call.pressKeyIntro.verification', { org, ...hashKeyParams(number ?? '', 'spoken') });
}

export function callNotExpected(context: CallbackContext): Reply {
  return reply(context.purpose.kind === 'enrollment' ? 'voice.enrollment.notExpected' : 'voice.verification.notExpected');
}

/** Says `said` and asks for a key once more, or says goodbye once the caller has been asked MAX_PROMPTS times. */
export function askAgain(context: CallbackContext, attempt: number, said: readonly Reply[]): CallScript {
  if (attempt >= MAX_PROMPTS) return endCall(context, [reply('voice.call.giveUp')]);
  return askForKey(context, attempt + 1, said);
}

export function askForKey(context: CallbackContext, attempt: number, prompt: readonly Reply[]): CallScript {
  return { locale: context.locale, steps: [{ type: 'gather', attempt, prompt }] };
}

export function endCall(context: CallbackContext, said: readonly Reply[]): CallScript {
  return { locale: context.locale, steps: [...said.map((message): CallStep => ({ type: 'say', message })), { type: 'hangup' }] };
}
