// The sign-in verification use cases a relying system drives through the API: start a challenge for a person
// (or say none is needed), answer it with a code or passcode, and read its outcome. Reads like the story; the
// rules it applies live in the domain (abuse policy, passes, the challenge machine); the per-person cap on new
// challenges is an exact limit taken from the store just before the challenge starts.
import type { OrgConfig } from '../config/orgConfigSchema';
import type { SecurityMethod, User } from '../domain/user';
import { isPhoneKind } from '../domain/methodKinds';
import { checkTemporaryAccessPass } from '../helpdesk/temporaryAccessPass';
import type { Clock } from '../ports/clock';
import type { Stores } from '../ports/repositories';
import type { VerificationStores } from '../ports/verificationRepositories';
import { CHALLENGE_RATE_SCOPE, decideNewChallenge, type AbusePolicy } from '../verification/abusePolicy';
import type { Challenge, ChallengeMethod, SignInContext } from '../domain/challenge';
import { isPassUsable } from '../domain/temporaryAccessPass';
import type { ChallengeOutcome, VerificationService } from '../verification/verificationService';
import type { ApiClient } from './apiClientCredentials';

export interface SignInDeps {
  readonly stores: Pick<Stores, 'users' | 'challenges' | 'conversations' | 'rateLimits'>;
  readonly verificationStores: VerificationStores;
  readonly verification: VerificationService;
  readonly org: Pick<OrgConfig, 'isTrustedAddress' | 'methods'>;
  readonly clock: Clock;
  readonly abuse: AbusePolicy;
  /** Keys the passcode hashes (the same key the help desk issued them with). */
  readonly passKey: Buffer;
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

export class SignInVerification {
  constructor(private readonly deps: SignInDeps) {}

  async start(client: ApiClient, request: StartRequest): Promise<StartResult> {
    const { deps } = this;
    const user = (await deps.stores.users.findByUpn(request.user)) ?? (await deps.stores.users.get(request.user));
    if (!user) return { kind: 'unknownUser' };
    if (request.context.ip !== null && deps.org.isTrustedAddress(request.context.ip)) return { kind: 'notRequired', reason: 'trustedNetwork' };
    const mfa = user.methods.filter((m) => deps.org.methods.usage[m.kind].mfa);
    const pass = await deps.verificationStores.passes.getForUser(user.id);
    const now = deps.clock.now();
    const passUsable = isPassUsable(pass, now);
    if (mfa.length === 0 && !passUsable) return { kind: 'notEnrolled' };

    const recent = await deps.stores.challenges.listRecentByUser(user.id, RECENT_HISTORY);
    const decision = decideNewChallenge(recent, now, deps.abuse, await deps.verificationStores.unlocks.lastUnlock(user.id));
    if (!decision.allowed) return { kind: 'refused', reason: decision.reason, until: decision.until };

    const method = request.method ?? (passUsable && mfa.length === 0 ? 'tap' : defaultChallengeMethod(user));
    const target = await this.targetFor(user, method, passUsable);
    if (!target) return { kind: 'methodUnavailable', method };
    // Last, so that only a start that will happen uses up the person's allowance.
    const rate = await deps.stores.rateLimits.take(CHALLENGE_RATE_SCOPE, user.id, deps.abuse.maxChallengesPerWindow, deps.abuse.rateWindowMs, now);
    if (!rate.allowed) return { kind: 'refused', reason: 'rateLimited', until: now + rate.retryAfterMs };
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
      recent.length < RECENT_HISTORY ? { history: recent } : {},
    );
    return { kind: 'started', challenge };
  }

  /** The client's own challenge, or null: another client's challenge is as good as absent. */
  async get(client: ApiClient, id: string): Promise<Challenge | null> {
    const challenge = await this.deps.verification.get(id);
    return challenge && challenge.clientId === client.id ? challenge : null;
  }

  async submitCode(client: ApiClient, id: string, code: string): Promise<ChallengeOutcome | null> {
    const challenge = await this.get(client, id);
    if (!challenge) return null;
    const { verification } = this.deps;
    switch (challenge.method) {
      case 'app':
        return verification.submitAppCode(id, code, 'api');
      case 'tap':
        return verification.apply(id, { type: 'passcodeChecked', valid: await this.usePass(challenge, code) }, 'api');
      default:
        return verification.apply(id, { type: 'submitCode', code }, 'api', challenge);
    }
  }

  /** A pass counts only if it checks out AND this caller is the one that marks it used. */
  private async usePass(challenge: Challenge, code: string): Promise<boolean> {
    const { passes } = this.deps.verificationStores;
    const now = this.deps.clock.now();
    if (challenge.status !== 'pending' || now >= challenge.expiresAt) return false;
    const pass = await passes.getForUser(challenge.userId);
    if (!pass || checkTemporaryAccessPass(pass, code, now, this.deps.passKey) !== 'valid') return false;
    return passes.markUsed(challenge.userId, pass.id, now);
  }

  private async targetFor(user: User, method: ChallengeMethod, passUsable: boolean): Promise<{ target: string | null; extension: string | null } | null> {
    // Only methods that count for MFA may answer a sign-in challenge.
    const mfa = user.methods.filter((m) => this.deps.org.methods.usage[m.kind].mfa);
    const phones = mfa.filter((m): m is Extract<SecurityMethod, { number: string }> => isPhoneKind(m.kind) && 'number' in m);
    const preferDefault = <T extends SecurityMethod>(list: T[]): T | undefined => list.find((m) => m.id === user.defaultMethodId) ?? list[0];
    switch (method) {
      case 'sms': {
        const phone = preferDefault(phones.filter((p) => p.kind !== 'officePhone'));
        return phone ? { target: phone.number, extension: null } : null;
      }
      case 'voice': {
        const phone = preferDefault(phones);
        if (!phone) return null;
        return { target: phone.number, extension: phone.kind === 'officePhone' ? phone.extension : null };
      }
      case 'app': {
        const app = mfa.find((m) => m.kind === 'authenticatorApp');
        return app ? { target: app.id, extension: null } : null;
      }
      case 'teams':
        return (await this.deps.stores.conversations.get(user.id, 'teams')) ? { target: null, extension: null } : null;
      case 'tap':
        return passUsable ? { target: null, extension: null } : null;
    }
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
