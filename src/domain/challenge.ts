// A sign-in verification challenge: stored state, events and outcome vocabulary of the verification machine.
import type { AnsweredWebhook } from './answeredWebhooks';
import type { Channel, SealedSecret } from './user';
import type { DeliveryFailure } from './enrollmentRecord';

export type ChallengeMethod = 'sms' | 'voice' | 'app' | 'teams' | 'tap';
export type ChallengeStatus = 'pending' | 'approved' | 'denied' | 'expired' | 'failed' | 'cancelled';

export type ChallengeEndReason =
  | 'codeAccepted'
  | 'callConfirmed'
  | 'cardApproved'
  | 'passcodeAccepted'
  | 'deniedByUser'
  | 'wrongNumberChosen'
  | 'tooManyAttempts'
  | 'expired'
  | 'superseded'
  | 'cancelledByClient'
  | DeliveryFailure;

export interface SignInContext {
  readonly ip: string | null;
  readonly application: string;
  readonly location: string | null;
}

export interface Challenge {
  readonly id: string;
  readonly userId: string;
  /** The relying system that asked; null for challenges Signet raised itself. */
  readonly clientId: string | null;
  readonly method: ChallengeMethod;
  /** The phone number or method id the challenge went to, when there is one. */
  readonly target: string | null;
  readonly extension: string | null;
  readonly status: ChallengeStatus;
  readonly reason: ChallengeEndReason | null;
  readonly codeHash: string | null;
  readonly sealedCode: SealedSecret | null;
  /** Number matching for Teams cards: the number the sign-in screen shows. */
  readonly numberToMatch: number | null;
  /** The numbers the Teams card offers (the right one among them). */
  readonly numberChoices: readonly number[] | null;
  readonly attempts: number;
  readonly context: SignInContext;
  readonly locale: string;
  /**
   * The provider's call or message id: only on challenges saved before callbacks were matched by the challenge id
   * in their URL (a challenge sends once). New challenges leave it out.
   */
  readonly deliveryRef?: string | null;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly endedAt: number | null;
  readonly endedVia: Channel | null;
  /** Where the relying system wants the outcome POSTed once the challenge ends; absent or null for none. */
  readonly callbackUrl?: string | null;
  /** The person's challenge turn this challenge was started in (see VerificationService.start); absent on older ones. */
  readonly turn?: number;
  /** What the webhooks this challenge answered were answered, saved with it for their retries (see answeredWebhooks.ts). */
  readonly answeredWebhooks?: readonly AnsweredWebhook[];
  readonly version: number;
}

export type ChallengeEvent =
  | { readonly type: 'submitCode'; readonly code: string }
  /** The authenticator-app code was checked by the service against the user's secret (replay included). */
  | { readonly type: 'appCodeChecked'; readonly valid: boolean }
  | { readonly type: 'callKeyPressed'; readonly key: string }
  | { readonly type: 'cardAnswered'; readonly answer: { readonly kind: 'number'; readonly value: number } | { readonly kind: 'deny' } }
  | { readonly type: 'passcodeChecked'; readonly valid: boolean }
  | { readonly type: 'deliveryFailed'; readonly reason: DeliveryFailure }
  /** Nothing happened but time: lets a read notice that the challenge has expired. */
  | { readonly type: 'checkExpiry' }
  | { readonly type: 'supersede' }
  | { readonly type: 'cancel' };
