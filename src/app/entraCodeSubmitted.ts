// The person typed a code on the Entra sign-in page: a texted or read-aloud code, an authenticator code (replay-
// checked by the core) or a temporary access pass (used once). The core counts the attempts and locks.
import type { Reply } from '../domain/effects';
import { useTemporaryPass } from './useTemporaryPass';
import { loadSignIn, type EntraSignInDeps } from './entraSignInRules';

export type CodeOutcome =
  | { readonly kind: 'missing' }
  | { readonly kind: 'expired' }
  /** The core's replies (e.g. wrong code, attempts left); the page shows them and then the sign-in's state. */
  | { readonly kind: 'checked'; readonly replies: readonly Reply[] };

export class EntraCodeSubmitted {
  constructor(private readonly deps: EntraSignInDeps) {}

  async submit(id: string, browserSecret: string | null, code: string): Promise<CodeOutcome> {
    const loaded = await loadSignIn(this.deps, id, browserSecret);
    if (loaded.kind !== 'found') return { kind: loaded.kind };
    const { challengeId } = loaded.signIn;
    if (challengeId === null) return { kind: 'checked', replies: [] };
    const { verification } = this.deps;
    const challenge = await verification.get(challengeId);
    if (!challenge) return { kind: 'checked', replies: [] };
    switch (challenge.method) {
      case 'app':
        return { kind: 'checked', replies: (await verification.submitAppCode(challengeId, code, 'web')).replies };
      case 'tap':
        return { kind: 'checked', replies: (await verification.apply(challengeId, { type: 'passcodeChecked', valid: await useTemporaryPass(this.deps, challenge, code) }, 'web')).replies };
      default:
        return { kind: 'checked', replies: (await verification.apply(challengeId, { type: 'submitCode', code }, 'web', challenge)).replies };
    }
  }
}
