// Delivers a challenge's outcome to the relying system's callbackUrl: signed with the client's callback signing
// key, retried with back-off until a 2xx or the attempts run out. Runs in the instance that ended the challenge.
import type { Challenge } from '../verification/challengeTypes';
import { callbackRetryDelaySeconds, callbackSigningKey, signCallback } from './apiClientCredentials';
import { view } from './verificationView';

export type CallbackPost = (url: string, body: string, headers: Record<string, string>) => Promise<number>;

export interface CallbackDispatcherDeps {
  readonly serverKey: Buffer;
  readonly post?: CallbackPost;
  /** Waits before a retry; tests pass an immediate one. */
  readonly delay?: (ms: number) => Promise<void>;
  readonly maxAttempts?: number;
  readonly now?: () => number;
  /** Told of each attempt's result (no body, no signature) for logs. */
  readonly onAttempt?: (info: { challengeId: string; attempt: number; status: number | 'error'; delivered: boolean }) => void;
}

const TIMEOUT_MS = 10_000;

const fetchPost: CallbackPost = async (url, body, headers) => {
  const response = await fetch(url, { method: 'POST', body, headers, redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) });
  return response.status;
};

export class CallbackDispatcher {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly deps: CallbackDispatcherDeps) {}

  /** Starts delivery in the background; `idle()` resolves when every delivery has finished. */
  dispatch(challenge: Challenge): void {
    if (!challenge.callbackUrl || !challenge.clientId) return;
    const run = this.deliver(challenge, challenge.callbackUrl, challenge.clientId).finally(() => this.inFlight.delete(run));
    this.inFlight.add(run);
  }

  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private async deliver(challenge: Challenge, url: string, clientId: string): Promise<void> {
    const post = this.deps.post ?? fetchPost;
    const delay = this.deps.delay ?? ((ms) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref()));
    const now = this.deps.now ?? Date.now;
    const maxAttempts = this.deps.maxAttempts ?? 8;
    const body = JSON.stringify(view(challenge));
    const key = callbackSigningKey(this.deps.serverKey, clientId);
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      let status: number | 'error';
      try {
        status = await post(url, body, {
          'Content-Type': 'application/json',
          'Signet-Signature': signCallback(key, body, Math.floor(now() / 1000)),
          // The same id on every attempt lets the receiver drop a duplicate.
          'Signet-Delivery-Id': challenge.id,
        });
      } catch {
        status = 'error';
      }
      const delivered = typeof status === 'number' && status >= 200 && status < 300;
      this.deps.onAttempt?.({ challengeId: challenge.id, attempt, status, delivered });
      if (delivered) return;
      if (attempt < maxAttempts) await delay(callbackRetryDelaySeconds(attempt) * 1000);
    }
  }
}
