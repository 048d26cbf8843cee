// Delivering a sign-in challenge's outcome to the relying system that asked for it (its callbackUrl): the port the
// callback jobs use; the adapter (a signed HTTPS POST of the API's JSON) is the verification API's.
import type { Challenge } from '../domain/challenge';

export interface CallbackAttempt {
  /** The HTTP status the callback URL answered, or 'error' when it did not answer. */
  readonly status: number | 'error';
  /** True for a 2xx answer; anything else is retried by the job queue. */
  readonly delivered: boolean;
}

export interface OutcomeCallbacks {
  /** One attempt (no retries: the durable job queue retries). `attempt` (1-based) is for logs only. */
  send(challenge: Challenge, attempt: number): Promise<CallbackAttempt>;
}
