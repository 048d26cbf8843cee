// Ports through which the core reaches people: texts, calls, email and the person's own chat. Adapters live in
// src/telephony, src/mail and src/channels; the core sees only these contracts.
import type { Reply } from '../domain/effects';
import type { DeliveryPurpose } from '../domain/effects';
import type { Channel } from '../domain/user';
import type { DeliveryFailure } from '../domain/enrollmentRecord';
import type { RateLimitRequest } from './repositories';

/** Accepted: the provider took it (ref = its message or call id). Refused: it will not be delivered, and why. */
export type DeliveryReceipt = { readonly ok: true; readonly ref: string } | { readonly ok: false; readonly failure: DeliveryFailure };

export interface OutboundSms {
  readonly to: string;
  /** The rendered text. Contains a code: adapters must never log it. */
  readonly body: string;
  readonly locale: string;
  readonly purpose: DeliveryPurpose;
  /** Its sending rules, already checked (SendReservations.reserve): the send checks nothing again. */
  readonly permit?: SendPermit;
}

export interface OutboundCall {
  readonly to: string;
  readonly extension: string | null;
  readonly mode: 'pressKey' | 'readCode';
  readonly locale: string;
  readonly purpose: DeliveryPurpose;
  /** As OutboundSms.permit. */
  readonly permit?: SendPermit;
}

export interface OutboundMail {
  readonly to: string;
  readonly subject: string;
  /** Contains a code: adapters must never log it. */
  readonly text: string;
  readonly locale: string;
  readonly purpose: DeliveryPurpose;
}

/** Sends texts and places calls. Never throws for a refusal the provider explains: returns ok=false instead. */
export interface Telephony {
  sendSms(message: OutboundSms): Promise<DeliveryReceipt>;
  placeCall(call: OutboundCall): Promise<DeliveryReceipt>;
}

/**
 * The sending rules of one text or call, checked ahead by SendReservations.reserve and carried with the send.
 * Good once, for that number, person and channel, from the adapter that issued it; any other is ignored.
 */
export interface SendPermit {
  readonly to: string;
  readonly userId: string;
  readonly channel: 'sms' | 'voice';
  /** null: it may go (its allowance is taken); otherwise why it will be refused. */
  readonly refusal: DeliveryFailure | null;
}

/** A text or call about to be sent, for SendReservations.reserve. */
export interface PlannedSend {
  readonly to: string;
  readonly userId: string;
  readonly channel: 'sms' | 'voice';
}

export type SendReservation =
  /** `alongside` was refused: nothing is taken, nothing may be sent. */
  | { readonly kind: 'refused'; readonly retryAfterMs: number }
  /** `alongside` is taken; the permit says whether the send may go. */
  | { readonly kind: 'reserved'; readonly permit: SendPermit };

/**
 * Checks the sending rules of a text or call before it is due (e.g. before a challenge is created), taking its
 * allowance and the caller's own limit (`alongside`) in one store operation where the store can.
 */
export interface SendReservations {
  reserve(send: PlannedSend, alongside: RateLimitRequest, now: number): Promise<SendReservation>;
}

export interface Mailer {
  sendMail(mail: OutboundMail): Promise<DeliveryReceipt>;
}

/** Tells a person something in a channel they are not using right now (e.g. their Teams chat after an SMS). */
export interface UserNotifier {
  notify(userId: string, channel: Channel, message: Reply): Promise<void>;
}

/** Turns a reply into words for a locale. */
export type ReplyRenderer = (locale: string, message: Reply) => string;
