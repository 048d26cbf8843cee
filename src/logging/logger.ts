// A JSON-lines logger (one object per line: level, time, msg, then fields) written by pino, whose redaction paths
// censor secret fields (named by the explicit lists below) at any depth before anything is written, so a careless
// `logger.info('x', { user })` cannot leak a code or token.
import pino from 'pino';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Readonly<Record<string, unknown>>;
/** Receives one complete JSON line, without the trailing newline. */
export type LogSink = (line: string) => void;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line (redacted like any other field). */
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  readonly level: LogLevel;
  readonly sink?: LogSink;
  /** Injected so tests get a fixed time. */
  readonly now?: () => Date;
}

export const REDACTED = '[redacted]';

// Which field names hold secrets, as explicit lists rather than one "contains code" pattern, so statusCode,
// countryCode or errorCode are written while verificationCode never is. Names are compared by their words
// (camelCase, snake_case, kebab-case and "X-Header" split), lower-cased.
/** Never written when any part of the name contains one of these (clientsecret, apiToken, newPassword). */
const SECRET_SUBSTRINGS = ['secret', 'password', 'passwd', 'passcode', 'token', 'authorization', 'signature', 'cookie', 'credential'];
/** Never written when one of the name's words is one of these. */
const SECRET_WORDS = new Set(['otp', 'totp', 'hotp', 'answer', 'answers', 'pin', 'tap', 'pass', 'seed', 'cvv', 'pwd']);
/** "code" alone is a secret (the code a person typed); so is "<one of these> code". Any other "…Code" is not. */
const SECRET_CODE_QUALIFIERS = new Set([
  'verification', 'reset', 'otp', 'totp', 'auth', 'authorization', 'recovery', 'backup', 'confirmation', 'security',
  'access', 'one', 'time', 'sms', 'email', 'mail', 'voice', 'call', 'pass', 'entered', 'typed', 'expected', 'sent', 'enrollment', 'challenge',
]);
/** Keys that sign or decrypt: "<one of these> key". Plain "key" (an i18n key, a map key) is not a secret. */
const SECRET_KEY_QUALIFIERS = new Set(['api', 'private', 'secret', 'signing', 'encryption', 'callback', 'access', 'client', 'pass', 'master']);
// Field names are cut before they are split, so no key, however long, makes redaction slow.
const MAX_NAME_LENGTH = 100;

// Field names come from a small, fixed vocabulary (the code's own), and splitting one into words is several regular
// expressions: the verdict is remembered per name, in a bounded map so odd names from data cannot grow it for ever.
const secretVerdicts = new Map<string, boolean>();
const MAX_REMEMBERED_NAMES = 1000;

/** True when values under the field name `name` are never written, whatever their depth or type. */
export function isSecretFieldName(name: string): boolean {
  const known = secretVerdicts.get(name);
  if (known !== undefined) return known;
  const verdict = decideSecretFieldName(name);
  if (name.length <= MAX_NAME_LENGTH && secretVerdicts.size < MAX_REMEMBERED_NAMES) secretVerdicts.set(name, verdict);
  return verdict;
}

function decideSecretFieldName(name: string): boolean {
  const cut = name.slice(0, MAX_NAME_LENGTH);
  const lower = cut.toLowerCase();
  if (SECRET_SUBSTRINGS.some((part) => lower.includes(part))) return true;
  const words = cut
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
  if (words.some((w) => SECRET_WORDS.has(w))) return true;
  return words.some((word, i) => {
    const before = words[i - 1];
    if (word === 'code' || word === 'codes') return words.length === 1 || (before !== undefined && SECRET_CODE_QUALIFIERS.has(before));
    if (word === 'key' || word === 'keys') return before !== undefined && SECRET_KEY_QUALIFIERS.has(before);
    return false;
  });
}

// Deep structures are cut off rather than walked: a log line is for people, and serialising must stay cheap.
const MAX_DEPTH = 8;
const MAX_STRING = 2000;
const RESERVED = new Set(['level', 'time', 'msg']);

// pino's wildcards match one level each, so one path per depth covers every nested field down to MAX_DEPTH; the
// censor sees the whole path and hides a value when any key on it is a secret's name. A top-level '*' path does
// not tell the censor its key, so top-level fields are checked by name in `envelope` instead.
const NESTED_PATHS = Array.from({ length: MAX_DEPTH }, (_, depth) => Array.from({ length: depth + 2 }, () => '*').join('.'));

function censor(value: unknown, path: readonly unknown[]): unknown {
  return path.some((key) => typeof key === 'string' && isSecretFieldName(key)) ? REDACTED : value;
}

/** Writes a pino chunk (one line with its newline). */
type ChunkWriter = (chunk: string) => void;

// pino's chunk already ends in the newline stdout needs: written as it is, not cut for a sink and joined again.
const toStdout: ChunkWriter = (chunk) => {
  process.stdout.write(chunk);
};

function toSink(sink: LogSink): ChunkWriter {
  return (chunk) => sink(chunk.endsWith('\n') ? chunk.slice(0, -1) : chunk);
}

// Lines come many to a millisecond under load: the formatted time field is kept for the millisecond it names.
let lastTimeMs = Number.NaN;
let lastTimeField = '';

/** `,"time":"<ISO 8601>"` (an ISO date needs no JSON escaping; an invalid date is written as JSON null). */
function timeField(date: Date): string {
  const ms = date.getTime();
  if (ms !== lastTimeMs) {
    lastTimeMs = ms;
    lastTimeField = Number.isNaN(ms) ? ',"time":null' : `,"time":"${date.toISOString()}"`;
  }
  return lastTimeField;
}

function createPino(level: LogLevel, writeChunk: ChunkWriter, now: () => Date, redactNested = true): pino.Logger {
  const stream = {
    write(chunk: string): void {
      try {
        writeChunk(chunk);
      } catch {
        // Logging must never take the request down with it (e.g. EPIPE on a closed stdout).
      }
    },
  };
  return pino(
    {
      level,
      base: undefined,
      timestamp: () => timeField(now()),
      formatters: { level: (label) => ({ level: label }) },
      ...(redactNested ? { redact: { paths: NESTED_PATHS, censor } } : {}),
    },
    stream,
  );
}

export function createLogger(options: LoggerOptions): Logger {
  const writeChunk = options.sink ? toSink(options.sink) : toStdout;
  const now = options.now ?? (() => new Date());
  const out = createPino(options.level, writeChunk, now);
  // A line whose fields are all plain values (most: a request line, an event with ids and counts) has nothing
  // nested for the redaction paths to censor, and its top-level names were already checked in `envelope`; walking
  // the paths anyway cost three times the rest of the line, so such lines go through an instance without them.
  const flat = createPino(options.level, writeChunk, now, false);

  const make = (bindings: LogFields): Logger => {
    const write = (level: LogLevel, msg: string, fields?: LogFields): void => {
      if (!out.isLevelEnabled(level)) return;
      try {
        const line = envelope(msg, bindings, fields);
        (hasNestedValue(line) ? out : flat)[level](line);
      } catch {
        // A field that cannot be serialised costs the line, never the request.
      }
    };
    return {
      debug: (msg, fields) => write('debug', msg, fields),
      info: (msg, fields) => write('info', msg, fields),
      warn: (msg, fields) => write('warn', msg, fields),
      error: (msg, fields) => write('error', msg, fields),
      child: (fields) => make({ ...bindings, ...fields }),
    };
  };
  return make({});
}

// msg is the first field of the object handed to pino, so every line reads level, time, msg, then the fields.
// Child bindings are merged here rather than through pino.child, which would write them before msg.
function envelope(msg: string, bindings: LogFields, fields: LogFields | undefined): Record<string, unknown> {
  const line: Record<string, unknown> = { msg: truncate(String(msg)) };
  copyFields(line, bindings);
  if (fields !== undefined) copyFields(line, fields);
  return line;
}

// Keys one by one rather than Object.entries, which allocates an array per field on every line.
function copyFields(line: Record<string, unknown>, source: LogFields): void {
  for (const key of Object.keys(source)) {
    // A field may not overwrite the envelope; it is kept under a prefixed name instead.
    line[RESERVED.has(key) ? `field_${key}` : key] = isSecretFieldName(key) ? REDACTED : plainField(source[key]);
  }
}

/** A field's value as toPlain copies it; a plain value needs no cycle tracking, so none is allocated for it. */
function plainField(value: unknown): unknown {
  return value !== null && typeof value === 'object' ? toPlain(value, 0, new WeakSet<object>()) : toPlain(value, 0, NO_ANCESTORS);
}

/** Never read: toPlain only tracks ancestors of objects. */
const NO_ANCESTORS = new WeakSet<object>();

function hasNestedValue(line: Readonly<Record<string, unknown>>): boolean {
  for (const key in line) {
    const value = line[key];
    if (value !== null && typeof value === 'object') return true;
  }
  return false;
}

// redact() answers with what the logger writes: the same pino instance and paths, read back from its own line.
let lastLine = '';
const redactor = createPino(
  'debug',
  toSink((line) => {
    lastLine = line;
  }),
  () => new Date(0),
);

/**
 * A JSON-safe copy of `value` as the logger writes it: every property whose name isSecretFieldName is "[redacted]";
 * errors become { name, message } (no stack, no own properties, which may hold request data); cycles and excessive
 * depth are cut off.
 */
export function redact(value: unknown, key?: string): unknown {
  if (key !== undefined && isSecretFieldName(key)) return REDACTED;
  const plain = toPlain(value, 0, new WeakSet<object>());
  if (plain === null || typeof plain !== 'object' || Array.isArray(plain)) return plain;
  lastLine = '';
  redactor.info(envelope('', {}, plain as LogFields));
  const { level: _level, time: _time, msg: _msg, ...fields } = JSON.parse(lastLine) as Record<string, unknown>;
  return fields;
}

/**
 * A JSON-safe copy of `value` (pino's own serialisers would write an error's stack and a Map as {}). Secrets are not
 * this function's business: pino's redaction paths censor them afterwards.
 */
function toPlain(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (value === null || value === undefined) return value ?? null;
  switch (typeof value) {
    case 'string':
      return truncate(value);
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'symbol':
    case 'function':
      return undefined;
  }
  const obj = value as object;
  if (obj instanceof Error) return { name: obj.name, message: truncate(obj.message) };
  if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? 'Invalid Date' : obj.toISOString();
  if (Buffer.isBuffer(obj) || ArrayBuffer.isView(obj) || obj instanceof ArrayBuffer) {
    return `[binary ${obj.byteLength} bytes]`;
  }
  if (depth >= MAX_DEPTH) return '[too deep]';
  if (seen.has(obj)) return '[circular]';
  seen.add(obj);
  try {
    if (Array.isArray(obj) || obj instanceof Set) {
      return [...obj].map((item) => toPlain(item, depth + 1, seen) ?? null);
    }
    const entries: Array<[string, unknown]> =
      obj instanceof Map ? [...obj.entries()].map(([k, v]) => [String(k), v]) : Object.entries(obj);
    const out: Record<string, unknown> = {};
    for (const [k, v] of entries) {
      const copied = toPlain(v, depth + 1, seen);
      if (copied !== undefined) out[k] = copied;
    }
    return out;
  } finally {
    // Only ancestors count as cycles; the same object twice side by side is logged twice.
    seen.delete(obj);
  }
}

function truncate(text: string): string {
  return text.length > MAX_STRING ? `${text.slice(0, MAX_STRING)}…[truncated]` : text;
}
