// A temporary access pass typed as the answer to a pending sign-in challenge: shared by every channel that takes
// one (the API's code check, the Entra sign-in page), so "checks out AND this caller marks it used" is decided once.
import type { Challenge } from '../domain/challenge';
import { checkTemporaryAccessPass } from '../helpdesk/temporaryAccessPass';
import type { Clock } from '../ports/clock';
import type { VerificationStores } from '../ports/verificationRepositories';

export interface UseTemporaryPassDeps {
  readonly verificationStores: Pick<VerificationStores, 'passes'>;
  readonly clock: Clock;
  readonly passKey: Buffer;
}

/** True only if the challenge is still open, the pass checks out, and this caller is the one that marks it used. */
export async function useTemporaryPass(deps: UseTemporaryPassDeps, challenge: Challenge, code: string): Promise<boolean> {
  const { passes } = deps.verificationStores;
  const now = deps.clock.now();
  if (challenge.status !== 'pending' || now >= challenge.expiresAt) return false;
  const pass = await passes.getForUser(challenge.userId);
  if (!pass || checkTemporaryAccessPass(pass, code, now, deps.passKey) !== 'valid') return false;
  return passes.markUsed(challenge.userId, pass.id, now);
}
