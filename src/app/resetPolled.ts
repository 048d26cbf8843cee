// The waiting page asks whether anything changed (approved in Teams, `#` pressed): a yes makes the browser reload.
import { loadReset, type ResetDeps } from './resetRules';

export type ResetPollOutcome = 'missing' | 'waiting' | 'changed';

export class ResetPolled {
  constructor(private readonly deps: ResetDeps) {}

  async poll(id: string, token: string | null): Promise<ResetPollOutcome> {
    const loaded = await loadReset(this.deps, id, token);
    if (loaded.kind === 'missing') return 'missing';
    if (loaded.kind === 'expired') return 'changed';
    const step = loaded.session.step;
    if (step === null) return 'waiting';
    if (step.challengeId === null) return this.deps.clock.now() >= step.expiresAt ? 'changed' : 'waiting';
    const challenge = await this.deps.verification.get(step.challengeId);
    return challenge && challenge.status === 'pending' ? 'waiting' : 'changed';
  }
}
