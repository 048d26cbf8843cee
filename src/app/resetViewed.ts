// The browser (re)loads a reset: what to show next — the choice of ways, the verification under way, the new
// password (or unlock) form, or the end. A challenge the core approved meanwhile (Teams, `#` on a call) is counted
// here. The same views for a name that matches nobody: it simply never gets past verification.
import type { ResetProof, ResetPurpose } from '../ports/resetLinks';
import type { ResetSession } from '../ports/resetSessions';
import { distinctFactors, loadReset, remainingMethods, updateReset, type ResetDeps } from './resetRules';

export type ResetView =
  | { readonly kind: 'missing' }
  | { readonly kind: 'expired'; readonly locale: string }
  | { readonly kind: 'locked'; readonly locale: string }
  | { readonly kind: 'done'; readonly locale: string; readonly purpose: ResetPurpose }
  | { readonly kind: 'chooseMethod'; readonly locale: string; readonly options: readonly ResetProof[]; readonly proven: number; readonly required: number | null; readonly purpose: ResetPurpose }
  | {
      readonly kind: 'verifying';
      readonly locale: string;
      readonly method: ResetProof;
      readonly questionIds: readonly string[];
      readonly numberToMatch: number | null;
      /** Whether the page offers a code box (not for a press-# call or a Teams approval). */
      readonly takesCode: boolean;
      readonly options: readonly ResetProof[];
    }
  | { readonly kind: 'newPassword' | 'confirmUnlock'; readonly locale: string };

export class ResetViewed {
  constructor(private readonly deps: ResetDeps) {}

  async view(id: string, token: string | null): Promise<ResetView> {
    const { deps } = this;
    const loaded = await loadReset(deps, id, token);
    if (loaded.kind === 'missing') return { kind: 'missing' };
    let session = loaded.session;
    const locale = session.locale;
    if (session.status === 'done') return { kind: 'done', locale, purpose: session.purpose };
    if (loaded.kind === 'expired') return { kind: 'expired', locale };
    if (session.status === 'locked') return { kind: 'locked', locale };
    session = await this.settleChallenge(session);
    if (distinctFactors(session.proofs) >= session.required) return { kind: session.purpose === 'reset' ? 'newPassword' : 'confirmUnlock', locale };
    const options = remainingMethods(deps.org, session.proofs);
    const step = session.step;
    if (step === null) {
      const proven = distinctFactors(session.proofs);
      // Before a first proof the total may hang on who the name is (the domain it resolves to, its directory groups),
      // so it is said then only when the policy is the same for everyone; after one, only the person sees it.
      const policy = deps.org.passwordReset;
      const sameForEveryone = policy.byDomain.length === 0 && policy.byGroup.length === 0;
      return { kind: 'chooseMethod', locale, options, proven, required: proven > 0 || sameForEveryone ? session.required : null, purpose: session.purpose };
    }
    // From the organisation's voice mode, not the challenge: a name that reaches nobody sees the same page.
    const takesCode = step.method === 'email' || step.method === 'app' || step.method === 'sms' || (step.method === 'voice' && deps.org.voice.enrollmentMode === 'readCode');
    return { kind: 'verifying', locale, method: step.method, questionIds: step.questionIds ?? [], numberToMatch: step.numberToMatch, takesCode, options: options.filter((o) => o !== step.method) };
  }

  /** Counts a challenge approved elsewhere (Teams card, `#`, a code replied by text); drops one that ended otherwise. */
  private async settleChallenge(session: ResetSession): Promise<ResetSession> {
    const { deps } = this;
    const step = session.step;
    if (step === null) return session;
    if (step.challengeId === null) {
      // A step of its own (email, questions, nobody reached) ends with its lifetime: the person chooses again.
      if (deps.clock.now() < step.expiresAt) return session;
      return (await updateReset(deps, session, (current) => (current.step?.startedAt === step.startedAt ? { ...current, step: null } : null))) ?? session;
    }
    const challenge = await deps.verification.get(step.challengeId);
    if (!challenge || challenge.status === 'pending') return session;
    const approved = challenge.status === 'approved';
    const saved = await updateReset(deps, session, (current) =>
      current.step?.challengeId === step.challengeId ? { ...current, step: null, proofs: approved ? [...current.proofs, step.method] : current.proofs } : null,
    );
    if (approved && saved && saved !== session) {
      await deps.stores.audit.append({ userId: session.userId ?? 'unknown', actor: 'self-service', action: 'reset:verified', channel: 'web', details: { sessionId: session.id, method: step.method } }, deps.clock.now());
    }
    return saved ?? session;
  }
}
