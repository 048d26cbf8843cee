// What a webhook was answered, kept on the record its processing saved (in the same compare-and-set save), so that
// a provider's retry of that webhook is answered the same way without a second ledger write (src/app/webhookOnce.ts).
import type { Reply } from './effects';

export interface AnsweredWebhook {
  /** The ledger id of the delivery (e.g. `sms:<MessageSid>`). */
  readonly webhookId: string;
  readonly locale: string;
  readonly replies: readonly Reply[];
  /** A call's key press: after the replies the call asks for a key again (else it ends). Absent for texts. */
  readonly asksAgain?: boolean;
}

/** The webhook being answered and the locale its answer is given in. */
export interface WebhookAnswering<R = never> {
  readonly id: string;
  readonly locale: string;
  /** For a call: whether the call asks for a key again, decided on the record as this very save leaves it. */
  readonly asksAgain?: (saved: R) => boolean;
}

/** The answer a webhook is given, as saved with the record `saved`. */
export function answerOf<R>(webhook: WebhookAnswering<R>, replies: readonly Reply[], saved: R): AnsweredWebhook {
  return { webhookId: webhook.id, locale: webhook.locale, replies, ...(webhook.asksAgain ? { asksAgain: webhook.asksAgain(saved) } : {}) };
}

/**
 * How many answers a record keeps, newest last. A retry behind more newer webhooks on the same record than this
 * finds no answer and is handled as an unanswered claim (see WebhookOnce); Twilio retries a webhook at most a few
 * times within seconds, so this is well above what a retry can be behind.
 */
export const ANSWERED_WEBHOOKS_KEPT = 8;

/** `kept` with `answer` added as the newest (replacing an older one of the same id), bounded to ANSWERED_WEBHOOKS_KEPT. */
export function withAnsweredWebhook(kept: readonly AnsweredWebhook[] | undefined, answer: AnsweredWebhook): AnsweredWebhook[] {
  const others = (kept ?? []).filter((a) => a.webhookId !== answer.webhookId);
  return [...others, answer].slice(-ANSWERED_WEBHOOKS_KEPT);
}
