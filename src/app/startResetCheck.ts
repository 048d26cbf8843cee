// Use case "in Teams, the person picked how to prove it is them for a password reset": the same checks as every
// sign-in challenge (lockout after failures, denials, the per-person cap taken atomically), then the verification
// core texts a code, calls, or waits for an authenticator code, marked as a reset check.
import type { Clock } from '../ports/clock';
import type { Stores } from '../ports/repositories';
import type { VerificationStores } from '../ports/verificationRepositories';
import { CHALLENGE_RATE_SCOPE, decideNewChallenge, type AbusePolicy } from '../verification/abusePolicy';
import type { VerificationService } from '../verification/verificationService';
import { RESET_CHECK_APPLICATION, RESET_CHECK_CLIENT_ID, resetCheckOptions, type ResetCheckMethod } from './resetCheckRules';
import type { ResetLinkPolicy } from './resetLinkPolicy';

export type StartResetCheckOutcome =
  | { readonly kind: 'started'; readonly challengeId: string; readonly method: ResetCheckMethod; readonly hint: string | null }
  /** The person has no such way (or no record): the card offered something they no longer have. */
  | { readonly kind: 'unavailable' }
  | { readonly kind: 'refused'; readonly reason: 'lockedAfterFailures' | 'tooManyDenials' | 'rateLimited'; readonly until: number };

export interface StartResetCheckDeps {
  readonly stores: Pick<Stores, 'users' | 'challenges' | 'rateLimits'>;
  readonly unlocks: Pick<VerificationStores['unlocks'], 'lastUnlock'>;
  readonly verification: Pick<VerificationService, 'start'>;
  readonly policy: ResetLinkPolicy;
  readonly abuse: AbusePolicy;
  readonly clock: Clock;
}

const RECENT_HISTORY = 50;

export class StartResetCheck {
  constructor(private readonly deps: StartResetCheckDeps) {}

  async start(userId: string, method: string): Promise<StartResetCheckOutcome> {
    const { deps } = this;
    const user = await deps.stores.users.get(userId);
    const option = user ? resetCheckOptions(user, deps.policy).find((o) => o.method === method) : undefined;
    if (!user || !option) return { kind: 'unavailable' };
    const now = deps.clock.now();
    const recent = await deps.stores.challenges.listRecentByUser(user.id, RECENT_HISTORY);
    const decision = decideNewChallenge(recent, now, deps.abuse, await deps.unlocks.lastUnlock(user.id));
    if (!decision.allowed) return { kind: 'refused', reason: decision.reason, until: decision.until };
    const rate = await deps.stores.rateLimits.take(CHALLENGE_RATE_SCOPE, user.id, deps.abuse.maxChallengesPerWindow, deps.abuse.rateWindowMs, now);
    if (!rate.allowed) return { kind: 'refused', reason: 'rateLimited', until: now + rate.retryAfterMs };
    const challenge = await deps.verification.start(
      {
        userId: user.id,
        clientId: RESET_CHECK_CLIENT_ID,
        method: option.method,
        target: option.target,
        extension: option.extension,
        context: { ip: null, application: RESET_CHECK_APPLICATION, location: null },
        locale: user.locale,
      },
      'teams',
      recent.length < RECENT_HISTORY ? { history: recent } : {},
    );
    return { kind: 'started', challengeId: challenge.id, method: option.method, hint: option.hint };
  }
}
