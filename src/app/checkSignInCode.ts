// A relying system passes on the code the person typed (POST /api/v1/verifications/:id/code): a texted or spoken
// code, an authenticator-app code or a temporary access pass, each checked the way its method requires.
import type { ApiClient } from '../domain/apiClient';
import { useTemporaryPass } from './useTemporaryPass';
import type { Clock } from '../ports/clock';
import type { VerificationStores } from '../ports/verificationRepositories';
import type { ChallengeOutcome, VerificationService } from '../verification/verificationService';
import type { ReadSignIn } from './readSignIn';

export interface CheckSignInCodeDeps {
  readonly verification: Pick<VerificationService, 'apply' | 'submitAppCode'>;
  /** Finds the client's own challenge (another client's is as good as absent). */
  readonly readSignIn: Pick<ReadSignIn, 'read'>;
  readonly verificationStores: Pick<VerificationStores, 'passes'>;
  readonly clock: Clock;
  /** Keys the passcode hashes (the same key the help desk issued them with). */
  readonly passKey: Buffer;
}

export class CheckSignInCode {
  constructor(private readonly deps: CheckSignInCodeDeps) {}

  /** The outcome, or null when the client has no such challenge. */
  async check(client: ApiClient, id: string, code: string): Promise<ChallengeOutcome | null> {
    const challenge = await this.deps.readSignIn.read(client, id);
    if (!challenge) return null;
    const { verification } = this.deps;
    switch (challenge.method) {
      case 'app':
        return verification.submitAppCode(id, code, 'api');
      case 'tap':
        return verification.apply(id, { type: 'passcodeChecked', valid: await useTemporaryPass(this.deps, challenge, code) }, 'api');
      default:
        return verification.apply(id, { type: 'submitCode', code }, 'api', challenge);
    }
  }
}
