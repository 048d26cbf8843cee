// The HTTP face of self-service password reset (/reset): the name form, single-use links, and the session pages.
// The session's token lives only in a cookie scoped to the session's path; every form carries a CSRF token
// derived from it (the first form from a start cookie); every page has the strict CSP. Only translates and renders.
import type * as restify from 'restify';
import type { I18n } from '../../i18n';
import type { Logger } from '../../logging/logger';
import type { Reply } from '../../domain/effects';
import type { ResetStarted, ResetStartOutcome } from '../../app/resetStarted';
import type { ResetMethodChosen } from '../../app/resetMethodChosen';
import type { ResetAnswerSubmitted } from '../../app/resetAnswerSubmitted';
import type { ResetViewed } from '../../app/resetViewed';
import type { ResetPolled } from '../../app/resetPolled';
import type { PasswordResetSubmitted, PasswordResetOutcome } from '../../app/passwordResetSubmitted';
import { directoryRefusalMessage } from '../../ports/directoryRefusalKeys';
import { randomBytes } from 'node:crypto';
import { linkPage, namePage, problemPage, resetPage, verdictMessages, type ResetPageText, type ResetUrls } from './resetPages';
import { browserLocale, clientIp, contentSecurityPolicy, cookieValue, csrfTokens, formParams, sendHtml, sendJson, type RenderedPage } from './webKit';

export interface ResetRoutesDeps {
  readonly publicBaseUrl: string;
  readonly i18n: I18n;
  readonly organisationName: string;
  readonly minLength: number;
  /** Keys the CSRF tokens. */
  readonly csrfKey: Buffer;
  readonly logger: Logger;
  readonly start: ResetStarted;
  readonly view: ResetViewed;
  readonly chooseMethod: ResetMethodChosen;
  readonly answer: ResetAnswerSubmitted;
  readonly poll: ResetPolled;
  readonly password: PasswordResetSubmitted;
}

export const RESET_PATHS = {
  start: '/reset',
  /** Followed by /<token>: the single-use links the SMS and Teams journeys send. */
  link: '/reset/link',
  session: '/reset/s',
} as const;

const SESSION_COOKIE = 'signet_reset';
const START_COOKIE = 'signet_reset_start';
const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
const QUESTION_FIELDS = 5;

export function registerResetRoutes(server: restify.Server, deps: ResetRoutesDeps): void {
  const text: ResetPageText = { i18n: deps.i18n, org: deps.organisationName, minLength: deps.minLength };
  const secure = deps.publicBaseUrl.startsWith('https://') ? '; Secure' : '';
  const csp = contentSecurityPolicy();
  const csrf = csrfTokens(deps.csrfKey);
  const send = (res: restify.Response, rendered: RenderedPage, headers: Record<string, string> = {}): void => sendHtml(res, rendered, csp, headers);
  const locale = (req: restify.Request): string => browserLocale(req, deps.i18n);
  const guarded = (handler: (req: restify.Request, res: restify.Response) => Promise<void>): restify.RequestHandler => async (req, res) => {
    try {
      await handler(req, res);
    } catch (error) {
      deps.logger.error('reset page failed', { path: req.getPath().slice(0, 40), error: error instanceof Error ? error.name : 'unknown' });
      if (!res.headersSent) send(res, problemPage(text, locale(req), 500, 'passwordReset.problem.unexpected', RESET_PATHS.start));
    }
  };
  const urlsFor = (id: string): ResetUrls => {
    const self = `${RESET_PATHS.session}/${id}`;
    return { self, method: `${self}/method`, answer: `${self}/answer`, password: `${self}/password`, unlock: `${self}/unlock`, strength: `${self}/strength`, status: `${self}/status` };
  };
  const sessionId = (req: restify.Request): string | null => {
    const id = req.params?.['id'];
    return typeof id === 'string' && ID_PATTERN.test(id) ? id : null;
  };
  const token = (req: restify.Request): string | null => cookieValue(req, SESSION_COOKIE);
  const show = async (req: restify.Request, res: restify.Response, id: string, notices: readonly Reply[] = []): Promise<void> => {
    const view = await deps.view.view(id, token(req));
    send(res, resetPage(text, view, urlsFor(id), { csrf: csrf.tokenFor(id, token(req)), notices, startUrl: RESET_PATHS.start }));
  };
  const missing = (req: restify.Request, res: restify.Response): void => send(res, problemPage(text, locale(req), 404, 'passwordReset.problem.missing', RESET_PATHS.start));
  /** A session form: a valid id and the CSRF token of this browser's session, or the "missing" page. */
  const sessionForm = (req: restify.Request, res: restify.Response): { id: string; form: Record<string, string> } | null => {
    const id = sessionId(req);
    const form = formParams(req.body);
    if (id === null || !csrf.accepts(id, token(req), form['csrf'])) {
      missing(req, res);
      return null;
    }
    return { id, form };
  };
  const started = (req: restify.Request, res: restify.Response, outcome: ResetStartOutcome): void => {
    if (outcome.kind === 'rateLimited') return send(res, problemPage(text, locale(req), 429, 'passwordReset.problem.rateLimited', RESET_PATHS.start));
    if (outcome.kind === 'invalidLink') return send(res, problemPage(text, locale(req), 410, 'passwordReset.problem.invalidLink', RESET_PATHS.start));
    if (outcome.kind === 'invalidName') return;
    const path = `${RESET_PATHS.session}/${outcome.session.id}`;
    const maxAge = Math.max(1, Math.round((outcome.session.expiresAt - outcome.session.createdAt) / 1000));
    res.sendRaw(303, '', { Location: path, 'Set-Cookie': `${SESSION_COOKIE}=${outcome.token}; Path=${path}; Max-Age=${maxAge}; HttpOnly; SameSite=Strict${secure}`, 'Cache-Control': 'no-store' });
  };

  server.get(RESET_PATHS.start, guarded(async (req, res) => {
    const startSecret = randomBytes(24).toString('base64url');
    send(res, namePage(text, locale(req), RESET_PATHS.start, csrf.tokenFor('start', startSecret)), {
      'Set-Cookie': `${START_COOKIE}=${startSecret}; Path=${RESET_PATHS.start}; Max-Age=3600; HttpOnly; SameSite=Strict${secure}`,
    });
  }));

  server.post(RESET_PATHS.start, guarded(async (req, res) => {
    const form = formParams(req.body);
    const startSecret = cookieValue(req, START_COOKIE);
    if (!csrf.accepts('start', startSecret, form['csrf'])) return send(res, problemPage(text, locale(req), 403, 'passwordReset.problem.missing', RESET_PATHS.start));
    const outcome = await deps.start.start({ name: form['name'] ?? '', purpose: form['purpose'] === 'unlock' ? 'unlock' : 'reset', ip: clientIp(req), locale: locale(req) });
    if (outcome.kind === 'invalidName') return send(res, namePage(text, locale(req), RESET_PATHS.start, csrf.tokenFor('start', startSecret), [{ key: 'passwordReset.name.invalid' }]));
    started(req, res, outcome);
  }));

  server.get(`${RESET_PATHS.link}/:token`, guarded(async (req, res) => {
    const given = req.params?.['token'];
    if (typeof given !== 'string' || !TOKEN_PATTERN.test(given)) return send(res, problemPage(text, locale(req), 410, 'passwordReset.problem.invalidLink', RESET_PATHS.start));
    send(res, linkPage(text, locale(req), RESET_PATHS.link, given));
  }));

  server.post(RESET_PATHS.link, guarded(async (req, res) => {
    const given = formParams(req.body)['token'] ?? '';
    started(req, res, await deps.start.startFromLink(TOKEN_PATTERN.test(given) ? given : '', clientIp(req)));
  }));

  server.get(`${RESET_PATHS.session}/:id`, guarded(async (req, res) => {
    const id = sessionId(req);
    if (id === null) return missing(req, res);
    await show(req, res, id);
  }));

  server.get(`${RESET_PATHS.session}/:id/status`, guarded(async (req, res) => {
    const id = sessionId(req);
    const state = id === null ? 'missing' : await deps.poll.poll(id, token(req));
    sendJson(res, state === 'missing' ? 404 : 200, { state });
  }));

  server.post(`${RESET_PATHS.session}/:id/method`, guarded(async (req, res) => {
    const checked = sessionForm(req, res);
    if (!checked) return;
    const outcome = await deps.chooseMethod.choose(checked.id, token(req), checked.form['method'] ?? '', clientIp(req));
    if (outcome.kind === 'refused') return show(req, res, checked.id, [{ key: `passwordReset.problem.${outcome.reason}` }]);
    if (outcome.kind === 'unavailable') return show(req, res, checked.id, [{ key: 'passwordReset.problem.methodUnavailable' }]);
    res.sendRaw(303, '', { Location: urlsFor(checked.id).self, 'Cache-Control': 'no-store' });
  }));

  server.post(`${RESET_PATHS.session}/:id/answer`, guarded(async (req, res) => {
    const checked = sessionForm(req, res);
    if (!checked) return;
    const { form } = checked;
    const answers: string[] = [];
    for (let i = 0; i < QUESTION_FIELDS && form[`answer${i}`] !== undefined; i++) answers.push(form[`answer${i}`]!.slice(0, 2000));
    const outcome = await deps.answer.submit(checked.id, token(req), { code: (form['code'] ?? '').slice(0, 64), answers });
    const notices: Reply[] = outcome.kind === 'wrong' ? [{ key: 'passwordReset.verifying.wrong', params: { count: outcome.attemptsLeft } }] : [];
    await show(req, res, checked.id, notices);
  }));

  server.post(`${RESET_PATHS.session}/:id/strength`, guarded(async (req, res) => {
    const checked = sessionForm(req, res);
    if (!checked) return;
    const verdict = await deps.password.strength(checked.id, token(req), (checked.form['password'] ?? '').slice(0, 300));
    if (!verdict) return sendJson(res, 404, { state: 'missing' });
    const view = await deps.view.view(checked.id, token(req));
    sendJson(res, 200, { score: verdict.score, ok: verdict.ok, ...verdictMessages(text, view.kind === 'missing' ? locale(req) : view.locale, verdict) });
  }));

  const finished = async (req: restify.Request, res: restify.Response, id: string, outcome: PasswordResetOutcome): Promise<void> => {
    switch (outcome.kind) {
      case 'done':
        return void res.sendRaw(303, '', { Location: urlsFor(id).self, 'Cache-Control': 'no-store' });
      case 'rejected':
        return show(req, res, id, outcome.verdict.problems.map((p) => ({ key: `passwordReset.newPassword.problem.${p}` })));
      case 'refused': {
        const message = directoryRefusalMessage(outcome.refusal);
        return show(req, res, id, [{ key: message.key, params: message.params }]);
      }
      case 'alreadyUsed':
      case 'notAllowed':
        return send(res, problemPage(text, locale(req), 409, `passwordReset.problem.${outcome.kind}`, RESET_PATHS.start));
      default:
        return show(req, res, id);
    }
  };

  server.post(`${RESET_PATHS.session}/:id/password`, guarded(async (req, res) => {
    const checked = sessionForm(req, res);
    if (!checked) return;
    const outcome = await deps.password.setPassword(checked.id, token(req), (checked.form['password'] ?? '').slice(0, 300), (checked.form['confirmation'] ?? '').slice(0, 300));
    await finished(req, res, checked.id, outcome);
  }));

  server.post(`${RESET_PATHS.session}/:id/unlock`, guarded(async (req, res) => {
    const checked = sessionForm(req, res);
    if (!checked) return;
    await finished(req, res, checked.id, await deps.password.unlock(checked.id, token(req)));
  }));
}
