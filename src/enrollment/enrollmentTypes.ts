// The enrollment state machine's vocabulary: the events that move it and what a transition returns. The stored
// state itself is src/domain/enrollmentRecord.ts, re-exported here for the machine's callers. Plain data only.
import type { MethodKind } from '../domain/methodKinds';
import type { Effect, Reply } from '../domain/effects';
import type { DeliveryFailure, EnrollmentPurpose, PhoneDelivery } from '../domain/enrollmentRecord';

export {
  DELIVERY_FAILURES,
  type ChallengeTarget,
  type CodeDelivery,
  type DeliveryFailure,
  type EmailTarget,
  type Enrollment,
  type EnrollmentPurpose,
  type EnrollmentStep,
  type EnrollmentStepName,
  type PhoneDelivery,
  type PhoneTarget,
} from '../domain/enrollmentRecord';

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
  /**
   * A key pressed on an enrollment call: '#' confirms, '0' says "this wasn't me". `send`: the call's send number
   * (from its URL; see isSameSend); callRef: its CallSid.
   */
  | { readonly type: 'callKeyPressed'; readonly key: string; readonly callRef: string; readonly send?: number }
  /** A text, call or mail that will not arrive: `send` and `deliveryRef` say which (see isSameSend). */
  | { readonly type: 'deliveryFailed'; readonly reason: DeliveryFailure; readonly deliveryRef?: string; readonly send?: number }
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
