// The HTTP surface without the bot: health and readiness, body limits, strict UTF-8 before any store access,
// operator-shaped JSON keys, the error shape, the reserved Twilio routes, and the request log.
import type { Server } from 'restify';
import { rejectOperatorKeys, findForbiddenKey } from '../../src/server';
import { createMemoryStores } from '../../src/stores/memoryStores';
import { type Stores } from '../../src/ports/repositories';
import { StoreUnavailableError } from '../../src/ports/storeErrors';
import { postJson, request, spyStores, startTestApp, type TestApp } from './serverHarness';

const SMALL_LIMIT = 2048;

/** Test-only routes: an echo behind rejectOperatorKeys, and a lookup that touches the store. */
function testRoutes(server: Server, app: { stores: Stores }): void {
  server.post('/test/echo', rejectOperatorKeys, async (req, res) => {
    res.send(200, { received: req.body as unknown });
  });
  server.post('/test/lookup', rejectOperatorKeys, async (req, res) => {
    const body = req.body as { upn?: unknown };
    const user = await app.stores.users.findByUpn(String(body.upn));
    res.send(200, { found: user !== null });
  });
  server.get('/test/explode', async () => {
    throw new Error('secret detail: code=123456');
  });
}

describe('health and readiness', () => {
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('when /healthz is asked, then it answers 200 {status:"ok"}', async () => {
    app = await startTestApp();
    const res = await request(app.url, '/healthz');
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('when the memory store answers, then /readyz is 200', async () => {
    app = await startTestApp();
    const res = await request(app.url, '/readyz');
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('when the store ping rejects, then /readyz is 503 {status:"unavailable"} and /healthz stays 200', async () => {
    const stores: Stores = { ...createMemoryStores(), ping: () => Promise.reject(new StoreUnavailableError('connection refused to mongodb://user:pw@db')) };
    app = await startTestApp({ stores });
    const res = await request(app.url, '/readyz');
    expect(res.status).toBe(503);
    expect(res.json()).toEqual({ status: 'unavailable' });
    expect(res.headers['retry-after']).toBe('5');
    expect((await request(app.url, '/healthz')).status).toBe(200);
  });

  it('when any route answers 503 without saying when to retry, then the response still carries Retry-After', async () => {
    app = await startTestApp({
      extraRoutes: (server) => {
        server.get('/test/unavailable', (_req, res, next) => {
          res.send(503, { status: 'unavailable' });
          next();
        });
        server.get('/test/unavailable-raw', async (_req, res) => {
          res.writeHead(503, { 'Content-Type': 'text/plain' });
          res.end('down');
        });
        server.get('/test/unavailable-own', (_req, res, next) => {
          res.header('Retry-After', '42');
          res.send(503, { status: 'unavailable' });
          next();
        });
      },
    });
    expect((await request(app.url, '/test/unavailable')).headers['retry-after']).toBe('5');
    expect((await request(app.url, '/test/unavailable-raw')).headers['retry-after']).toBe('5');
    expect((await request(app.url, '/test/unavailable-own')).headers['retry-after']).toBe('42');
    expect((await request(app.url, '/healthz')).headers['retry-after']).toBeUndefined();
  });

  it('when the store ping throws synchronously, then /readyz is still a 503, not a crash', async () => {
    const stores: Stores = {
      ...createMemoryStores(),
      ping: () => {
        throw new Error('not connected');
      },
    };
    app = await startTestApp({ stores });
    expect((await request(app.url, '/readyz')).status).toBe(503);
  });
});

describe('request bodies', () => {
  let app: TestApp;
  let stores: ReturnType<typeof spyStores>;
  beforeEach(async () => {
    stores = spyStores();
    app = await startTestApp({ env: { BODY_LIMIT_BYTES: String(SMALL_LIMIT) }, stores, extraRoutes: testRoutes });
  });
  afterEach(() => app.close());

  it('when a JSON body is within the limit, then the route gets it parsed', async () => {
    const res = await postJson(app.url, '/test/echo', { hello: 'wörld', n: [1, 2] });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ received: { hello: 'wörld', n: [1, 2] } });
  });

  it('when the declared body is over BODY_LIMIT_BYTES, then 413 with the JSON error shape', async () => {
    const res = await postJson(app.url, '/test/echo', { pad: 'x'.repeat(SMALL_LIMIT) });
    expect(res.status).toBe(413);
    expect(res.json()).toEqual({ error: { code: 'payload_too_large', message: expect.any(String) } });
  });

  it('when a chunked body grows over the limit, then 413 too', async () => {
    const res = await request(app.url, '/test/echo', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
      chunks: [Buffer.from('{"pad":"'), Buffer.alloc(SMALL_LIMIT, 'x'), Buffer.from('"}')],
    });
    expect(res.status).toBe(413);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('payload_too_large');
  });

  it('when the body is exactly at the limit, then it is accepted', async () => {
    const body = JSON.stringify({ pad: '' });
    const padded = JSON.stringify({ pad: 'x'.repeat(SMALL_LIMIT - body.length) });
    expect(Buffer.byteLength(padded)).toBe(SMALL_LIMIT);
    const res = await request(app.url, '/test/echo', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: padded });
    expect(res.status).toBe(200);
  });

  it.each<[string, Buffer]>([
    ['a lone continuation byte', Buffer.concat([Buffer.from('{"upn":"a'), Buffer.from([0x80]), Buffer.from('@x.edu"}')])],
    ['an overlong encoding of "/"', Buffer.concat([Buffer.from('{"upn":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')])],
    ['a truncated sequence', Buffer.concat([Buffer.from('{"upn":"'), Buffer.from([0xe2, 0x82]), Buffer.from('"}')])],
    ['a UTF-16 surrogate encoded in UTF-8', Buffer.concat([Buffer.from('{"upn":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')])],
    ['Latin-1 text', Buffer.from('{"upn":"jos\xe9@x.edu"}', 'latin1')],
  ])('when the body has invalid UTF-8 (%s), then 400 and the store is never touched', async (_what, body) => {
    const res = await request(app.url, '/test/lookup', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
    expect(res.status).toBe(400);
    expect(res.json()).toEqual({ error: { code: 'invalid_utf8', message: 'The body is not valid UTF-8.' } });
    expect(stores.calls).toEqual([]);
  });

  it('when a form body has invalid UTF-8, then 400 as well', async () => {
    const body = Buffer.concat([Buffer.from('Body='), Buffer.from([0xff, 0xfe]), Buffer.from('&From=%2B15550100')]);
    const res = await request(app.url, '/api/twilio/sms', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body });
    expect(res.status).toBe(400);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('invalid_utf8');
  });

  it('when the body is valid UTF-8 with multi-byte text, then the store is used normally', async () => {
    const res = await postJson(app.url, '/test/lookup', { upn: 'zoë.ñúñez@x.edu' });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ found: false });
    expect(stores.calls).toEqual(['users.findByUpn']);
  });

  it.each<[string, unknown]>([
    ['a $gt operator', { upn: { $gt: '' } }],
    ['a $ne operator deep in an array', { list: [{ ok: 1 }, { nested: { $ne: null } }] }],
    ['a top-level $where', { $where: 'sleep(1000)' }],
    ['a __proto__ key', JSON.parse('{"a": {"__proto__": {"admin": true}}}')],
  ])('when JSON holds %s, then 400 forbidden_key before the store is touched', async (_what, body) => {
    const res = await postJson(app.url, '/test/lookup', body);
    expect(res.status).toBe(400);
    expect(res.json()).toEqual({ error: { code: 'forbidden_key', message: expect.any(String) } });
    expect(stores.calls).toEqual([]);
  });

  it('when a "$" appears in a value rather than a key, then it is allowed', async () => {
    const res = await postJson(app.url, '/test/echo', { note: '$gt costs $5', key: 'a$b' });
    expect(res.status).toBe(200);
  });

  it('when the JSON is malformed, then 400 invalid_json', async () => {
    const res = await request(app.url, '/test/echo', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"a": ' });
    expect(res.status).toBe(400);
    expect(res.json()).toEqual({ error: { code: 'invalid_json', message: 'The body is not valid JSON.' } });
  });

  it.each<[string, Record<string, string>]>([
    ['text/plain', { 'Content-Type': 'text/plain' }],
    ['no content type', {}],
    ['a non-UTF-8 charset', { 'Content-Type': 'application/json; charset=iso-8859-1' }],
    ['gzip encoding', { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }],
  ])('when the body is sent as %s, then 415', async (_what, headers) => {
    const res = await request(app.url, '/test/echo', { method: 'POST', headers, body: '{"a":1}' });
    expect(res.status).toBe(415);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('unsupported_media_type');
  });

  it('when the content type names charset=utf-8 or a +json type, then it is accepted', async () => {
    for (const type of ['application/json; charset=utf-8', 'application/json;charset="UTF-8"', 'application/vnd.signet+json']) {
      const res = await request(app.url, '/test/echo', { method: 'POST', headers: { 'Content-Type': type }, body: '{"a":1}' });
      expect(res.status).toBe(200);
    }
  });
});

describe('errors, reserved routes and the request log', () => {
  let app: TestApp;
  beforeEach(async () => {
    app = await startTestApp({ extraRoutes: testRoutes });
  });
  afterEach(() => app.close());

  it('when a route does not exist, then 404 in the JSON error shape without echoing the path', async () => {
    const res = await request(app.url, '/nope/<script>');
    expect(res.status).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
    expect(res.text).not.toContain('script');
  });

  it('when a route is asked with the wrong method, then 405 method_not_allowed', async () => {
    const res = await request(app.url, '/api/messages');
    expect(res.status).toBe(405);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('method_not_allowed');
  });

  it('when a handler throws, then 500 internal_error without the error text, and the log has name and message only', async () => {
    const res = await request(app.url, '/test/explode');
    expect(res.status).toBe(500);
    expect(res.json()).toEqual({ error: { code: 'internal_error', message: expect.any(String) } });
    expect(res.text).not.toContain('123456');
    const failure = app.logs.find((l) => l['msg'] === 'request failed');
    expect(failure).toMatchObject({ level: 'error', error: { name: 'Error', message: expect.any(String) } });
    expect(failure).not.toHaveProperty('error.stack');
  });

  it.each(['/api/twilio/sms', '/api/twilio/voice/gather', '/api/twilio/status/sms'])('when Twilio posts to %s and no telephony is wired, then 403 and the store is never touched', async (path) => {
    const res = await request(app.url, path, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'From=%2B15550100&Body=123456' });
    expect(res.status).toBe(403);
    expect(res.text).not.toContain('123456');
  });

  it('when requests are served, then one log line each has method, path, status and ms, without query or body', async () => {
    await postJson(app.url, '/test/echo?token=abc123', { password: 'hunter2' });
    await request(app.url, '/healthz?x=1');
    const lines = app.logs.filter((l) => l['msg'] === 'request');
    expect(lines).toEqual([
      expect.objectContaining({ level: 'info', method: 'POST', path: '/test/echo', status: 200, ms: expect.any(Number) }),
      expect.objectContaining({ level: 'info', method: 'GET', path: '/healthz', status: 200, ms: expect.any(Number) }),
    ]);
    expect(app.logText()).not.toContain('abc123');
    expect(app.logText()).not.toContain('hunter2');
  });

  it('when a request matches no route, then it is logged all the same (the log runs before routing)', async () => {
    const res = await request(app.url, '/no/such/place?token=abc123');
    expect(res.status).toBe(404);
    expect(app.logs.filter((l) => l['msg'] === 'request')).toEqual([expect.objectContaining({ level: 'info', method: 'GET', path: '/no/such/place', status: 404 })]);
    expect(app.logText()).not.toContain('abc123');
  });
});

describe('findForbiddenKey', () => {
  it('when nesting is very deep, then it answers without overflowing the stack', () => {
    let deep: unknown = { $gt: 1 };
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findForbiddenKey(deep)).toBe('$gt');
    expect(findForbiddenKey({ a: [1, 'x', null, { b: true }] })).toBeUndefined();
  });
});
