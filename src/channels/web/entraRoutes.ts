// The HTTP face of the Entra External MFA provider: discovery and JWKS, the authorize endpoint (form POST; a bare
// GET answers Entra's probe), and the sign-in pages. Cookies bind a sign-in to the browser that posted Entra's
// form; each form carries a CSRF token derived from that binding; every page has a strict CSP.
import type * as restify from 'restify';
import type { I18n } from '../../i18n';
import type { Logger } from '../../logging/logger';
import type { EntraAuthorizeReceived } from '../../app/entraAuthorizeReceived';
import type { EntraSignInViewed } from '../../app/entraSignInViewed';
import type { EntraMethodChosen } from '../../app/entraMethodChosen';
import type { EntraCodeSubmitted } from '../../app/entraCodeSubmitted';
import type { EntraSignInPolled } from '../../app/entraSignInPolled';
import type { EntraSigningKeys } from '../../app/entraSigningKeys';
import type { Reply } from '../../domain/effects';
import { methodRefusal, refusedPage, signInPage, unexpectedPage, type PageText, type RenderedPage, type SignInUrls } from './entraPages';
import { WEB_SCRIPT, WEB_STYLESHEET } from './webAssets';
import { browserLocale, clientIp, contentSecurityPolicy, cookieValue as cookieNamed, csrfTokens, formParams, queryParams, sendHtml, sendJson } from './webKit';

export interface EntraRoutesDeps {
  /** The discovery issuer (PUBLIC_BASE_URL, no trailing slash). */
  readonly issuer: string;
  readonly i18n: I18n;
  readonly organisationName: string;
  /** Origins the answer form may post to (those of the accepted redirect URIs). */
  readonly answerOrigins: readonly string[];
  /** Keys the CSRF tokens. */
  readonly csrfKey: Buffer;
  readonly logger: Logger;
  readonly authorize: EntraAuthorizeReceived;
  readonly view: EntraSignInViewed;
  readonly chooseMethod: EntraMethodChosen;
  readonly submitCode: EntraCodeSubmitted;
  readonly poll: EntraSignInPolled;
  readonly signingKeys: EntraSigningKeys;
}

export const ENTRA_PATHS = {
  discovery: '/.well-known/openid-configuration',
  jwks: '/entra/jwks',
  authorize: '/entra/authorize',
  signIn: '/entra/sign-in',
  assets: '/entra/assets',
} as const;

const COOKIE = 'signet_entra';
const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** The discovery document (OIDC Discovery 1.0): what Entra reads to find the authorize endpoint and keys. */
export function discoveryDocument(issuer: string): Record<string, unknown> {
  return {
    issuer,
    authorization_endpoint: `${issuer}${ENTRA_PATHS.authorize}`,
    jwks_uri: `${issuer}${ENTRA_PATHS.jwks}`,
    scopes_supported: ['openid'],
    response_types_supported: ['id_token'],
    response_modes_supported: ['form_post'],
    grant_types_supported: ['implicit'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    claim_types_supported: ['normal'],
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nbf', 'nonce', 'acr', 'amr'],
  };
}

export function registerEntraRoutes(server: restify.Server, deps: EntraRoutesDeps): void {
  const text: PageText = { i18n: deps.i18n, org: deps.organisationName };
  const secureCookie = deps.issuer.startsWith('https://');
  const csp = contentSecurityPolicy(deps.answerOrigins);
  const sendPage = (res: restify.Response, rendered: RenderedPage, headers: Record<string, string> = {}): void => sendHtml(res, rendered, csp, headers);
  /** Runs a page handler; an unexpected fault becomes a localized apology, logged without request data. */
  const guardedPage = (handler: (req: restify.Request, res: restify.Response) => Promise<void>): restify.RequestHandler => async (req, res) => {
    try {
      await handler(req, res);
    } catch (error) {
      deps.logger.error('entra page failed', { path: req.getPath().slice(0, 100), error: error instanceof Error ? error.name : 'unknown' });
      if (!res.headersSent) sendPage(res, unexpectedPage(text, browserLocale(req, deps.i18n)));
    }
  };

  server.get(ENTRA_PATHS.discovery, (_req, res, next) => {
    sendJson(res, 200, discoveryDocument(deps.issuer), 'public, max-age=3600');
    next();
  });
  server.get(ENTRA_PATHS.jwks, async (_req, res) => {
    try {
      sendJson(res, 200, await deps.signingKeys.jwks(), 'public, max-age=3600');
    } catch (error) {
      deps.logger.error('jwks failed', { error: error instanceof Error ? error.name : 'unknown' });
      sendJson(res, 503, { error: 'temporarily_unavailable' });
    }
  });
  server.get(`${ENTRA_PATHS.assets}/web.css`, (_req, res, next) => {
    res.sendRaw(200, WEB_STYLESHEET, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'public, max-age=3600', 'X-Content-Type-Options': 'nosniff' });
    next();
  });
  server.get(`${ENTRA_PATHS.assets}/web.js`, (_req, res, next) => {
    res.sendRaw(200, WEB_SCRIPT, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'public, max-age=3600', 'X-Content-Type-Options': 'nosniff' });
    next();
  });

  const authorize = (method: 'GET' | 'POST') =>
    guardedPage(async (req, res) => {
      const params = method === 'GET' ? queryParams(req) : formParams(req.body);
      const outcome = await deps.authorize.receive({ method, params, locale: browserLocale(req, deps.i18n) });
      if (outcome.kind === 'probe') return sendPage(res, { status: 200, body: '' });
      if (outcome.kind === 'refused') return sendPage(res, refusedPage(text, browserLocale(req, deps.i18n), outcome.reason, outcome.answer));
      const path = `${ENTRA_PATHS.signIn}/${outcome.signIn.id}`;
      const maxAge = Math.max(1, Math.round((outcome.signIn.expiresAt - outcome.signIn.createdAt) / 1000));
      const cookie = `${COOKIE}=${outcome.browserSecret}; Path=${path}; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secureCookie ? '; Secure' : ''}`;
      res.sendRaw(303, '', { Location: path, 'Set-Cookie': cookie, 'Cache-Control': 'no-store' });
    });
  server.get(ENTRA_PATHS.authorize, authorize('GET'));
  server.post(ENTRA_PATHS.authorize, authorize('POST'));

  const urlsFor = (id: string): SignInUrls => {
    const self = `${ENTRA_PATHS.signIn}/${id}`;
    return { self, method: `${self}/method`, code: `${self}/code`, status: `${self}/status` };
  };
  const csrf = csrfTokens(deps.csrfKey);
  const csrfFor = (id: string, secret: string | null): string => csrf.tokenFor(id, secret);
  const csrfOk = (id: string, secret: string | null, presented: unknown): boolean => csrf.accepts(id, secret, presented);
  const showSignIn = async (res: restify.Response, id: string, secret: string | null, notices: readonly Reply[] = []): Promise<void> => {
    const view = await deps.view.view(id, secret);
    sendPage(res, signInPage(text, view, urlsFor(id), { csrf: csrfFor(id, secret), notices }));
  };
  const signInId = (req: restify.Request): string | null => {
    const id = req.params?.['id'];
    return typeof id === 'string' && ID_PATTERN.test(id) ? id : null;
  };
  const missing = (_req: restify.Request, res: restify.Response): void =>
    sendPage(res, signInPage(text, { kind: 'missing' }, urlsFor('x'), { csrf: '' }));

  server.get(`${ENTRA_PATHS.signIn}/:id`, guardedPage(async (req, res) => {
    const id = signInId(req);
    if (id === null) return missing(req, res);
    await showSignIn(res, id, cookieValue(req));
  }));

  server.get(`${ENTRA_PATHS.signIn}/:id/status`, guardedPage(async (req, res) => {
    const id = signInId(req);
    const state = id === null ? 'missing' : await deps.poll.poll(id, cookieValue(req));
    sendJson(res, state === 'missing' ? 404 : 200, { state });
  }));

  server.post(`${ENTRA_PATHS.signIn}/:id/method`, guardedPage(async (req, res) => {
    const id = signInId(req);
    const secret = cookieValue(req);
    const form = formParams(req.body);
    if (id === null || !csrfOk(id, secret, form['csrf'])) return missing(req, res);
    const outcome = await deps.chooseMethod.choose(id, secret, form['method'] ?? '', clientIp(req));
    const notice = methodRefusal(outcome);
    if (notice) return showSignIn(res, id, secret, [notice]);
    res.sendRaw(303, '', { Location: urlsFor(id).self, 'Cache-Control': 'no-store' });
  }));

  server.post(`${ENTRA_PATHS.signIn}/:id/code`, guardedPage(async (req, res) => {
    const id = signInId(req);
    const secret = cookieValue(req);
    const form = formParams(req.body);
    if (id === null || !csrfOk(id, secret, form['csrf'])) return missing(req, res);
    const outcome = await deps.submitCode.submit(id, secret, (form['code'] ?? '').slice(0, 64));
    // Only the core's complaints are shown; its "approved" is shown by the answer page itself.
    const notices = outcome.kind === 'checked' ? outcome.replies.filter((r) => r.key !== 'verification.approved') : [];
    await showSignIn(res, id, secret, notices);
  }));
}

/** The sign-in's binding secret (its cookie is scoped to the sign-in's path). */
function cookieValue(req: restify.Request): string | null {
  return cookieNamed(req, COOKIE);
}
