// Ports through which the core reaches people: texts, calls, email and the person's own chat. Adapters live in
// src/telephony, src/mail and src/channels; the core sees only these contracts.
import type { Reply } from '../domain/effects';
import type { DeliveryPurpose } from '../domain/effects';
import type { Channel } from '../domain/user';
import type { DeliveryFailure } from '../domain/enrollmentRecord';

/** Accepted: the provider took it (ref = its message or call id). Refused: it will not be delivered, and why. */
export type DeliveryReceipt = { readonly ok: true; readonly ref: string } | { readonly ok: false; readonly failure: DeliveryFailure };

export interface OutboundSms {
  readonly to: string;
  /** The rendered text. Contains a code: adapters must never log it. */
  readonly body: string;
  readonly locale: string;
  readonly purpose: DeliveryPurpose;
}

export interface OutboundCall {
  readonly to: string;
  readonly extension: string | null;
  readonly mode: 'pressKey' | 'readCode';
  readonly locale: string;
  readonly purpose: DeliveryPurpose;
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

export interface Mailer {
  sendMail(mail: OutboundMail): Promise<DeliveryReceipt>;
}

/** Tells a person something in a channel they are not using right now (e.g. their Teams chat after an SMS). */
export interface UserNotifier {
  notify(userId: string, channel: Channel, message: Reply): Promise<void>;
}

/** Turns a reply into words for a locale. */
export type ReplyRenderer = (locale: string, message: Reply) => string;
