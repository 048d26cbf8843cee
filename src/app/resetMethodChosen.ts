// The person picked how to verify a reset. Texts, calls, app codes and Teams approvals are challenges of the
// verification core, started with the same checks as every sign-in (lockout, push-fatigue denials, per-person cap,
// here also per phone); an email code or security questions are prepared here. A name that matches nobody, a way
// the person lacks, or a person the core will not send to now (verifications locked, too many denials, over a
// limit) gets the same next page and nothing is sent: a refusal there would say the name exists. It is audited
// for the help desk's look-up.
import { reply } from '../domain/effects';
import { SECURITY_QUESTION_IDS } from '../domain/securityQuestions';
import { challengeTarget } from '../domain/rules/signInTargets';
import type { ResetProof } from '../ports/resetLinks';
import type { ResetSession, ResetStep } from '../ports/resetSessions';
import type { RateLimitRequest } from '../ports/repositories';
import type { User } from '../domain/user';
import { generateNumericCode, hashCode } from '../security/oneTimeCodes';
import { randomInt } from '../security/random';
import { CHALLENGE_RATE_SCOPE, decideNewChallenge } from '../verification/abusePolicy';
import { HOUR_MS, RESET_RATE, challengeMethodOf, keyedDigest, loadReset, remainingMethods, resetUsage, updateReset, type ResetDeps } from './resetRules';

export type ResetMethodOutcome =
  | { readonly kind: 'missing' }
  | { readonly kind: 'expired' }
  | { readonly kind: 'started' }
  | { readonly kind: 'unavailable' }
  /** This reset itself is locked (too many wrong answers): the same for every name, so it may be said. */
  | { readonly kind: 'refused'; readonly reason: 'locked'; readonly until: number };

const RECENT_HISTORY = 50;
/** What the Teams card and the audit trail call what the person is doing. */
export const RESET_APPLICATION = 'Password reset';

export class ResetMethodChosen {
  constructor(private readonly deps: ResetDeps) {}

  async choose(id: string, token: string | null, method: string, ip: string | null): Promise<ResetMethodOutcome> {
    const { deps } = this;
    const loaded = await loadReset(deps, id, token);
    if (loaded.kind !== 'found') return { kind: loaded.kind };
    const { session } = loaded;
    if (session.status === 'locked') return { kind: 'refused', reason: 'locked', until: session.expiresAt };
    const chosen = remainingMethods(deps.org, session.proofs).find((m) => m === method);
    if (session.status !== 'verifying' || chosen === undefined) return { kind: 'unavailable' };
    const user = session.userId === null ? null : await deps.stores.users.get(session.userId);

    const prepared = await this.prepare(session, user, chosen, ip);
    const saved = await updateReset(deps, session, (current) => ({ ...current, step: prepared.step }));
    return saved ? { kind: 'started' } : { kind: 'missing' };
  }

  private async prepare(session: ResetSession, user: User | null, method: ResetProof, ip: string | null): Promise<{ step: ResetStep }> {
    const { deps } = this;
    const now = deps.clock.now();
    const codeLifetime = deps.org.codes.lifetimeMinutes * 60_000;
    const base: ResetStep = { method, challengeId: null, codeHash: null, questionIds: null, numberToMatch: null, startedAt: now, expiresAt: now + codeLifetime };
    switch (method) {
      case 'email': {
        const code = generateNumericCode(deps.random, deps.org.codes.length);
        const address = user?.methods.find((m) => m.kind === 'email');
        if (user && address && address.kind === 'email' && deps.org.methods.usage.email.passwordReset) {
          const org = deps.org.organisation.name;
          await deps.effects.run(
            {
              type: 'sendEmail',
              to: address.address,
              subject: reply('passwordReset.email.subject', { org }),
              body: reply('passwordReset.email.body', { code, org, minutes: deps.org.codes.lifetimeMinutes }),
              locale: user.locale,
              purpose: { kind: 'verification', userId: user.id, refId: session.id },
            },
            user.locale,
          );
        }
        return { step: { ...base, codeHash: hashCode(deps.resetKey, session.id, code) } };
      }
      case 'questions':
        return { step: { ...base, questionIds: this.questionsFor(session, user) } };
      default:
        return this.startChallenge(session, user, method, ip, base);
    }
  }

  /** The same questions for the same name every time; for a name without questions, stand-ins picked the same way. */
  private questionsFor(session: ResetSession, user: User | null): string[] {
    const { deps } = this;
    const registered = user?.methods.find((m) => m.kind === 'securityQuestions');
    const pool = registered && registered.kind === 'securityQuestions' && deps.org.methods.usage.securityQuestions.passwordReset ? registered.answers.map((a) => a.questionId) : [...SECURITY_QUESTION_IDS];
    const order = (q: string): string => keyedDigest(deps.resetKey, `${session.nameDigest}:${q}`).toString('hex');
    const count = Math.min(deps.org.passwordReset.questionsAsked, registered ? pool.length : deps.org.securityQuestions.count);
    return [...pool].sort((a, b) => (order(a) < order(b) ? -1 : 1)).slice(0, count);
  }

  private async startChallenge(session: ResetSession, user: User | null, method: ResetProof, ip: string | null, base: ResetStep): Promise<{ step: ResetStep }> {
    const { deps } = this;
    const challengeMethod = challengeMethodOf(method)!;
    const teams = user ? (await deps.stores.conversations.get(user.id, 'teams')) !== null : false;
    const target = user ? challengeTarget(user, resetUsage(deps.org.methods.usage), challengeMethod, { teams, pass: false }) : null;
    // Nobody to reach: the page waits all the same (a number to match is shown as for anyone).
    const waitAlike = (): { step: ResetStep } => ({ step: { ...base, numberToMatch: method === 'teams' ? 10 + randomInt(deps.random, 90) : null } });
    if (!user || !target) return waitAlike();

    const now = deps.clock.now();
    const recent = await deps.stores.challenges.listRecentByUser(user.id, RECENT_HISTORY);
    const decision = decideNewChallenge(recent, now, deps.abuse, await deps.verificationStores.unlocks.lastUnlock(user.id));
    if (!decision.allowed) {
      await this.auditWithheld(session, method, decision.reason === 'lockedAfterFailures' ? 'verificationsLocked' : decision.reason);
      return waitAlike();
    }
    const limits: RateLimitRequest[] = [{ scope: CHALLENGE_RATE_SCOPE, key: user.id, limit: deps.abuse.maxChallengesPerWindow, windowMs: deps.abuse.rateWindowMs }];
    if ((method === 'sms' || method === 'voice') && target.target !== null) {
      limits.push({ scope: RESET_RATE.phone, key: target.target, limit: deps.org.passwordReset.perPersonPerHour, windowMs: HOUR_MS });
    }
    const rate = await deps.stores.rateLimits.takeAll(limits, now);
    if (!rate.allowed) {
      await this.auditWithheld(session, method, 'rateLimited');
      return waitAlike();
    }

    const challenge = await deps.verification.start(
      {
        userId: user.id,
        clientId: 'reset:web',
        method: challengeMethod,
        target: target.target,
        extension: target.extension,
        context: { ip, application: RESET_APPLICATION, location: null },
        locale: user.locale,
      },
      'web',
      recent.length < RECENT_HISTORY ? { history: recent } : {},
    );
    return { step: { ...base, challengeId: challenge.id, numberToMatch: challenge.numberToMatch, expiresAt: challenge.expiresAt } };
  }

  /** Nothing was sent although the person exists: the help desk's look-up shows why (the page may not). */
  private async auditWithheld(session: ResetSession, method: ResetProof, reason: 'verificationsLocked' | 'tooManyDenials' | 'rateLimited'): Promise<void> {
    await this.deps.stores.audit.append(
      {
        userId: session.userId ?? 'unknown',
        actor: 'self-service',
        action: 'reset:challengeWithheld',
        channel: 'web',
        details: { sessionId: session.id, method, reason, via: session.linkVia ?? 'web', ...(session.ip === null ? {} : { ip: session.ip }) },
      },
      this.deps.clock.now(),
    );
  }
}
