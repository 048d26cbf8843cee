// A client's request to start a verification arrives: is it within the client's allowance (requests per minute)?
// One exact limit taken from the store, so that it holds across every instance sharing the database.
import type { RateLimitRepository } from '../ports/repositories';

export interface LimitDecision {
  readonly allowed: boolean;
  /** 0 when allowed; otherwise the whole seconds to put in Retry-After (at least 1). */
  readonly retryAfterSeconds: number;
}

/** The store rate-limit scope of API requests (key: the client id). */
export const CLIENT_RATE_SCOPE = 'api:client';
const MINUTE_MS = 60_000;

export class ClientRequestLimiter {
  constructor(
    private readonly rateLimits: RateLimitRepository,
    private readonly perMinute: number,
  ) {}

  async take(clientId: string, now: number): Promise<LimitDecision> {
    const decision = await this.rateLimits.take(CLIENT_RATE_SCOPE, clientId, this.perMinute, MINUTE_MS, now);
    return decision.allowed ? { allowed: true, retryAfterSeconds: 0 } : { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(decision.retryAfterMs / 1000)) };
  }
}
