// A relying system asks Signet to verify a person (POST /api/v1/verifications): start a challenge, or say why none
// is needed or possible. Reads like the story; the rules live in the domain and the core (abuse policy, the
// challenge machine); the per-person cap on new challenges is one exact limit taken just before the start, in one
// store operation with the text's or call's own sending allowances when the telephony can reserve them.
import type { OrgConfig } from '../config/orgConfigSchema';
import type { ApiClient } from '../domain/apiClient';
import type { Challenge, ChallengeMethod, SignInContext } from '../domain/challenge';
import { challengeTarget, signInMethods, type ChallengeTarget } from '../domain/rules/signInTargets';
import type { User } from '../domain/user';
import type { Clock } from '../ports/clock';
import type { SendPermit, SendReservations } from '../ports/deliveryPorts';
import type { Stores } from '../ports/repositories';
import type { VerificationStores } from '../ports/verificationRepositories';
import { CHALLENGE_RATE_SCOPE, decideNewChallenge, type AbusePolicy } from '../verification/abusePolicy';
import { isPassUsable } from '../domain/temporaryAccessPass';
import type { VerificationService } from '../verification/verificationService';

export interface RequestSignInDeps {
  readonly stores: Pick<Stores, 'users' | 'challenges' | 'conversations' | 'rateLimits'>;
  readonly verificationStores: Pick<VerificationStores, 'passes' | 'unlocks'>;
  readonly verification: Pick<VerificationService, 'start'>;
  readonly org: Pick<OrgConfig, 'isTrustedAddress' | 'methods'>;
  readonly clock: Clock;
  readonly abuse: AbusePolicy;
  /** Where a text's or call's sending rules are checked ahead (the rule-checked telephony); without it, at the send. */
  readonly sendReservations?: SendReservations;
}

export interface StartRequest {
  /** UPN or directory id. */
  readonly user: string;
  readonly method?: ChallengeMethod;
  readonly context: SignInContext;
  readonly callbackUrl?: string;
}

export type StartResult =
  | { readonly kind: 'unknownUser' }
  | { readonly kind: 'notRequired'; readonly reason: 'trustedNetwork' }
  | { readonly kind: 'notEnrolled' }
  | { readonly kind: 'refused'; readonly reason: 'lockedAfterFailures' | 'tooManyDenials' | 'rateLimited'; readonly until: number }
  | { readonly kind: 'methodUnavailable'; readonly method: ChallengeMethod }
  | { readonly kind: 'started'; readonly challenge: Challenge };

const RECENT_HISTORY = 50;

export class RequestSignIn {
  constructor(private readonly deps: RequestSignInDeps) {}

  async start(client: ApiClient, request: StartRequest): Promise<StartResult> {
    const { deps } = this;
    const user = (await deps.stores.users.findByUpn(request.user)) ?? (await deps.stores.users.get(request.user));
    if (!user) return { kind: 'unknownUser' };
    if (request.context.ip !== null && deps.org.isTrustedAddress(request.context.ip)) return { kind: 'notRequired', reason: 'trustedNetwork' };
    const mfa = signInMethods(user, deps.org.methods.usage);
    const now = deps.clock.now();
    // The pass matters only to someone with no MFA method or a caller asking for it: read it only then.
    const passUsable = (mfa.length === 0 || request.method === 'tap') && isPassUsable(await deps.verificationStores.passes.getForUser(user.id), now);
    if (mfa.length === 0 && !passUsable) return { kind: 'notEnrolled' };

    const recent = await deps.stores.challenges.listRecentByUser(user.id, RECENT_HISTORY);
    const refusal = await this.refusal(user.id, recent, now);
    if (refusal) return refusal;

    const method = request.method ?? (passUsable && mfa.length === 0 ? 'tap' : defaultChallengeMethod(user));
    const target = await this.targetFor(user, method, passUsable);
    if (!target) return { kind: 'methodUnavailable', method };
    // Last, so that only a start that will happen uses up the person's allowance.
    const allowance = await this.takeAllowance(user.id, method, target.target, now);
    if (allowance.kind === 'refused') return { kind: 'refused', reason: 'rateLimited', until: now + allowance.retryAfterMs };
    const challenge = await deps.verification.start(
      {
        userId: user.id,
        clientId: client.id,
        method,
        target: target.target,
        extension: target.extension,
        context: request.context,
        locale: user.locale,
        callbackUrl: request.callbackUrl ?? null,
      },
      'api',
      // Fewer than asked for: the whole history, so the start need not read the pending ones again.
      { ...(recent.length < RECENT_HISTORY ? { history: recent } : {}), ...(allowance.permit ? { sendPermit: allowance.permit } : {}) },
    );
    return { kind: 'started', challenge };
  }

  /**
   * The person's challenge allowance; for a text or a call taken with its sending allowances (one store
   * operation) and handed on as the send's permit.
   */
  private async takeAllowance(userId: string, method: ChallengeMethod, target: string | null, now: number): Promise<{ kind: 'refused'; retryAfterMs: number } | { kind: 'taken'; permit: SendPermit | null }> {
    const { abuse, stores, sendReservations } = this.deps;
    const allowance = { scope: CHALLENGE_RATE_SCOPE, key: userId, limit: abuse.maxChallengesPerWindow, windowMs: abuse.rateWindowMs };
    if (sendReservations && target !== null && (method === 'sms' || method === 'voice')) {
      const reserved = await sendReservations.reserve({ to: target, userId, channel: method }, allowance, now);
      return reserved.kind === 'refused' ? reserved : { kind: 'taken', permit: reserved.permit };
    }
    const rate = await stores.rateLimits.take(allowance.scope, allowance.key, allowance.limit, allowance.windowMs, now);
    return rate.allowed ? { kind: 'taken', permit: null } : { kind: 'refused', retryAfterMs: rate.retryAfterMs };
  }

  /**
   * Locked after failures or too many denials? A help-desk unlock forgives the history before it, so it can only
   * turn a refusal into an allowance: it is read only when the history alone refuses.
   */
  private async refusal(userId: string, recent: readonly Challenge[], now: number): Promise<Extract<StartResult, { kind: 'refused' }> | null> {
    const { abuse, verificationStores } = this.deps;
    if (decideNewChallenge(recent, now, abuse).allowed) return null;
    const decision = decideNewChallenge(recent, now, abuse, await verificationStores.unlocks.lastUnlock(userId));
    return decision.allowed ? null : { kind: 'refused', reason: decision.reason, until: decision.until };
  }

  private async targetFor(user: User, method: ChallengeMethod, passUsable: boolean): Promise<ChallengeTarget | null> {
    // Teams is asked about only when it is the method: one read fewer for every other start.
    const teams = method === 'teams' && (await this.deps.stores.conversations.get(user.id, 'teams')) !== null;
    return challengeTarget(user, this.deps.org.methods.usage, method, { teams, pass: passUsable });
  }
}

/** The person's default sign-in method as a challenge method: the app's code, a text to a mobile, a call to a desk. */
export function defaultChallengeMethod(user: User): ChallengeMethod {
  const method = user.methods.find((m) => m.id === user.defaultMethodId) ?? user.methods[0];
  switch (method?.kind) {
    case 'authenticatorApp':
      return 'app';
    case 'officePhone':
      return 'voice';
    case 'mobilePhone':
    case 'alternatePhone':
      return 'sms';
    default:
      return 'teams';
  }
}
