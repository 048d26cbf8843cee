// The HTTP surface: createServer(deps) builds the restify server and its routes without listening, so tests can
// drive it. It owns body reading (size limit, strict UTF-8), the JSON error shape and the one-line request log.
import type { IncomingMessage } from 'node:http';
import * as restify from 'restify';
import type { ActivityHandler, CloudAdapter } from 'botbuilder';
import type { AppConfig } from './config/loadConfig';
import type { I18n } from './i18n';
import type { Logger } from './logging/logger';
import type { Stores } from './ports/repositories';
import { registerTwilioRoutes, type TwilioRouteDeps } from './channels/twilio/twilioRoutes';
import { botMessagesHandler } from './botMessagesRoute';
import { ERROR_CODES, sendError, type ErrorCode } from './httpErrors';

export { ERROR_CODES, sendError, type ErrorBody, type ErrorCode } from './httpErrors';

export interface ServerDeps {
  readonly config: AppConfig;
  readonly stores: Stores;
  readonly logger: Logger;
  readonly i18n: I18n;
  readonly bot: { readonly adapter: CloudAdapter; readonly handler: ActivityHandler };
  /** The Twilio webhooks (and, for simulated telephony, the development routes); unset: Twilio gets 403. */
  readonly telephony?: Omit<TwilioRouteDeps, 'publicBaseUrl'>;
  /** Registers further routes (later channels, test fixtures) after the built-in ones. */
  readonly extraRoutes?: (server: restify.Server) => void;
}

/** The request as our handlers see it once readBody has run. */
export interface ReadRequest extends restify.Request {
  /** The body exactly as received, decoded as UTF-8 (Twilio signatures are computed over form fields). */
  rawBody?: string;
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

  server.pre(logRequests(logger));
  server.pre(retryAfterOnUnavailable(DEFAULT_RETRY_AFTER_SECONDS));
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
    registerTwilioRoutes(server, { ...deps.telephony, publicBaseUrl: config.publicBaseUrl });
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
 * Rejects a JSON body with any object key that starts with "$" (query-operator shaped: `{"upn": {"$ne": ""}}`)
 * or that could reach an object's prototype. Put it on every JSON route whose body may reach a database query.
 */
export const rejectOperatorKeys: restify.RequestHandler = (req, res, next) => {
  const key = findForbiddenKey(req.body);
  if (key === undefined) return next();
  sendError(res, 400, ERROR_CODES.forbiddenKey, 'The body contains an object key that is not allowed (keys may not start with "$").');
  return next(false);
};

/** The first forbidden object key in a parsed JSON value, or undefined. Iterative: deep nesting cannot blow the stack. */
export function findForbiddenKey(value: unknown): string | undefined {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const current = stack.pop();
    if (current === null || typeof current !== 'object') continue;
    if (Array.isArray(current)) {
      stack.push(...current);
      continue;
    }
    for (const [key, child] of Object.entries(current)) {
      if (key.startsWith('$') || key === '__proto__') return key;
      stack.push(child);
    }
  }
  return undefined;
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json$/;
const FORM_TYPE = 'application/x-www-form-urlencoded';
// Bytes past the limit we read and throw away so the client gets to read our 413; beyond this we hang up.
const MAX_DISCARD_BYTES = 1024 * 1024;

/**
 * Reads the body of POST/PUT/PATCH/DELETE requests: at most `limitBytes` (413 otherwise), no content-encoding,
 * JSON or form media types only (415), strictly valid UTF-8 (400) — all before any handler runs, so nothing
 * downstream ever sees replacement characters or touches the store for a bad body. Sets `req.body` (parsed) and
 * `req.rawBody` (text).
 */
export function readBody(limitBytes: number): restify.RequestHandler {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  return (req: ReadRequest, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
    const declared = req.headers['content-length'];
    const chunked = req.headers['transfer-encoding'] !== undefined;
    if ((declared === undefined || declared === '0') && !chunked) return next();

    const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    const { mediaType, charset } = parseContentType(req.headers['content-type']);
    const isJson = JSON_TYPE.test(mediaType);
    if (encoding !== 'identity' || (!isJson && mediaType !== FORM_TYPE) || (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8')) {
      drainThen(req, () => {
        sendError(res, 415, ERROR_CODES.unsupportedMediaType, 'Send application/json or application/x-www-form-urlencoded, UTF-8, without content-encoding.');
        next(false);
      });
      return;
    }

    const tooLarge = (): void => {
      res.header('Connection', 'close');
      sendError(res, 413, ERROR_CODES.payloadTooLarge, `The body is larger than ${limitBytes} bytes.`);
      next(false);
    };
    if (declared !== undefined && Number(declared) > limitBytes) {
      drainThen(req, tooLarge);
      return;
    }

    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (action: () => void): void => {
      if (settled) return;
      settled = true;
      req.removeListener('data', onData);
      action();
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limitBytes) chunks.push(chunk);
      else settle(() => drainThen(req, tooLarge));
    };
    req.on('data', onData);
    req.once('aborted', () => settle(() => next(false)));
    req.once('error', () => settle(() => next(false)));
    req.once('end', () =>
      settle(() => {
        let text: string;
        try {
          text = decoder.decode(Buffer.concat(chunks));
        } catch {
          sendError(res, 400, ERROR_CODES.invalidUtf8, 'The body is not valid UTF-8.');
          return next(false);
        }
        req.rawBody = text;
        if (isJson) {
          try {
            req.body = JSON.parse(text) as unknown;
          } catch {
            sendError(res, 400, ERROR_CODES.invalidJson, 'The body is not valid JSON.');
            return next(false);
          }
        } else {
          req.body = Object.fromEntries(new URLSearchParams(text));
        }
        return next();
      }),
    );
  };
}

function parseContentType(header: string | undefined): { mediaType: string; charset: string | undefined } {
  const [type = '', ...params] = (header ?? '').split(';');
  let charset: string | undefined;
  for (const param of params) {
    const [name, value] = param.split('=');
    if (name?.trim().toLowerCase() === 'charset' && value !== undefined) charset = value.trim().replace(/^"|"$/g, '').toLowerCase();
  }
  return { mediaType: type.trim().toLowerCase(), charset };
}

/** Reads and discards the rest of the body (bounded), then calls `then`, so the client can read our answer. */
function drainThen(req: IncomingMessage, then: () => void): void {
  if (req.readableEnded || req.complete) return then();
  let discarded = 0;
  let called = false;
  const once = (): void => {
    if (called) return;
    called = true;
    then();
  };
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > MAX_DISCARD_BYTES) {
      once();
      req.destroy();
    }
  });
  req.once('end', once);
  req.once('aborted', once);
  req.once('error', once);
  req.resume();
}

/** One line per request: method, path (no query string: it may hold tokens), status, duration. Never bodies. */
function logRequests(logger: Logger): restify.RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('close', () => {
      const ms = Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10;
      const fields = { method: req.method, path: req.getPath().slice(0, 200), status: res.statusCode, ms, ...(res.writableFinished ? {} : { aborted: true }) };
      if (res.statusCode >= 500) logger.error('request', fields);
      else logger.info('request', fields);
    });
    next();
  };
}

/**
 * Every 503 carries Retry-After: handlers that know better set their own; any other 503 (botbuilder, a route
 * added later) gets `seconds`, added as the status line is written so no path can forget it.
 */
function retryAfterOnUnavailable(seconds: number): restify.RequestHandler {
  return (_req, res, next) => {
    const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => unknown;
    (res as { writeHead: (...args: unknown[]) => unknown }).writeHead = (statusCode: unknown, ...rest: unknown[]) => {
      if (statusCode === 503 && !res.headersSent && !res.hasHeader('Retry-After')) res.setHeader('Retry-After', String(seconds));
      return writeHead(statusCode, ...rest);
    };
    next();
  };
}

function sendRestifyError(req: restify.Request, res: restify.Response, err: unknown, logger: Logger): void {
  const status = statusOf(err);
  if (status >= 500) logger.error('request failed', { method: req.method, path: req.getPath().slice(0, 200), error: err });
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
