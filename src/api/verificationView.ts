// How a challenge looks to a relying system: the API's JSON, also the body of outcome callbacks.
import type { Challenge } from '../domain/challenge';

/** What a relying system sees; `reason` explains every status but pending. */
export interface VerificationView {
  readonly id: string | null;
  readonly status: 'pending' | 'approved' | 'denied' | 'expired' | 'failed' | 'not_required' | 'not_enrolled';
  readonly method: string | null;
  readonly expiresAt: string | null;
  readonly reason?: string;
  readonly numberToEnter?: number;
  readonly enroll?: string;
}

export function view(challenge: Challenge): VerificationView {
  const status = challenge.status === 'cancelled' ? 'failed' : challenge.status;
  return {
    id: challenge.id,
    status,
    method: challenge.method,
    expiresAt: new Date(challenge.expiresAt).toISOString(),
    ...(challenge.reason !== null ? { reason: challenge.reason } : {}),
    ...(challenge.method === 'teams' && challenge.numberToMatch !== null && challenge.status === 'pending' ? { numberToEnter: challenge.numberToMatch } : {}),
  };
}

