// Deterministic malformed requests for every route Signet serves (src/server.ts, src/channels/twilio/twilioRoutes.ts,
// src/api/verificationRoutes.ts): broken JSON, wrong types, huge strings, bad form encodings and bytes, wrong
// media types, missing or wrong signatures and credentials — and correctly signed or authenticated garbage, so
// the handlers behind the checks see it too.
import { formBody, twilioSignature } from '../../support/twilioSigner';
import { AUTH_TOKEN } from '../../support/twilioAppHarness';

export interface MalformedRequest {
  /** Which instance: the one with Twilio configured, or the simulated one (development routes). */
  readonly target: 'twilio' | 'simulated';
  readonly route: string;
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: Buffer;
}

/** Every route, as "METHOD pattern" (the checks print how many requests each received). */
export const ROUTES = [
  'GET /healthz',
  'GET /readyz',
  'POST /api/messages',
  'POST /api/twilio/sms',
  'POST /api/twilio/voice/:step',
  'POST /api/twilio/status/:kind',
  'GET /api/v1/openapi.json',
  'POST /api/v1/verifications',
  'GET /api/v1/verifications/:id',
  'POST /api/v1/verifications/:id/code',
  'GET /api/dev/telephony/outbox',
  'POST /api/dev/telephony/sms',
  'POST /api/dev/telephony/calls/:ref/:step',
] as const;

/** A small seeded generator (mulberry32): the same run every time, so a failure can be replayed. */
function generator(seed: number): { int(n: number): number; pick<T>(list: readonly T[]): T } {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { int: (n) => Math.floor(next() * n), pick: (list) => list[Math.floor(next() * list.length)]! };
}

const HUGE = 200 * 1024;
const OVER_LIMIT = 300 * 1024;

/**
 * Yields `count` requests, one at a time: a caller that measures memory must not hold them all (some bodies are
 * hundreds of kilobytes).
 */
export function* malformedRequests(count: number, options: { publicBaseUrl: string; apiSecret: string; serviceUrl: string; seed?: number }): Generator<MalformedRequest> {
  const g = generator(options.seed ?? 8);
  const text = (max: number): string => {
    const alphabet = ['1', '2', '#', '0', ' ', '\n', 'x', '+', '%', '&', '=', '"', '{', '[', '\\', 'é', '😀', '\u0000', '\u202e', 'a'];
    return Array.from({ length: 1 + g.int(max) }, () => g.pick(alphabet)).join('');
  };
  const huge = (): string => g.pick(['1', 'a', '9 ', '+1', '{"a":', '[']).repeat(Math.ceil(HUGE / 2)).slice(0, HUGE);
  const oddValues = (): unknown => g.pick<unknown>([null, 0, -1, 1e308, true, 'x', '', [], {}, [[[]]], { $ne: '' }, JSON.parse('{"__proto__":{"admin":true}}'), text(40), ['+12065550123']]);
  const junkJson = (): string =>
    g.pick([
      '{',
      '{"user":',
      '[1,2',
      'nul',
      '"unterminated',
      '{"a":1,}',
      "{'single':'quotes'}",
      '{"a":"\\ud800"}',
      '['.repeat(20_000),
      '{"a":'.repeat(5_000),
      text(200),
    ]);
  const wrongTypes = (): unknown =>
    g.pick<unknown>([
      null,
      42,
      'a string',
      [],
      { user: oddValues(), context: oddValues() },
      { user: 'ada.lovelace@signet-demo.example', context: { ip: oddValues(), application: oddValues() }, method: oddValues() },
      { user: 'ada.lovelace@signet-demo.example', context: { ip: '', application: ' ' }, callbackUrl: oddValues() },
      { code: oddValues() },
      { code: '   ' },
      { code: text(100) },
      { type: oddValues(), text: oddValues(), from: oddValues(), conversation: oddValues() },
      { type: 'message', text: text(300), from: { id: '29:fuzz' }, conversation: { id: 'a:fuzz' }, serviceUrl: options.serviceUrl, channelId: 'msteams' },
      { type: 'invoke', name: g.pick(['adaptiveCard/action', 'task/fetch', 'composeExtension/query', 'x']), value: oddValues() },
      { from: oddValues(), body: oddValues(), digits: oddValues(), answeredBy: oddValues(), status: oddValues(), attempt: oddValues() },
      { a: { b: { c: { d: { e: { f: oddValues() } } } } } },
    ]);
  const jsonBody = (): Buffer =>
    Buffer.from(g.int(10) < 4 ? junkJson() : g.int(20) === 0 ? JSON.stringify({ user: huge(), code: huge().slice(0, 1000), text: huge() }) : JSON.stringify(wrongTypes()));
  const formParams = (): Record<string, string> => {
    const params: Record<string, string> = {};
    const fields = ['MessageSid', 'From', 'To', 'Body', 'CallSid', 'Digits', 'CallStatus', 'AnsweredBy', 'MessageStatus', 'ErrorCode', 'x'];
    for (let i = g.int(6); i >= 0; i--) params[g.pick(fields)] = g.int(30) === 0 ? huge() : text(60);
    return params;
  };
  const badForm = (): Buffer =>
    g.pick([
      () => Buffer.from(g.pick(['%', '%zz', 'a=%E0%A4%A', '&&&=&', '=x', 'Body=%ff%fe', 'a[b][c]=1&a[b]=2', 'From=+1&From=+2&From=+3', text(100)])),
      () => Buffer.from([0x42, 0x6f, 0x64, 0x79, 0x3d, 0xff, 0xfe, 0xc3, 0x28]),
      () => Buffer.from(`Body=${'%31'.repeat(HUGE / 3)}`),
    ])();

  const voiceSteps = ['answer', 'key', 'status', 'nope', '..%2F..', 'x'.repeat(300)];
  const queries = ['', '?kind=verification&user=29%3A1abc-user&ref=nope&locale=en-US', '?kind=enrollment&user=&ref=&locale=xx&mode=bad', `?${text(80).replace(/[#\s]/g, '')}`];
  for (let i = 0; i < count; i++) {
    const route = ROUTES[i % ROUTES.length]!;
    const [method, pattern] = route.split(' ') as [string, string];
    let target: MalformedRequest['target'] = 'twilio';
    let path = pattern;
    const headers: Record<string, string> = {};
    let body: Buffer | undefined;
    const contentType = (): string =>
      g.pick(['application/json', 'application/x-www-form-urlencoded', 'text/plain', 'application/json; charset=latin1', 'multipart/form-data; boundary=x', '']);
    switch (pattern) {
      case '/api/twilio/sms':
      case '/api/twilio/voice/:step':
      case '/api/twilio/status/:kind': {
        path = pattern.replace(':step', g.pick(voiceSteps)).replace(':kind', g.pick(['call', 'message', 'sms', 'nope'])) + (pattern === '/api/twilio/sms' ? '' : g.pick(queries));
        const params = formParams();
        const form = g.int(5) === 0 ? badForm() : Buffer.from(formBody(params));
        body = form;
        headers['Content-Type'] = g.int(8) === 0 ? contentType() : 'application/x-www-form-urlencoded';
        // Most are signed correctly (the handlers must cope with signed garbage); the rest are unsigned or forged.
        const signing = g.int(10);
        if (signing < 6) headers['X-Twilio-Signature'] = twilioSignature(AUTH_TOKEN, `${options.publicBaseUrl}${path}`, params);
        else if (signing < 8) headers['X-Twilio-Signature'] = g.pick(['', 'x', '=', 'AAAA', text(40).replace(/[^\x20-\x7e]/g, '')]);
        break;
      }
      case '/api/dev/telephony/sms':
      case '/api/dev/telephony/calls/:ref/:step':
      case '/api/dev/telephony/outbox':
        target = 'simulated';
        path = pattern.replace(':ref', encodeURIComponent(g.pick(['SMnope', 'CAnope', text(20)]))).replace(':step', g.pick(['answer', 'key', 'status', 'nope']));
        if (method === 'POST') {
          body = jsonBody();
          headers['Content-Type'] = g.int(8) === 0 ? contentType() : 'application/json';
        }
        break;
      case '/api/v1/verifications':
      case '/api/v1/verifications/:id/code':
      case '/api/v1/verifications/:id':
      case '/api/v1/openapi.json': {
        path = pattern.replace(':id', encodeURIComponent(g.pick(['nope', 'ch-1', '../../etc', text(30), 'x'.repeat(2000)])));
        const auth = g.int(10);
        if (auth < 6) headers['Authorization'] = `Bearer ${options.apiSecret}`;
        else if (auth < 8) headers['Authorization'] = g.pick(['Bearer', 'Bearer sgn_', 'Basic abc', `Bearer ${'a'.repeat(5000)}`, 'Bearer sgn_x.y.z']);
        if (method === 'POST') {
          body = jsonBody();
          headers['Content-Type'] = g.int(8) === 0 ? contentType() : 'application/json';
        }
        break;
      }
      case '/api/messages':
        body = g.int(20) === 0 ? badForm() : jsonBody();
        headers['Content-Type'] = g.int(8) === 0 ? contentType() : 'application/json';
        break;
      default:
        // GET routes: a body, a query string and odd headers they must ignore.
        path = `${pattern}${g.pick(['', '?x=%zz', `?${'a'.repeat(4000)}`])}`;
        break;
    }
    if (body !== undefined && g.int(200) === 0) body = Buffer.alloc(OVER_LIMIT, 0x61);
    if (body !== undefined && g.int(100) === 0) headers['Content-Encoding'] = 'gzip';
    if (headers['Content-Type'] === '') delete headers['Content-Type'];
    yield { target, route, method, path, headers, ...(body !== undefined ? { body } : {}) };
  }
}
