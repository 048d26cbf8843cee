// The waiting page asks whether anything changed (approved in Teams, # pressed, code replied by text): a yes
// sends the browser to reload the sign-in, which then answers Entra. Never answers by itself.
import { loadSignIn, type EntraSignInDeps } from './entraSignInRules';

export type PollOutcome = 'missing' | 'waiting' | 'changed';

export class EntraSignInPolled {
  constructor(private readonly deps: EntraSignInDeps) {}

  async poll(id: string, browserSecret: string | null): Promise<PollOutcome> {
    const loaded = await loadSignIn(this.deps, id, browserSecret);
    if (loaded.kind === 'missing') return 'missing';
    if (loaded.kind === 'expired') return 'changed';
    const { challengeId } = loaded.signIn;
    if (challengeId === null) return 'waiting';
    const challenge = await this.deps.verification.get(challengeId);
    return challenge && challenge.status === 'pending' ? 'waiting' : 'changed';
  }
}
