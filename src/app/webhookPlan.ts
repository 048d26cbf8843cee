// What a webhook's use case makes of a delivery from reads alone, before anything is written, so that the ledger
// claim can carry the answer when it is already known: the claim is then the delivery's one ledger write
// (src/app/webhookOnce.ts). The channel claims with the plan, then carries it out only if its claim won.
export type WebhookPlan<A> =
  /**
   * Nothing will be written: `answer` is final. `retryAnswer`: what a retry hears instead, when the answer itself
   * must not be repeated (it speaks a code); the same as `answer` when absent.
   */
  | { readonly kind: 'answered'; readonly answer: A; readonly retryAnswer?: A }
  /**
   * `carryOut` writes, but what a retry is answered is known now: the claim carries it, and a retry answers it
   * once the record `carryOut` writes last shows it done (the use case says how to look: its `done`).
   */
  | { readonly kind: 'prepared'; readonly retryAnswer: A; readonly carryOut: () => Promise<A> }
  /** The answer depends on what gets written. */
  | { readonly kind: 'work'; readonly carryOut: () => Promise<A> };

/** Carries the plan out in one go (no ledger): for callers that are not webhooks. */
export async function carriedOut<A>(plan: WebhookPlan<A>): Promise<A> {
  return plan.kind === 'answered' ? plan.answer : plan.carryOut();
}
