// Delivers a challenge's outcome to the relying system's callbackUrl, signed with the client's callback signing
// key: one attempt per call. Retries, back-off and surviving a crash belong to the durable job queue that calls
// it (src/jobs/callbackJobs.ts), so any instance can make the next attempt.
import type { Challenge } from '../domain/challenge';
import type { CallbackAttempt, OutcomeCallbacks } from '../ports/outcomeCallbacks';
import { callbackSigningKey, signCallback } from '../security/apiClientCredentials';
import { view } from './verificationView';

export type CallbackPost = (url: string, body: string, headers: Record<string, string>) => Promise<number>;

export interface CallbackDispatcherDeps {
  readonly serverKey: Buffer;
  readonly post?: CallbackPost;
  readonly now?: () => number;
  /** Told of each attempt's result (no body, no signature) for logs. */
  readonly onAttempt?: (info: { challengeId: string; attempt: number; status: number | 'error'; delivered: boolean }) => void;
}

const TIMEOUT_MS = 10_000;

const fetchPost: CallbackPost = async (url, body, headers) => {
  const response = await fetch(url, { method: 'POST', body, headers, redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) });
  return response.status;
};

export class CallbackDispatcher implements OutcomeCallbacks {
  constructor(private readonly deps: CallbackDispatcherDeps) {}

  /** One signed POST of the challenge as the API shows it; a 2xx is delivered. `attempt` is for the log only. */
  async send(challenge: Challenge, attempt: number): Promise<CallbackAttempt> {
    const url = challenge.callbackUrl;
    const clientId = challenge.clientId;
    if (!url || !clientId) return { status: 'error', delivered: false };
    const post = this.deps.post ?? fetchPost;
    const now = this.deps.now ?? Date.now;
    const body = JSON.stringify(view(challenge));
    let status: number | 'error';
    try {
      status = await post(url, body, {
        'Content-Type': 'application/json',
        'Signet-Signature': signCallback(callbackSigningKey(this.deps.serverKey, clientId), body, Math.floor(now() / 1000)),
        // The same id on every attempt lets the receiver drop a duplicate.
        'Signet-Delivery-Id': challenge.id,
      });
    } catch {
      status = 'error';
    }
    const delivered = typeof status === 'number' && status >= 200 && status < 300;
    this.deps.onAttempt?.({ challengeId: challenge.id, attempt, status, delivered });
    return { status, delivered };
  }
}
