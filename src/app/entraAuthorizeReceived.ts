// The authorize request from Entra ID (External MFA): validate every parameter and the id_token_hint as Microsoft
// asks (client, exact redirect, RS256 signature by the tenant's key, iss/tid, aud, iat freshness, tenant, acr),
// link the person by oid + tid, and open a sign-in bound to this browser. Every refusal is audited.
import { compactVerify, decodeJwt, errors as joseErrors, type CompactVerifyGetKey } from 'jose';
import { DuplicateKeyError } from '../ports/storeErrors';
import type { EntraSignIn } from '../domain/entraSignIn';
import type { User } from '../domain/user';
import { randomId } from '../security/random';
import { acrToReturn, errorAnswer, sha256, type EntraAnswer, type EntraSignInDeps } from './entraSignInRules';

export type AuthorizeRefusal =
  | 'invalidRequest'
  | 'unknownClient'
  | 'unpublishedRedirect'
  | 'invalidHint'
  | 'wrongAudience'
  | 'wrongIssuer'
  | 'staleHint'
  | 'tenantNotAllowed'
  | 'unsatisfiableAcr'
  | 'replayed'
  | 'notEnrolled'
  | 'metadataUnavailable';

export type AuthorizeOutcome =
  /** A parameterless GET: Entra's probe that the endpoint exists. */
  | { readonly kind: 'probe' }
  /** `answer`: the error form for Entra, when the client and redirect are known good; null: no redirect at all. */
  | { readonly kind: 'refused'; readonly reason: AuthorizeRefusal; readonly answer: EntraAnswer | null }
  /** `browserSecret`: to be kept by this browser only (a cookie); the sign-in answers nobody else. */
  | { readonly kind: 'started'; readonly signIn: EntraSignIn; readonly browserSecret: string };

export interface AuthorizeRequest {
  readonly method: 'GET' | 'POST';
  /** Form fields (POST body) or query parameters (GET). */
  readonly params: Readonly<Record<string, string>>;
  /** The browser's preferred locale, used until the person is known. */
  readonly locale: string;
}

/** Allowed clock difference for an `iat` slightly in the future. */
const SKEW_MS = 60_000;

interface HintClaims {
  readonly iss: string;
  readonly aud: string | readonly string[];
  readonly iat: number;
  readonly sub: string;
  readonly oid: string;
  readonly tid: string;
}

export class EntraAuthorizeReceived {
  constructor(private readonly deps: EntraSignInDeps) {}

  async receive(request: AuthorizeRequest): Promise<AuthorizeOutcome> {
    const p = request.params;
    if (request.method === 'GET') {
      // Parameters belong in the form body; a GET carrying them is not Entra and is not processed.
      return Object.keys(p).length === 0 ? { kind: 'probe' } : this.refuse('invalidRequest', null, null, p);
    }
    const { entra } = this.deps;
    if (p['client_id'] !== entra.clientId) return this.refuse('unknownClient', null, null, p);
    const redirectUri = p['redirect_uri'];
    if (redirectUri === undefined || !entra.redirectUris.includes(redirectUri)) return this.refuse('unpublishedRedirect', null, null, p);
    const state = p['state'] ?? null;
    const answer = errorAnswer({ redirectUri, state });
    if (p['response_type']?.toLowerCase() !== 'id_token' || (p['response_mode'] !== undefined && p['response_mode'] !== 'form_post') || !(p['scope'] ?? '').split(' ').includes('openid')) {
      return this.refuse('invalidRequest', answer, null, p);
    }
    const requestedAcr = parseRequestedAcr(p['claims']);
    if (requestedAcr === null) return this.refuse('invalidRequest', answer, null, p);

    const hint = p['id_token_hint'];
    if (hint === undefined) return this.refuse('invalidRequest', answer, null, p);
    const checked = await this.checkHint(hint);
    if (checked.kind === 'refused') return this.refuse(checked.reason, checked.reason === 'metadataUnavailable' ? errorAnswer({ redirectUri, state }, 'temporarily_unavailable') : answer, checked.oid, p);
    const claims = checked.claims;
    const acr = acrToReturn(requestedAcr);
    if (acr === null) return this.refuse('unsatisfiableAcr', answer, claims.oid, p);

    const user = await this.deps.stores.users.get(claims.oid);
    const linked = user !== null && user.tenantId === claims.tid ? user : null;
    if (!linked || !(await this.hasSecondFactor(linked))) return this.refuse('notEnrolled', answer, claims.oid, p);

    const now = this.deps.clock.now();
    const browserSecret = randomId(this.deps.random) + randomId(this.deps.random);
    const signIn: EntraSignIn = {
      id: randomId(this.deps.random),
      // Entra's nonce is fresh per request, so two sign-ins of one person within a second still differ.
      requestKey: sha256(`${hint}\n${p['nonce'] ?? ''}`),
      browserHash: sha256(browserSecret),
      tenantId: claims.tid,
      objectId: claims.oid,
      subject: claims.sub,
      userId: linked.id,
      clientId: entra.clientId,
      redirectUri,
      nonce: p['nonce'] ?? null,
      state,
      acrValues: requestedAcr,
      clientRequestId: p['client-request-id'] ?? null,
      locale: linked.locale,
      challengeId: null,
      method: null,
      createdAt: now,
      expiresAt: now + entra.signInLifetimeMs,
      version: 1,
    };
    try {
      await this.deps.entraStores.signIns.create(signIn);
    } catch (error) {
      // The same form posted again: the first post owns the sign-in; this one is not answered at all.
      if (error instanceof DuplicateKeyError) return this.refuse('replayed', null, claims.oid, p);
      throw error;
    }
    await this.audit(linked.id, 'entra:signInStarted', { tenantId: claims.tid, clientRequestId: signIn.clientRequestId, signInId: signIn.id });
    return { kind: 'started', signIn, browserSecret };
  }

  /** As for every sign-in: an MFA method registered, or a usable help-desk pass (a Teams chat alone is not enrolment). */
  private async hasSecondFactor(user: User): Promise<boolean> {
    if (user.methods.some((m) => this.deps.org.methods.usage[m.kind].mfa)) return true;
    const pass = await this.deps.verificationStores.passes.getForUser(user.id);
    const now = this.deps.clock.now();
    return pass !== null && pass.revokedAt === null && now < pass.expiresAt && !(pass.oneTime && pass.usedAt !== null);
  }

  /** Signature first (by the tenant's published key), then each claim Microsoft tells providers to check. */
  private async checkHint(hint: string): Promise<{ kind: 'ok'; claims: HintClaims } | { kind: 'refused'; reason: AuthorizeRefusal; oid: string | null }> {
    let unverified: Record<string, unknown>;
    try {
      unverified = decodeJwt(hint);
    } catch {
      return { kind: 'refused', reason: 'invalidHint', oid: null };
    }
    const tid = unverified['tid'];
    if (typeof tid !== 'string' || !/^[0-9a-f-]{36}$/i.test(tid)) return { kind: 'refused', reason: 'invalidHint', oid: null };
    if (!this.deps.org.organisation.tenantIds.map((t) => t.toLowerCase()).includes(tid.toLowerCase())) return { kind: 'refused', reason: 'tenantNotAllowed', oid: null };
    let payload: Record<string, unknown>;
    try {
      const keys = await this.deps.tenantKeys(tid).catch((error: unknown) => {
        throw new MetadataUnavailable(error);
      });
      // The hint arrives expired (exp = iat - 1): the signature is verified here, the claims below, exp not at all.
      const verified = await compactVerify(hint, keys as CompactVerifyGetKey, { algorithms: ['RS256'] });
      payload = JSON.parse(new TextDecoder().decode(verified.payload)) as Record<string, unknown>;
    } catch (error) {
      if (error instanceof MetadataUnavailable || error instanceof joseErrors.JWKSTimeout) return { kind: 'refused', reason: 'metadataUnavailable', oid: null };
      return { kind: 'refused', reason: 'invalidHint', oid: null };
    }
    const { iss, aud, iat, sub, oid } = payload;
    if (typeof sub !== 'string' || typeof oid !== 'string' || typeof iat !== 'number' || payload['tid'] !== tid) return { kind: 'refused', reason: 'invalidHint', oid: null };
    if (iss !== this.deps.entra.issuerTemplate.replace('{tenantid}', tid)) return { kind: 'refused', reason: 'wrongIssuer', oid };
    const audiences = Array.isArray(aud) ? aud : [aud];
    if (!audiences.includes(this.deps.entra.appId)) return { kind: 'refused', reason: 'wrongAudience', oid };
    const now = this.deps.clock.now();
    const issuedAt = iat * 1000;
    if (issuedAt < now - this.deps.entra.hintMaxAgeMs || issuedAt > now + SKEW_MS) return { kind: 'refused', reason: 'staleHint', oid };
    return { kind: 'ok', claims: { iss, aud: aud as string | string[], iat, sub, oid, tid } };
  }

  private async refuse(reason: AuthorizeRefusal, answer: EntraAnswer | null, oid: string | null, p: Readonly<Record<string, string>>): Promise<AuthorizeOutcome> {
    await this.audit(oid ?? 'unknown', 'entra:refused', { reason, clientRequestId: p['client-request-id'] ?? null });
    return { kind: 'refused', reason, answer };
  }

  private async audit(userId: string, action: string, details: Record<string, string | null>): Promise<void> {
    await this.deps.stores.audit.append({ userId, actor: 'entra', action, channel: 'web', details }, this.deps.clock.now());
  }
}

class MetadataUnavailable extends Error {
  constructor(cause: unknown) {
    super('Entra metadata unavailable', { cause });
  }
}

/** The acr values in the `claims` parameter ([] when absent); null when the parameter is not the JSON it should be. */
function parseRequestedAcr(claims: string | undefined): string[] | null {
  if (claims === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(claims);
  } catch {
    return null;
  }
  const acr = (parsed as { id_token?: { acr?: { values?: unknown; value?: unknown } } } | null)?.id_token?.acr;
  if (acr === undefined) return [];
  if (Array.isArray(acr.values)) return acr.values.filter((v): v is string => typeof v === 'string');
  if (typeof acr.value === 'string') return [acr.value];
  return [];
}
