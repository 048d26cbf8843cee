// The verified person sets a new password (twice), or asks only to unlock: the organisation's rules and zxcvbn
// first, then the directory, whose refusals (too short, in history, …) come back typed for the page to word. The
// change is made once per session (a unique mark), then audited and announced on the person's other channels.
import type { DirectoryRefusal } from '../ports/directory';
import { checkNewPassword, wordsOf, type PasswordVerdict } from '../security/passwordStrength';
import { announceReset } from './resetNotices';
import { distinctFactors, loadReset, updateReset, type ResetDeps } from './resetRules';
import type { ResetSession } from '../ports/resetSessions';

export type PasswordResetOutcome =
  | { readonly kind: 'missing' }
  | { readonly kind: 'expired' }
  /** Not (yet) verified as the policy asks, locked, or asked for the other purpose. */
  | { readonly kind: 'notAllowed' }
  | { readonly kind: 'alreadyUsed' }
  | { readonly kind: 'rejected'; readonly verdict: PasswordVerdict }
  | { readonly kind: 'refused'; readonly refusal: DirectoryRefusal }
  | { readonly kind: 'done' };

export class PasswordResetSubmitted {
  constructor(private readonly deps: ResetDeps) {}

  /**
   * Live feedback while typing: the same rules as on submit, for the verified browser holding the session only
   * (before verification the person's own names among the banned words would tell whether the name exists).
   */
  async strength(id: string, token: string | null, password: string): Promise<PasswordVerdict | null> {
    const ready = await this.ready(id, token, 'reset');
    if ('kind' in ready) return null;
    return checkNewPassword(password, null, await this.rulesFor(ready.session));
  }

  async setPassword(id: string, token: string | null, password: string, confirmation: string): Promise<PasswordResetOutcome> {
    const ready = await this.ready(id, token, 'reset');
    if ('kind' in ready) return ready;
    const { session, directoryId } = ready;
    const verdict = checkNewPassword(password, confirmation, await this.rulesFor(session));
    if (!verdict.ok) return { kind: 'rejected', verdict };
    const result = await this.deps.directory.setPassword(directoryId, password);
    if (!result.ok) return { kind: 'refused', refusal: result.refusal };
    return this.finish(session, 'passwordChanged');
  }

  async unlock(id: string, token: string | null): Promise<PasswordResetOutcome> {
    const ready = await this.ready(id, token, 'unlock');
    if ('kind' in ready) return ready;
    const result = await this.deps.directory.unlock(ready.directoryId);
    if (!result.ok) return { kind: 'refused', refusal: result.refusal };
    return this.finish(ready.session, 'unlocked');
  }

  private async ready(id: string, token: string | null, purpose: ResetSession['purpose']): Promise<PasswordResetOutcome | { session: ResetSession; directoryId: string }> {
    const loaded = await loadReset(this.deps, id, token);
    if (loaded.kind === 'missing') return { kind: 'missing' };
    const { session } = loaded;
    if (session.status === 'done') return { kind: 'alreadyUsed' };
    if (loaded.kind === 'expired') return { kind: 'expired' };
    if (session.status !== 'verifying' || session.purpose !== purpose || session.directoryId === null || distinctFactors(session.proofs) < session.required) return { kind: 'notAllowed' };
    return { session, directoryId: session.directoryId };
  }

  private async finish(session: ResetSession, action: 'passwordChanged' | 'unlocked'): Promise<PasswordResetOutcome> {
    const { deps } = this;
    // Two tabs submitting at once may both reach the directory (the same verified person); only one is announced.
    if (!(await deps.sessions.markUsed(session.id, deps.clock.now()))) return { kind: 'alreadyUsed' };
    await updateReset(deps, session, (current) => ({ ...current, status: 'done', step: null }));
    await announceReset(deps, session, action);
    return { kind: 'done' };
  }

  private async rulesFor(session: ResetSession): Promise<{ minLength: number; minStrength: number; bannedWords: string[] }> {
    const { deps } = this;
    const policy = deps.org.passwordReset;
    const user = session.userId === null ? null : await deps.stores.users.get(session.userId);
    const personal = user ? [user.displayName, user.upn] : [];
    return { minLength: policy.minLength, minStrength: policy.minStrength, bannedWords: wordsOf(deps.org.organisation.name, ...policy.bannedWords, ...personal) };
  }
}
