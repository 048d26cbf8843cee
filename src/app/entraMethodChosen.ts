// The person picked how to confirm an Entra sign-in: the same checks as every sign-in challenge (lockout after
// failures, push-fatigue denials, the per-person cap taken atomically from the store), then the verification
// core starts the challenge (texts, calls or notifies in Teams) and the sign-in remembers it.
import { challengeTarget } from '../domain/rules/signInTargets';
import { isPassUsable } from '../domain/temporaryAccessPass';
import { CHALLENGE_RATE_SCOPE, decideNewChallenge } from '../verification/abusePolicy';
import { loadSignIn, offeredMethods, type EntraSignInDeps } from './entraSignInRules';
import type { User } from '../domain/user';

export type MethodChoiceOutcome =
  | { readonly kind: 'missing' }
  | { readonly kind: 'expired' }
  | { readonly kind: 'started' }
  | { readonly kind: 'unavailable' }
  | { readonly kind: 'refused'; readonly reason: 'lockedAfterFailures' | 'tooManyDenials' | 'rateLimited'; readonly until: number };

const RECENT_HISTORY = 50;
/** What the Teams card and the audit trail call the application the person is signing in to. */
export const ENTRA_APPLICATION = 'Microsoft 365';

export class EntraMethodChosen {
  constructor(private readonly deps: EntraSignInDeps) {}

  async choose(id: string, browserSecret: string | null, method: string, ip: string | null): Promise<MethodChoiceOutcome> {
    const { deps } = this;
    const loaded = await loadSignIn(deps, id, browserSecret);
    if (loaded.kind !== 'found') return { kind: loaded.kind };
    const { signIn } = loaded;
    const user = signIn.userId === null ? null : await deps.stores.users.get(signIn.userId);
    if (!user) return { kind: 'unavailable' };
    const has = { teams: (await deps.stores.conversations.get(user.id, 'teams')) !== null, pass: await this.usablePass(user) };
    const chosen = offeredMethods(user, deps.org, has).find((o) => o.method === method);
    const target = chosen ? challengeTarget(user, deps.org.methods.usage, chosen.method, has) : null;
    if (!chosen || !target) return { kind: 'unavailable' };

    const now = deps.clock.now();
    const recent = await deps.stores.challenges.listRecentByUser(user.id, RECENT_HISTORY);
    const decision = decideNewChallenge(recent, now, deps.abuse, await deps.verificationStores.unlocks.lastUnlock(user.id));
    if (!decision.allowed) return { kind: 'refused', reason: decision.reason, until: decision.until };
    const rate = await deps.stores.rateLimits.take(CHALLENGE_RATE_SCOPE, user.id, deps.abuse.maxChallengesPerWindow, deps.abuse.rateWindowMs, now);
    if (!rate.allowed) return { kind: 'refused', reason: 'rateLimited', until: now + rate.retryAfterMs };

    const challenge = await deps.verification.start(
      {
        userId: user.id,
        clientId: `entra:${signIn.tenantId}`,
        method: chosen.method,
        target: target.target,
        extension: target.extension,
        context: { ip, application: ENTRA_APPLICATION, location: null },
        locale: user.locale,
      },
      'web',
      recent.length < RECENT_HISTORY ? { history: recent } : {},
    );
    // Last writer wins between two tabs choosing at once: the core has already superseded the older challenge.
    for (let attempt = 0; attempt < 3; attempt++) {
      const current = attempt === 0 ? signIn : await deps.entraStores.signIns.get(id);
      if (!current) break;
      if (await deps.entraStores.signIns.replace({ ...current, challengeId: challenge.id, method: chosen.method, version: current.version + 1 })) break;
    }
    return { kind: 'started' };
  }

  private async usablePass(user: User): Promise<boolean> {
    return isPassUsable(await this.deps.verificationStores.passes.getForUser(user.id), this.deps.clock.now());
  }
}
