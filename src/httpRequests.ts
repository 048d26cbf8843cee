// Reading and vetting request bodies, shared by the host and the routes that channels mount: the body read once
// (size limit, strict UTF-8, JSON or form), kept raw for signature checks, and JSON keys shaped like query operators refused.
import type { IncomingMessage } from 'node:http';
import type * as restify from 'restify';
import { ERROR_CODES, sendError } from './httpErrors';

/** The request as our handlers see it once readBody has run. */
export interface ReadRequest extends restify.Request {
  /** The body exactly as received, decoded as UTF-8 (Twilio signatures are computed over form fields). */
  rawBody?: string;
  /**
   * A form body's fields as received, repeated names kept as arrays, in an object without prototype (a field named
   * "__proto__" is a field like any other): parsed once here, so a signature check need not parse `rawBody` again.
   */
  formFields?: Readonly<Record<string, string | readonly string[]>>;
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
    // `on`, not `once`: `settle` acts once anyway, and `once` wraps each listener in two more objects per request.
    req.on('data', onData);
    req.on('aborted', () => settle(() => next(false)));
    req.on('error', () => settle(() => next(false)));
    req.on('end', () =>
      settle(() => {
        let text: string;
        try {
          text = decoder.decode(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
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
          const [body, fields] = formOf(text);
          req.body = body;
          req.formFields = fields;
        }
        return next();
      }),
    );
  };
}

/**
 * One pass over the form: the body as handlers read it (the last value of a repeated name, as Object.fromEntries
 * would keep it) and every field as received (repeats as arrays) for signature checks. Without a repeated name the
 * two are the same: the body's own properties are every field (the fields are read by own names only).
 */
function formOf(text: string): [Record<string, string>, Readonly<Record<string, string | readonly string[]>>] {
  const body: Record<string, string> = {};
  let repeated = false;
  new URLSearchParams(text).forEach((value, name) => {
    if (!repeated && Object.prototype.hasOwnProperty.call(body, name)) repeated = true;
    // A field named "__proto__" is an own property, as Object.fromEntries makes it, never the prototype.
    if (name === '__proto__') Object.defineProperty(body, name, { value, writable: true, enumerable: true, configurable: true });
    else body[name] = value;
  });
  return [body, repeated ? everyField(text) : body];
}

/** Every field, repeats as arrays, in an object without prototype (a name like "constructor" is just a name). */
function everyField(text: string): Record<string, string | string[]> {
  const fields = Object.create(null) as Record<string, string | string[]>;
  new URLSearchParams(text).forEach((value, name) => {
    const seen = fields[name];
    if (seen === undefined) fields[name] = value;
    else if (typeof seen === 'string') fields[name] = [seen, value];
    else seen.push(value);
  });
  return fields;
}

interface ContentType {
  readonly mediaType: string;
  readonly charset: string | undefined;
}

// Clients send a handful of distinct Content-Type values; each is split once (bounded, so odd values cannot grow it).
const contentTypes = new Map<string, ContentType>();
const MAX_REMEMBERED_CONTENT_TYPES = 100;

function parseContentType(header: string | undefined): ContentType {
  const key = header ?? '';
  const known = contentTypes.get(key);
  if (known !== undefined) return known;
  const parsed = splitContentType(key);
  if (key.length <= 200 && contentTypes.size < MAX_REMEMBERED_CONTENT_TYPES) contentTypes.set(key, parsed);
  return parsed;
}

function splitContentType(header: string): ContentType {
  const [type = '', ...params] = header.split(';');
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
