// The HTTP surface: createServer(deps) builds the restify server and its routes without listening, so tests can
// drive it. It owns the JSON error shape and the one-line request log; body reading lives in httpRequests.ts, and
// channel routes come mounted by their wiring (the host imports no channel).
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as restify from 'restify';
import type { CloudAdapter } from 'botbuilder';
import type { AppConfig } from './config/loadConfig';
import type { I18n } from './i18n';
import type { Logger } from './logging/logger';
import type { Stores } from './ports/repositories';
import { botMessagesHandler, type TurnRunner } from './botMessagesRoute';
import { readBody } from './httpRequests';
import { ERROR_CODES, sendError, type ErrorCode } from './httpErrors';

export { ERROR_CODES, sendError, type ErrorBody, type ErrorCode } from './httpErrors';
export { findForbiddenKey, readBody, rejectOperatorKeys, type ReadRequest } from './httpRequests';

/** A channel's routes, ready to be mounted on the host. */
export interface MountsRoutes {
  mount(server: restify.Server): void;
}

export interface ServerDeps {
  readonly config: AppConfig;
  readonly stores: Stores;
  readonly logger: Logger;
  readonly i18n: I18n;
  /** The adapter is asked for on each Teams request, so botbuilder can load on the first one. */
  readonly bot: { readonly adapter: () => CloudAdapter; readonly handler: TurnRunner };
  /**
   * Mounts the Twilio webhooks (and, for simulated telephony, the development routes); built by the telephony
   * wiring, so the host never imports a channel. Unset: Twilio gets 403.
   */
  readonly telephony?: MountsRoutes;
  /** Registers further routes (later channels, test fixtures) after the built-in ones. */
  readonly extraRoutes?: (server: restify.Server) => void;
}

/** restify's `server.first` (documented since restify 8), which @types/restify does not declare: true goes on. */
interface FirstHandlers {
  first(handler: (req: IncomingMessage, res: ServerResponse) => boolean): void;
}

const READINESS_TIMEOUT_MS = 2000;
/** Seconds a 503 asks clients (and load balancers) to wait when the handler named no better figure. */
export const DEFAULT_RETRY_AFTER_SECONDS = 5;

export function createServer(deps: ServerDeps): restify.Server {
  const { config, stores, logger, bot } = deps;
  const server = restify.createServer({ name: 'signet', handleUncaughtExceptions: false });
  // Slow-drip clients must not hold sockets for Node's 5-minute default; a Teams turn fits well inside 30 s.
  server.server.headersTimeout = 15_000;
  server.server.requestTimeout = 30_000;
  // restify re-emits socket-level server errors on itself; unheard, an EventEmitter 'error' would crash us.
  server.on('error', (err: unknown) => logger.error('http server error', { error: err }));

  // A "first" handler, not a pre-route one: restify calls it synchronously before decorating the request, without
  // its handler chain's per-request set-up (a tenth of the SMS webhook's garbage went to the pre chain alone).
  (server as restify.Server & FirstHandlers).first(beforeEveryRequest(logger, DEFAULT_RETRY_AFTER_SECONDS));
  server.use(readBody(config.bodyLimitBytes));
  server.on('restifyError', (req: restify.Request, res: restify.Response, err: unknown, done: () => void) => {
    sendRestifyError(req, res, err, logger);
    done();
  });

  // Liveness: the process answers. Never touches the store, so a database outage does not get us restarted.
  server.get('/healthz', (_req, res, next) => {
    res.send(200, { status: 'ok' });
    next();
  });

  // Readiness: the store answers within a bound. Never throws; a failure is a 503 for the load balancer.
  server.get('/readyz', async (_req, res) => {
    try {
      await withTimeout(Promise.resolve().then(() => stores.ping()), READINESS_TIMEOUT_MS);
      res.send(200, { status: 'ok' });
    } catch (err) {
      logger.warn('readiness check failed', { error: err });
      res.header('Retry-After', String(DEFAULT_RETRY_AFTER_SECONDS));
      res.send(503, { status: 'unavailable' });
    }
  });

  // Teams activities go to botbuilder as parsed, without rejectOperatorKeys: the bot code validates what it uses.
  server.post('/api/messages', botMessagesHandler({ adapter: bot.adapter, handler: bot.handler, logger }));

  if (deps.telephony) {
    deps.telephony.mount(server);
  } else {
    // No telephony wired (some tests): nothing can verify Twilio's signature, so nothing is processed.
    const refuse: restify.RequestHandler = (_req, res, next) => {
      res.sendRaw(403, 'Twilio request validation failed.', { 'Content-Type': 'text/plain; charset=utf-8' });
      next();
    };
    server.post('/api/twilio/sms', refuse);
    server.post('/api/twilio/voice/:step', refuse);
    server.post('/api/twilio/status/:kind', refuse);
  }

  deps.extraRoutes?.(server);
  return server;
}

/**
 * The one handler before routing (one per request is cheaper than two): the request log line, and Retry-After on 503s.
 * Log: one line per request with method, path (no query string: it may hold tokens), status, duration; never
 * bodies. Retry-After: every 503 carries it — handlers that know better set their own; any other 503 (botbuilder,
 * a route added later) gets `retryAfterSeconds`, added as the status line is written so no path can forget it.
 */
function beforeEveryRequest(logger: Logger, retryAfterSeconds: number): (req: IncomingMessage, res: ServerResponse) => boolean {
  const retryAfter = String(retryAfterSeconds);
  return (req, res) => {
    const started = process.hrtime.bigint();
    const writeHead = res.writeHead;
    res.writeHead = function (this: ServerResponse, statusCode: number) {
      if (statusCode === 503 && !this.headersSent && !this.hasHeader('Retry-After')) this.setHeader('Retry-After', retryAfter);
      // eslint-disable-next-line prefer-rest-params -- passes writeHead's overloads through untouched, without a copy
      return writeHead.apply(this, arguments as unknown as Parameters<typeof writeHead>);
    } as typeof res.writeHead;
    res.on('close', () => {
      const ms = Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10;
      const fields = res.writableFinished
        ? { method: req.method, path: pathOf(req.url), status: res.statusCode, ms }
        : { method: req.method, path: pathOf(req.url), status: res.statusCode, ms, aborted: true };
      if (res.statusCode >= 500) logger.error('request', fields);
      else logger.info('request', fields);
    });
    return true;
  };
}

/** The path of a request target, without query or fragment, cut to 200 characters (restify's getPath parses a URL). */
function pathOf(url: string | undefined): string {
  const target = url ?? '';
  let end = target.length;
  const query = target.indexOf('?');
  if (query >= 0) end = query;
  const fragment = target.indexOf('#');
  if (fragment >= 0 && fragment < end) end = fragment;
  return target.slice(0, Math.min(end, 200));
}

function sendRestifyError(req: restify.Request, res: restify.Response, err: unknown, logger: Logger): void {
  const status = statusOf(err);
  if (status >= 500) logger.error('request failed', { method: req.method, path: pathOf(req.url), error: err });
  if (res.headersSent) return;
  const [code, message] = describeStatus(status);
  sendError(res, status >= 500 ? 500 : status, code, message);
}

function statusOf(err: unknown): number {
  if (err instanceof Error && 'statusCode' in err && typeof err.statusCode === 'number') return err.statusCode;
  return 500;
}

function describeStatus(status: number): [ErrorCode, string] {
  switch (status) {
    case 404:
      return [ERROR_CODES.notFound, 'There is nothing at this address.'];
    case 405:
      return [ERROR_CODES.methodNotAllowed, 'This address does not accept that method.'];
    case 413:
      return [ERROR_CODES.payloadTooLarge, 'The body is too large.'];
    case 415:
      return [ERROR_CODES.unsupportedMediaType, 'This content type is not accepted.'];
    default:
      return status < 500
        ? [ERROR_CODES.badRequest, 'The request could not be processed.']
        : [ERROR_CODES.internal, 'Something went wrong on our side. Nothing was changed.'];
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
