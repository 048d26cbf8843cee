// Decides, from a person's recent challenges, whether a new sign-in challenge may start: consecutive failures
// lock verifications for a while (the help desk can unlock), and repeated "this wasn't me" denials in a window
// stop further prompts (push-fatigue / MFA-bombing defence). Pure: the caller passes the history and the time.
// The challenges-per-window cap is not decided here: counting history then acting lets concurrent starts through,
// so it is taken from the store's exact limits (CHALLENGE_RATE_SCOPE) by the caller.
import type { Challenge } from '../domain/challenge';

export interface AbusePolicy {
  /** Consecutive failed verifications that lock the person's verifications. */
  readonly maxConsecutiveFailures: number;
  readonly failureLockMs: number;
  /** Denials ("this wasn't me") within `denialWindowMs` after which challenges are refused. */
  readonly maxDenials: number;
  readonly denialWindowMs: number;
  /** New challenges per person within `rateWindowMs` (a fixed window in the store's rate limits). */
  readonly maxChallengesPerWindow: number;
  readonly rateWindowMs: number;
}

export const DEFAULT_ABUSE_POLICY: AbusePolicy = {
  maxConsecutiveFailures: 10,
  failureLockMs: 30 * 60_000,
  maxDenials: 3,
  denialWindowMs: 60 * 60_000,
  maxChallengesPerWindow: 10,
  rateWindowMs: 15 * 60_000,
};

/** The store rate-limit scope of new challenges per person (key: the user id). */
export const CHALLENGE_RATE_SCOPE = 'challenge:user';

export type AbuseDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly reason: 'lockedAfterFailures'; readonly until: number }
  | { readonly allowed: false; readonly reason: 'tooManyDenials'; readonly until: number };

const FAILED = new Set(['failed', 'denied']);

/**
 * @param recent the person's challenges, newest first (ChallengeRepository.listRecentByUser)
 * @param unlockedAt when the help desk last unlocked the person, or null: history before it is forgiven
 */
export function decideNewChallenge(recent: readonly Challenge[], now: number, policy: AbusePolicy, unlockedAt: number | null = null): AbuseDecision {
  const considered = recent.filter((c) => unlockedAt === null || c.createdAt > unlockedAt);

  // Consecutive failures: ended challenges, newest first, until the first success.
  const ended = considered.filter((c) => c.status !== 'pending' && c.status !== 'cancelled');
  let failures = 0;
  for (const c of ended) {
    if (c.status === 'approved') break;
    if (FAILED.has(c.status)) failures++;
  }
  if (failures >= policy.maxConsecutiveFailures) {
    const last = ended[0]!;
    const until = (last.endedAt ?? last.createdAt) + policy.failureLockMs;
    if (now < until) return { allowed: false, reason: 'lockedAfterFailures', until };
  }

  const denials = considered.filter((c) => c.status === 'denied' && c.reason === 'deniedByUser' && (c.endedAt ?? c.createdAt) > now - policy.denialWindowMs);
  if (denials.length >= policy.maxDenials) {
    const oldest = denials[denials.length - 1]!;
    return { allowed: false, reason: 'tooManyDenials', until: (oldest.endedAt ?? oldest.createdAt) + policy.denialWindowMs };
  }
  return { allowed: true };
}

/** The abuse policy from the organisation file's `verification` section. */
export function abusePolicyFrom(verification: {
  readonly maxConsecutiveFailures: number;
  readonly failureLockMinutes: number;
  readonly maxDenials: number;
  readonly denialWindowMinutes: number;
  readonly maxChallengesPer15Minutes: number;
}): AbusePolicy {
  return {
    maxConsecutiveFailures: verification.maxConsecutiveFailures,
    failureLockMs: verification.failureLockMinutes * 60_000,
    maxDenials: verification.maxDenials,
    denialWindowMs: verification.denialWindowMinutes * 60_000,
    maxChallengesPerWindow: verification.maxChallengesPer15Minutes,
    rateWindowMs: 15 * 60_000,
  };
}
