// The stored record of adding one method (which step it is at, where its code went, why a delivery failed): plain
// data kept inside the user record, so it belongs to the domain; the machine's events live in src/enrollment.
import type { PhoneKind } from './methodKinds';
import type { Channel, SealedSecret } from './user';

export type PhoneDelivery = 'sms' | 'voice';
export type CodeDelivery = PhoneDelivery | 'email';

/** How a phone of this kind may be checked, the first being the default: an office (desk) phone is called only. */
export function phoneDeliveries(kind: PhoneKind): readonly PhoneDelivery[] {
  return kind === 'officePhone' ? ['voice'] : ['sms', 'voice'];
}

/** Why a text or call did not reach the person; each is a locale key under `delivery.failed.*`. */
export const DELIVERY_FAILURES = [
  'busy',
  'noAnswer',
  'failed',
  'canceled',
  'voicemail',
  'notConfirmed',
  'invalidNumber',
  'optedOut',
  'regionNotAllowed',
  'unreachable',
  'carrierFiltered',
  'landline',
  'rateLimited',
  'unavailable',
] as const;
export type DeliveryFailure = (typeof DELIVERY_FAILURES)[number];

export interface PhoneTarget {
  readonly type: 'phone';
  readonly number: string;
  readonly extension: string | null;
}
export interface EmailTarget {
  readonly type: 'email';
  readonly address: string;
}
export type ChallengeTarget = PhoneTarget | EmailTarget;

export type EnrollmentStep =
  | { readonly name: 'choosingMethod' }
  | { readonly name: 'enteringPhone'; readonly kind: PhoneKind }
  | { readonly name: 'enteringEmail' }
  | { readonly name: 'answeringQuestions' }
  | { readonly name: 'securityKeyOnWeb' }
  | {
      readonly name: 'scanningApp';
      readonly secret: SealedSecret;
      readonly attempts: number;
    }
  | {
      readonly name: 'codeSent';
      readonly kind: PhoneKind | 'email';
      readonly target: ChallengeTarget;
      readonly delivery: CodeDelivery;
      /** Keyed hash of the code; null for a press-# call, which needs no code. */
      readonly codeHash: string | null;
      /** The code sealed for a call that reads it aloud; null otherwise. */
      readonly sealedCode: SealedSecret | null;
      readonly attempts: number;
      readonly sentAt: number;
      readonly expiresAt: number;
      readonly resendAvailableAt: number;
      /** Which send of the enrollment this code or call is (Enrollment.sends when it went out); callbacks carry it. */
      readonly send?: number;
      /**
       * The provider's call or message id: only on steps saved before sends were numbered, which matched their
       * callbacks on it. New steps leave it out (recording it took a second save after every send).
       */
      readonly deliveryRef?: string | null;
      readonly deliveryFailure: DeliveryFailure | null;
    }
  | { readonly name: 'verified'; readonly methodId: string; readonly at: number }
  | { readonly name: 'failed'; readonly reason: 'deniedByPhone' | 'tooManyAttempts' }
  | { readonly name: 'expired'; readonly previous: EnrollmentStep & { name: 'codeSent' } }
  | { readonly name: 'locked'; readonly until: number; readonly previous: EnrollmentStep & { name: 'codeSent' | 'scanningApp' } }
  | { readonly name: 'cancelled' };

export type EnrollmentStepName = EnrollmentStep['name'];

/**
 * The step an expired or locked step stands in front of (the code step whose code ran out, the step locked after
 * too many tries); any other step is itself. What a person is shown and answers is always this step.
 */
export function stepBehind(step: EnrollmentStep): Exclude<EnrollmentStep, { name: 'expired' | 'locked' }> {
  return step.name === 'expired' || step.name === 'locked' ? step.previous : step;
}

export type EnrollmentPurpose = 'register' | 'add' | 'replace';

export interface Enrollment {
  readonly id: string;
  readonly purpose: EnrollmentPurpose;
  /** For purpose 'replace': the phone method the new number replaces once verified. */
  readonly replacesMethodId: string | null;
  /** The channel the person started from; others report back to it. */
  readonly channel: Channel;
  readonly step: EnrollmentStep;
  readonly startedAt: number;
  readonly updatedAt: number;
  /** No new code may go out before this, even after "back" and the same number or address again. */
  readonly nextSendAt?: number | null;
  /** How many codes or calls this enrollment has sent; the next is number sends + 1. Absent: none yet. */
  readonly sends?: number;
}

/**
 * Whether a callback is about this code step's send: `send` is the number its URL carries (absent on URLs from
 * before sends were numbered), `ref` the provider's call or message id. A step from before then is matched on
 * the id it stored, as it was; a numbered step only by its number, so a report for an older text or call after a
 * resend, or one from before the upgrade, changes nothing.
 */
export function isSameSend(step: Extract<EnrollmentStep, { name: 'codeSent' }>, send: number | undefined, ref: string | undefined): boolean {
  if (step.send !== undefined) return send === step.send;
  return ref === undefined || step.deliveryRef == null || ref === step.deliveryRef;
}
