// The enrollment state machine's vocabulary: the stored state of adding one method, the events that move it,
// and the effects it asks the service to carry out. Plain data only, so any store can keep it.
import type { MethodKind, PhoneKind } from '../domain/methodKinds';
import type { Channel, SealedSecret } from '../domain/user';
import type { Effect, Reply } from '../domain/effects';

export type PhoneDelivery = 'sms' | 'voice';
export type CodeDelivery = PhoneDelivery | 'email';

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
      /** The Twilio call or message id, once known, so status callbacks find this enrollment. */
      readonly deliveryRef: string | null;
      readonly deliveryFailure: DeliveryFailure | null;
    }
  | { readonly name: 'verified'; readonly methodId: string; readonly at: number }
  | { readonly name: 'failed'; readonly reason: 'deniedByPhone' | 'tooManyAttempts' }
  | { readonly name: 'expired'; readonly previous: EnrollmentStep & { name: 'codeSent' } }
  | { readonly name: 'locked'; readonly until: number; readonly previous: EnrollmentStep & { name: 'codeSent' | 'scanningApp' } }
  | { readonly name: 'cancelled' };

export type EnrollmentStepName = EnrollmentStep['name'];

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
}

export interface SecurityAnswerInput {
  readonly questionId: string;
  readonly answer: string;
}

export type EnrollmentEvent =
  | { readonly type: 'start'; readonly purpose: EnrollmentPurpose; readonly replacesMethodId?: string; readonly kind?: MethodKind }
  | { readonly type: 'chooseMethod'; readonly kind: MethodKind }
  | { readonly type: 'submitPhone'; readonly number: string; readonly extension?: string; readonly delivery: PhoneDelivery }
  | { readonly type: 'submitEmail'; readonly address: string }
  | { readonly type: 'submitAnswers'; readonly answers: readonly SecurityAnswerInput[] }
  | { readonly type: 'submitCode'; readonly code: string }
  /** A key pressed on an enrollment call: '#' confirms, '0' says "this wasn't me". */
  | { readonly type: 'callKeyPressed'; readonly key: string; readonly callRef: string }
  | { readonly type: 'deliveryAccepted'; readonly deliveryRef: string }
  | { readonly type: 'deliveryFailed'; readonly reason: DeliveryFailure; readonly deliveryRef?: string }
  | { readonly type: 'resend'; readonly delivery?: PhoneDelivery }
  | { readonly type: 'back' }
  | { readonly type: 'differentMethod' }
  | { readonly type: 'cancel' }
  /** Nothing changes: the current step's prompt is said again (e.g. the QR code after a restart). */
  | { readonly type: 'showStep' };

export type EnrollmentEventType = EnrollmentEvent['type'];

export interface EnrollmentResult<S> {
  readonly state: S;
  readonly replies: readonly Reply[];
  readonly effects: readonly Effect[];
}
