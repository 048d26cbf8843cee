// The person answered the verification under way: a code (texted, read aloud, authenticator, email) or security
// answers. Codes of the core's challenges are checked by the core (attempts, lockout, app-code replay); email codes
// and answers here, every answer against a slow hash even for a name that matches nobody, no hint which was wrong.
// Every answer takes one unit of the per-name limit first (one atomic store take); when it is spent the reset locks.
import type { Reply } from '../domain/effects';
import { normaliseAnswer } from '../domain/rules/securityAnswers';
import type { ResetSession } from '../ports/resetSessions';
import { codeMatches } from '../security/oneTimeCodes';
import { slowHashMatches, unmatchableSlowHash } from '../security/slowHash';
import { RESET_RATE, loadReset, updateReset, type ResetDeps } from './resetRules';

export type ResetAnswerOutcome =
  | { readonly kind: 'missing' }
  | { readonly kind: 'expired' }
  | { readonly kind: 'noStep' }
  | { readonly kind: 'locked' }
  | { readonly kind: 'accepted' }
  /** `replies`: the core's words for a wrong code, when it has some; `attemptsLeft` in this session. */
  | { readonly kind: 'wrong'; readonly replies: readonly Reply[]; readonly attemptsLeft: number };

export interface ResetAnswer {
  readonly code?: string;
  /** Security answers, in the order the questions were asked. */
  readonly answers?: readonly string[];
}

export class ResetAnswerSubmitted {
  /** Compared against when a question has no stored answer, so every answer costs one slow hash. */
  private readonly standInHash: string;

  constructor(private readonly deps: ResetDeps) {
    this.standInHash = unmatchableSlowHash(deps.random);
  }

  async submit(id: string, token: string | null, answer: ResetAnswer): Promise<ResetAnswerOutcome> {
    const { deps } = this;
    const loaded = await loadReset(deps, id, token);
    if (loaded.kind !== 'found') return { kind: loaded.kind };
    const { session } = loaded;
    if (session.status === 'locked') return { kind: 'locked' };
    const step = session.step;
    if (session.status !== 'verifying' || step === null) return { kind: 'noStep' };
    const now = deps.clock.now();
    const allowance = await deps.stores.rateLimits.take(RESET_RATE.answers, session.nameDigest, deps.org.passwordReset.maxAnswersPerLock, deps.abuse.failureLockMs, now);
    if (!allowance.allowed) {
      await this.lock(session, 'answerLimit');
      return { kind: 'locked' };
    }

    let correct = false;
    let replies: readonly Reply[] = [];
    const expired = now >= step.expiresAt;
    if (step.challengeId !== null) {
      const outcome = await this.checkChallengeCode(step.challengeId, answer.code ?? '');
      correct = outcome.approved;
      replies = outcome.replies.filter((r) => r.key !== 'verification.approved');
    } else if (step.method === 'email') {
      correct = !expired && step.codeHash !== null && codeMatches(deps.resetKey, session.id, (answer.code ?? '').trim(), step.codeHash);
    } else if (step.method === 'questions') {
      correct = !expired && (await this.checkAnswers(session, step.questionIds ?? [], answer.answers ?? []));
    }
    // A challenge-less step (nobody to reach) has nothing that can be right.

    if (correct) {
      await updateReset(deps, session, (current) => (current.step?.method === step.method ? { ...current, proofs: [...current.proofs, step.method], step: null } : null));
      await this.audit(session, 'reset:verified', { method: step.method });
      return { kind: 'accepted' };
    }
    const maxAttempts = deps.org.codes.maxAttempts;
    const saved = await updateReset(deps, session, (current) => {
      const failures = current.failures + 1;
      return { ...current, failures, status: failures >= maxAttempts ? 'locked' : current.status };
    });
    await this.audit(session, 'reset:wrongAnswer', { method: step.method });
    if (!saved || saved.status === 'locked') {
      await this.audit(session, 'reset:locked', { reason: 'tooManyWrongAnswers' });
      return { kind: 'locked' };
    }
    return { kind: 'wrong', replies, attemptsLeft: maxAttempts - saved.failures };
  }

  /** As the Entra page does: the core checks the code (app codes replay-checked), then says whether it approved. */
  private async checkChallengeCode(challengeId: string, code: string): Promise<{ approved: boolean; replies: readonly Reply[] }> {
    const { verification } = this.deps;
    const challenge = await verification.get(challengeId);
    if (!challenge || challenge.status !== 'pending') return { approved: challenge?.status === 'approved', replies: [] };
    const outcome = challenge.method === 'app' ? await verification.submitAppCode(challengeId, code.slice(0, 64), 'web') : await verification.apply(challengeId, { type: 'submitCode', code: code.slice(0, 64) }, 'web', challenge);
    return { approved: outcome.challenge.status === 'approved', replies: outcome.replies };
  }

  /** Every asked question is checked (no early exit), so the time and the answer say nothing about which was wrong. */
  private async checkAnswers(session: ResetSession, questionIds: readonly string[], answers: readonly string[]): Promise<boolean> {
    const user = session.userId === null ? null : await this.deps.stores.users.get(session.userId);
    const registered = user?.methods.find((m) => m.kind === 'securityQuestions');
    const stored = registered && registered.kind === 'securityQuestions' ? registered.answers : [];
    let allRight = questionIds.length > 0 && answers.length === questionIds.length;
    questionIds.forEach((questionId, i) => {
      const hash = stored.find((a) => a.questionId === questionId)?.answerHash;
      const matches = slowHashMatches(normaliseAnswer(answers[i] ?? ''), hash ?? this.standInHash);
      allRight = allRight && matches && hash !== undefined;
    });
    return allRight;
  }

  private async lock(session: ResetSession, reason: string): Promise<void> {
    await updateReset(this.deps, session, (current) => (current.status === 'verifying' ? { ...current, status: 'locked' } : null));
    await this.audit(session, 'reset:locked', { reason });
  }

  private async audit(session: ResetSession, action: string, details: Record<string, string>): Promise<void> {
    // How the reset started and from where, as on the change itself, so the help desk's look-up can say it of a lockout too.
    const origin = { via: session.linkVia ?? 'web', ...(session.ip === null ? {} : { ip: session.ip }) };
    await this.deps.stores.audit.append({ userId: session.userId ?? 'unknown', actor: 'self-service', action, channel: 'web', details: { sessionId: session.id, ...origin, ...details } }, this.deps.clock.now());
  }
}
