// The browser (re)loads an Entra sign-in: what to show next — the method choice, the wait for the chosen method,
// or the end. An approved challenge is answered exactly once (a unique mark), with the id_token Entra checks:
// iss = our issuer, aud = client_id, sub = the hint's sub, nonce, one acr from those asked, one amr for the method.
import type { ChallengeStatus, ChallengeMethod } from '../domain/challenge';
import type { EntraSignIn } from '../domain/entraSignIn';
import { acrToReturn, amrFor, errorAnswer, loadSignIn, offeredMethods, type EntraAnswer, type EntraSignInDeps, type OfferedMethod } from './entraSignInRules';

export type SignInView =
  | { readonly kind: 'missing' }
  | { readonly kind: 'expired'; readonly locale: string; readonly answer: EntraAnswer }
  | { readonly kind: 'chooseMethod'; readonly locale: string; readonly options: readonly OfferedMethod[]; readonly displayName: string }
  | {
      readonly kind: 'waiting';
      readonly locale: string;
      readonly method: ChallengeMethod;
      /** Teams number matching: the number to pick in the card. */
      readonly numberToMatch: number | null;
      /** Whether the page offers a box for a code (texted, read-aloud, authenticator, pass). */
      readonly takesCode: boolean;
      readonly options: readonly OfferedMethod[];
    }
  | { readonly kind: 'answer'; readonly locale: string; readonly answer: EntraAnswer }
  | { readonly kind: 'ended'; readonly locale: string; readonly status: Exclude<ChallengeStatus, 'pending' | 'approved'>; readonly answer: EntraAnswer }
  | { readonly kind: 'alreadyAnswered'; readonly locale: string };

export class EntraSignInViewed {
  constructor(private readonly deps: EntraSignInDeps) {}

  async view(id: string, browserSecret: string | null): Promise<SignInView> {
    const { deps } = this;
    const loaded = await loadSignIn(deps, id, browserSecret);
    if (loaded.kind === 'missing') return { kind: 'missing' };
    const { signIn } = loaded;
    const locale = signIn.locale;
    const challenge = signIn.challengeId === null ? null : await deps.verification.get(signIn.challengeId);
    if (challenge?.status === 'approved') return this.answer(signIn);
    if (loaded.kind === 'expired') return { kind: 'expired', locale, answer: errorAnswer(signIn) };
    const user = signIn.userId === null ? null : await deps.stores.users.get(signIn.userId);
    if (!user) return { kind: 'ended', locale, status: 'failed', answer: errorAnswer(signIn) };
    const pass = await deps.verificationStores.passes.getForUser(user.id);
    const now = deps.clock.now();
    const passUsable = pass !== null && pass.revokedAt === null && now < pass.expiresAt && !(pass.oneTime && pass.usedAt !== null);
    const options = offeredMethods(user, deps.org, { teams: (await deps.stores.conversations.get(user.id, 'teams')) !== null, pass: passUsable });
    if (!challenge || challenge.status === 'cancelled') return { kind: 'chooseMethod', locale, options, displayName: user.displayName };
    if (challenge.status === 'pending') {
      const takesCode = challenge.method === 'app' || challenge.method === 'tap' || challenge.codeHash !== null;
      return { kind: 'waiting', locale, method: challenge.method, numberToMatch: challenge.numberToMatch, takesCode, options };
    }
    return { kind: 'ended', locale, status: challenge.status, answer: errorAnswer(signIn) };
  }

  private async answer(signIn: EntraSignIn): Promise<SignInView> {
    const { deps } = this;
    if (!(await deps.entraStores.signIns.markAnswered(signIn.id, deps.clock.now()))) return { kind: 'alreadyAnswered', locale: signIn.locale };
    const acr = acrToReturn(signIn.acrValues);
    const method = signIn.method;
    if (acr === null || method === null) return { kind: 'ended', locale: signIn.locale, status: 'failed', answer: errorAnswer(signIn) };
    const iat = Math.floor(deps.clock.now() / 1000);
    const idToken = await deps.signingKeys.sign({
      iss: deps.issuer,
      aud: signIn.clientId,
      sub: signIn.subject,
      iat,
      nbf: iat,
      exp: iat + Math.floor(deps.entra.idTokenLifetimeMs / 1000),
      acr,
      amr: [amrFor(method)],
      ...(signIn.nonce !== null ? { nonce: signIn.nonce } : {}),
    });
    await deps.stores.audit.append(
      { userId: signIn.userId ?? signIn.objectId, actor: 'entra', action: 'entra:answered', channel: 'web', details: { tenantId: signIn.tenantId, method, signInId: signIn.id, clientRequestId: signIn.clientRequestId } },
      deps.clock.now(),
    );
    return { kind: 'answer', locale: signIn.locale, answer: { redirectUri: signIn.redirectUri, fields: { id_token: idToken, ...(signIn.state !== null ? { state: signIn.state } : {}) } } };
  }
}
