// The verification API over HTTP: authentication, every method's lifecycle, trusted networks, not enrolled,
// expiry, late answers, abuse refusals, signed and retried callbacks, and every real response checked against
// the OpenAPI document's schemas.
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { createHmac } from 'node:crypto';
import type { Server } from 'restify';
import { ActivityHandler } from 'botbuilder';
import { createCore, type Core } from '../../src/core';
import { createSignInUseCases } from '../../src/app/signInUseCases';
import { registerVerificationRoutes } from '../../src/api/verificationRoutes';
import { CallbackDispatcher } from '../../src/api/callbackDispatcher';
import { MemoryJobQueue } from '../../src/stores/memoryJobQueue';
import { JobWorker } from '../../src/jobs/jobWorker';
import { CALLBACK_JOB, callbackHandler, enqueueCallback } from '../../src/jobs/callbackJobs';
import { OPENAPI_DOCUMENT } from '../../src/api/openApiDocument';
import { callbackSigningKey, newApiClient } from '../../src/security/apiClientCredentials';
import { issueTemporaryAccessPass } from '../../src/helpdesk/temporaryAccessPass';
import { createMemoryStores } from '../../src/stores/memoryStores';
import { createMemoryVerificationStores } from '../../src/stores/memoryVerificationStores';
import type { VerificationStores } from '../../src/ports/verificationRepositories';
import { type Stores } from '../../src/ports/repositories';
import { RecordBusyError, StoreUnavailableError } from '../../src/ports/storeErrors';
import { NotificationOutbox, Outbox } from '../../src/telephony/outboxes';
import { seededRandom } from '../../src/security/random';
import { FixedClock } from '../../src/ports/clock';
import { generateTotp, generateTotpSecret } from '../../src/security/totp';
import { createSecretOps } from '../../src/enrollment/enrollmentPolicy';
import { DEFAULT_ABUSE_POLICY } from '../../src/verification/abusePolicy';
import type { SecurityMethod } from '../../src/domain/user';
import { keyRenderer, PROFILE, T0, testOrg } from '../support/coreHarness';
import { request, startTestApp, type HttpResult, type TestApp } from '../server/serverHarness';

const KEY = Buffer.alloc(32, 11);
const ajv = new Ajv2020({ strict: false });
addFormats(ajv);
for (const [name, schema] of Object.entries(OPENAPI_DOCUMENT.components.schemas)) ajv.addSchema(schema, `#/components/schemas/${name}`);
const validVerification = ajv.compile({ $ref: '#/components/schemas/Verification' });
const validError = ajv.compile({ $ref: '#/components/schemas/Error' });

/** Asserts the response body matches what the OpenAPI document promises for its status. */
function documented(res: HttpResult): HttpResult {
  const body = res.json();
  const check = res.status < 300 ? validVerification : validError;
  if (!check(body)) throw new Error(`${res.status} body does not match the OpenAPI schema: ${ajv.errorsText(check.errors)} ${res.text}`);
  return res;
}

interface Harness {
  app: TestApp;
  core: Core;
  stores: Stores;
  verificationStores: VerificationStores;
  clock: FixedClock;
  outbox: Outbox;
  notifications: NotificationOutbox;
  secret: string;
  clientId: string;
  callbacks: { url: string; body: string; headers: Record<string, string> }[];
  callbackStatuses: number[];
  queue: MemoryJobQueue;
  worker: JobWorker;
  call(method: string, path: string, body?: unknown, auth?: string | null): Promise<HttpResult>;
}

const random = seededRandom('api');
const appSecret = generateTotpSecret(random);
const secrets = createSecretOps(KEY, random);
const METHODS: SecurityMethod[] = [
  { kind: 'mobilePhone', id: 'm1', number: '+14255550123', createdAt: T0 },
  { kind: 'officePhone', id: 'o1', number: '+14255550177', extension: '42', createdAt: T0 },
  { kind: 'authenticatorApp', id: 'a1', createdAt: T0, secret: secrets.seal(appSecret, 'totp:a1'), lastUsedTimeStep: null },
];

async function setup(options: { trusted?: string[]; methods?: SecurityMethod[]; clientLimit?: number } = {}): Promise<Harness> {
  const stores = createMemoryStores();
  const verificationStores = createMemoryVerificationStores();
  const clock = new FixedClock(T0);
  const outbox = new Outbox();
  const notifications = new NotificationOutbox();
  const callbacks: Harness['callbacks'] = [];
  const callbackStatuses: number[] = [];
  const queue = new MemoryJobQueue();
  const dispatcher = new CallbackDispatcher({
    serverKey: KEY,
    now: () => clock.now(),
    post: async (url, body, headers) => {
      callbacks.push({ url, body, headers });
      return callbackStatuses.shift() ?? 200;
    },
  });
  const org = testOrg({ trustedNetworks: options.trusted ?? ['10.0.0.0/8'] });
  const core = createCore({
    config: { org, encryptionKey: KEY },
    stores,
    telephony: outbox,
    mailer: outbox,
    notifier: notifications,
    render: keyRenderer,
    clock,
    random,
    beforeChallengeEnds: (c) => enqueueCallback(queue, c, clock.now()),
  });
  const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const expire = async (challengeId: string) => (await core.verification.apply(challengeId, { type: 'checkExpiry' }, 'system')).challenge;
  const worker = new JobWorker({ queue, clock, owner: 'test', logger: quiet, handlers: { [CALLBACK_JOB]: callbackHandler({ challenges: stores.challenges, expire, dispatcher, clock }) } });
  const user = await stores.users.create(PROFILE, T0);
  await stores.users.replace({ ...user, methods: options.methods ?? METHODS, defaultMethodId: (options.methods ?? METHODS)[0]?.id ?? null });
  const { client, secret } = newApiClient('Staff portal', T0, random, KEY);
  await verificationStores.apiClients.create(client);
  const useCases = createSignInUseCases({
    stores,
    verificationStores,
    verification: core.verification,
    org,
    clock,
    abuse: DEFAULT_ABUSE_POLICY,
    passKey: KEY,
    clientKey: KEY,
    clientRequestsPerMinute: options.clientLimit ?? 100,
  });
  const app = await startTestApp({
    // The API does not talk to the bot; a bare handler keeps these tests independent of the Teams dialogs.
    handler: () => new ActivityHandler(),
    extraRoutes: (server: Server) =>
      registerVerificationRoutes(server, {
        useCases,
        now: () => clock.now(),
        allowLocalCallbacks: true,
      }),
  });
  const call = (method: string, path: string, body?: unknown, auth: string | null = secret) =>
    request(app.url, path, {
      method,
      headers: { ...(auth !== null ? { Authorization: `Bearer ${auth}` } : {}), ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  return { app, core, stores, verificationStores, clock, outbox, notifications, secret, clientId: client.id, callbacks, callbackStatuses, queue, worker, call };
}

const start = (h: Harness, extra: Record<string, unknown> = {}) =>
  h.call('POST', '/api/v1/verifications', { user: PROFILE.upn, context: { ip: '203.0.113.9', application: 'Staff portal', location: 'Leeds' }, ...extra });

function lastSmsCode(h: Harness): string {
  const sms = h.outbox.last('sms');
  const match = sms?.type === 'sms' ? /"code":"(\d+)"/.exec(sms.body) : null;
  if (!match) throw new Error('no code texted');
  return match[1]!;
}

/** Runs the job worker until no callback job is left pending, moving the fixed clock to each retry's due time. */
async function deliverCallbacks(h: Harness): Promise<void> {
  for (let round = 0; round < 20; round++) {
    await h.worker.runOnce();
    const pending = await h.queue.listByStatus('pending', 100);
    if (pending.length === 0) return;
    h.clock.set(Math.max(h.clock.now(), ...pending.map((j) => j.dueAt)));
  }
  throw new Error('callback jobs still pending after 20 rounds');
}

describe('verification API', () => {
  let h: Harness;
  afterEach(async () => {
    await h.app.close();
  });

  it('when credentials are missing, wrong or revoked, then 401 reveals nothing and nothing starts', async () => {
    h = await setup();
    for (const auth of [null, 'nonsense', `${h.secret.slice(0, -2)}xx`]) {
      const res = documented(await h.call('POST', '/api/v1/verifications', { user: PROFILE.upn, context: { application: 'x' } }, auth));
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="signet"');
      expect(res.text).not.toContain(PROFILE.upn);
    }
    await h.verificationStores.apiClients.revoke(h.clientId, T0);
    expect((await start(h)).status).toBe(401);
    expect(await h.stores.challenges.listRecentByUser(PROFILE.id, 10)).toEqual([]);
    expect(h.outbox.items).toEqual([]);
  });

  it('when the user is unknown, then 404 says the same as any other unknown id', async () => {
    h = await setup();
    const a = documented(await h.call('POST', '/api/v1/verifications', { user: 'nobody@elsewhere.example', context: { application: 'VPN' } }));
    const b = documented(await h.call('POST', '/api/v1/verifications', { user: 'ghost', context: { application: 'VPN' } }));
    expect([a.status, b.status]).toEqual([404, 404]);
    expect(a.text).toBe(b.text);
  });

  it.each([
    [{ user: '', context: { application: 'x' } }, /user/],
    [{ user: 'u', context: { application: 'x', ip: 'not-an-ip' } }, /context\.ip/],
    [{ user: 'u', context: {} }, /context\.application/],
    [{ user: 'u', context: { application: 'x' }, extra: 1 }, /Unrecognized key/],
    [{ user: 'u', method: 'carrier-pigeon', context: { application: 'x' } }, /method/],
    [{ user: 'u', context: { application: 'x' }, callbackUrl: 'ftp://x.example/' }, /callbackUrl/],
  ])('when the body is %j, then 400 names the problem', async (body, message) => {
    h = await setup();
    const res = documented(await h.call('POST', '/api/v1/verifications', body));
    expect(res.status).toBe(400);
    expect(res.json<{ error: { message: string } }>().error.message).toMatch(message);
  });

  it('when the body holds a query operator, then it is refused before any lookup; a stranger gets 401 first', async () => {
    h = await setup();
    const res = await h.call('POST', '/api/v1/verifications', { user: { $gt: '' }, context: { application: 'x' } });
    expect(res.status).toBe(400);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('forbidden_key');
    expect((await h.call('POST', '/api/v1/verifications', { user: { $gt: '' }, context: { application: 'x' } }, null)).status).toBe(401);
  });

  it('when the sign-in comes from a trusted network, then no challenge is needed', async () => {
    h = await setup();
    const res = documented(await h.call('POST', '/api/v1/verifications', { user: PROFILE.upn, context: { ip: '10.1.2.3', application: 'Portal' } }));
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ id: null, status: 'not_required', method: null, expiresAt: null, reason: 'trustedNetwork' });
    expect(h.outbox.items).toHaveLength(0);
  });

  it('when the person has no MFA method, then the answer is not_enrolled with how to enroll', async () => {
    h = await setup({ methods: [{ kind: 'email', id: 'e1', address: 'jane@example.com', createdAt: T0 }] });
    const res = documented(await start(h));
    expect(res.json()).toMatchObject({ status: 'not_enrolled', enroll: expect.stringContaining('Set up MFA') });
  });

  it('when an SMS challenge is answered with the texted code, then it is approved once; a late code changes nothing', async () => {
    h = await setup();
    const started = documented(await start(h, { method: 'sms' }));
    expect(started.status).toBe(201);
    const { id } = started.json<{ id: string }>();
    expect(started.json()).toMatchObject({ status: 'pending', method: 'sms', expiresAt: new Date(T0 + 10 * 60_000).toISOString() });
    const wrong = documented(await h.call('POST', `/api/v1/verifications/${id}/code`, { code: '000000' === lastSmsCode(h) ? '111111' : '000000' }));
    expect(wrong.json()).toMatchObject({ status: 'pending', attemptsLeft: 4 });
    const right = documented(await h.call('POST', `/api/v1/verifications/${id}/code`, { code: lastSmsCode(h) }));
    expect(right.json()).toMatchObject({ status: 'approved', reason: 'codeAccepted' });
    const late = documented(await h.call('POST', `/api/v1/verifications/${id}/code`, { code: '000000' }));
    expect(late.json()).toMatchObject({ status: 'approved' });
    expect(documented(await h.call('GET', `/api/v1/verifications/${id}`)).json()).toMatchObject({ status: 'approved' });
  });

  it('when the default method is used, then a mobile phone gets a text', async () => {
    h = await setup();
    expect(documented(await start(h)).json()).toMatchObject({ method: 'sms' });
  });

  it('when a voice challenge is confirmed with # on the call, then polling shows approved; 0 would deny', async () => {
    h = await setup();
    const { id } = documented(await start(h, { method: 'voice' })).json<{ id: string }>();
    expect(h.outbox.last('call')).toMatchObject({ type: 'call', to: '+14255550123', mode: 'pressKey' });
    await h.core.verification.apply(id, { type: 'callKeyPressed', key: '#' }, 'voice');
    expect(documented(await h.call('GET', `/api/v1/verifications/${id}`)).json()).toMatchObject({ status: 'approved', reason: 'callConfirmed' });
  });

  it('when the authenticator code is used, then it approves; the same code on a new challenge is a replay', async () => {
    h = await setup();
    const code = generateTotp(appSecret, T0);
    const first = documented(await start(h, { method: 'app' })).json<{ id: string }>();
    expect(documented(await h.call('POST', `/api/v1/verifications/${first.id}/code`, { code })).json()).toMatchObject({ status: 'approved' });
    const second = documented(await start(h, { method: 'app' })).json<{ id: string }>();
    expect(documented(await h.call('POST', `/api/v1/verifications/${second.id}/code`, { code })).json()).toMatchObject({ status: 'pending', attemptsLeft: 4 });
  });

  it('when a Teams challenge starts, then the number to enter is returned and a wrong number denies', async () => {
    h = await setup();
    await h.stores.conversations.save({ userId: PROFILE.id, channel: 'teams', reference: '{}', updatedAt: T0 });
    const started = documented(await start(h, { method: 'teams' })).json<{ id: string; numberToEnter: number }>();
    expect(started.numberToEnter).toBeGreaterThanOrEqual(10);
    const challenge = (await h.stores.challenges.get(started.id))!;
    const wrongNumber = challenge.numberChoices!.find((n) => n !== started.numberToEnter)!;
    await h.core.verification.apply(started.id, { type: 'cardAnswered', answer: { kind: 'number', value: wrongNumber } }, 'teams');
    expect(documented(await h.call('GET', `/api/v1/verifications/${started.id}`)).json()).toMatchObject({ status: 'denied', reason: 'wrongNumberChosen' });
  });

  it('when the person has no Teams chat with Signet, then the teams method is unavailable', async () => {
    h = await setup();
    const res = documented(await start(h, { method: 'teams' }));
    expect(res.status).toBe(409);
  });

  it('when a temporary access pass is used, then it approves once and never again', async () => {
    h = await setup();
    const issued = issueTemporaryAccessPass({ userId: PROFILE.id, issuedBy: 'helpdesk-1' }, T0, random, KEY);
    if (!issued.ok) throw new Error('not issued');
    await h.verificationStores.passes.put(issued.pass);
    const first = documented(await start(h, { method: 'tap' })).json<{ id: string }>();
    expect(documented(await h.call('POST', `/api/v1/verifications/${first.id}/code`, { code: issued.passcode })).json()).toMatchObject({ status: 'approved', reason: 'passcodeAccepted' });
    expect(documented(await start(h, { method: 'tap' })).status).toBe(409);
  });

  it('when the lifetime passes, then the challenge reads expired and a code is refused', async () => {
    h = await setup();
    const { id } = documented(await start(h, { method: 'sms' })).json<{ id: string }>();
    h.clock.advance(10 * 60_000);
    expect(documented(await h.call('GET', `/api/v1/verifications/${id}`)).json()).toMatchObject({ status: 'expired' });
    expect(documented(await h.call('POST', `/api/v1/verifications/${id}/code`, { code: lastSmsCode(h) })).json()).toMatchObject({ status: 'expired' });
  });

  it("when another client asks for a challenge, then it is not found", async () => {
    h = await setup();
    const { id } = documented(await start(h, { method: 'sms' })).json<{ id: string }>();
    const other = newApiClient('VPN', T0, random, KEY);
    await h.verificationStores.apiClients.create(other.client);
    expect((await h.call('GET', `/api/v1/verifications/${id}`, undefined, other.secret)).status).toBe(404);
  });

  it('when the person denied three prompts within the hour, then further challenges are refused with 429', async () => {
    h = await setup();
    for (let i = 0; i < 3; i++) {
      const { id } = documented(await start(h, { method: 'voice' })).json<{ id: string }>();
      await h.core.verification.apply(id, { type: 'callKeyPressed', key: '0' }, 'voice');
    }
    const refused = documented(await start(h, { method: 'voice' }));
    expect(refused.status).toBe(429);
    expect(refused.json<{ error: { code: string } }>().error.code).toBe('too_many_denials');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('when a client sends more than its limit, then 429 with Retry-After', async () => {
    h = await setup({ clientLimit: 2 });
    await start(h);
    await start(h);
    const res = documented(await start(h));
    expect(res.status).toBe(429);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('rate_limited');
  });

  it('when a client sends many requests at once, then exactly its per-minute limit passes and the rest get 429 with Retry-After', async () => {
    h = await setup({ clientLimit: 5 });
    const all = await Promise.all(Array.from({ length: 12 }, () => start(h, { method: 'app' })));
    const refused = all.filter((r) => r.status === 429);
    expect(all.filter((r) => r.status === 201)).toHaveLength(5);
    expect(refused).toHaveLength(7);
    expect(refused.every((r) => Number(r.headers['retry-after']) > 0)).toBe(true);
  });

  it('when a person was challenged ten times within fifteen minutes, then the next start is refused with 429 until the window ends', async () => {
    h = await setup();
    for (let i = 0; i < DEFAULT_ABUSE_POLICY.maxChallengesPerWindow; i++) expect((await start(h, { method: 'app' })).status).toBe(201);
    h.clock.advance(5 * 60_000);
    const refused = documented(await start(h, { method: 'app' }));
    expect(refused.status).toBe(429);
    expect(refused.json<{ error: { code: string } }>().error.code).toBe('rate_limited');
    expect(refused.headers['retry-after']).toBe(String(10 * 60));
    h.clock.advance(10 * 60_000);
    expect((await start(h, { method: 'app' })).status).toBe(201);
  });

  it('when the challenge ends, then the callback is signed, retried after a failure, and sent until delivered', async () => {
    h = await setup();
    h.callbackStatuses.push(500);
    const { id } = documented(await start(h, { method: 'sms', callbackUrl: 'https://portal.example/signet-callback' })).json<{ id: string }>();
    await h.call('POST', `/api/v1/verifications/${id}/code`, { code: lastSmsCode(h) });
    // Stored before the API answered, delivered by the worker.
    expect(await h.queue.get(`callback:${id}`)).toMatchObject({ status: 'pending', payload: { challengeId: id } });
    await deliverCallbacks(h);
    expect(h.callbacks).toHaveLength(2);
    expect(await h.queue.get(`callback:${id}`)).toMatchObject({ status: 'done', attempts: 2 });
    const [first, second] = h.callbacks;
    expect(second!.body).toBe(first!.body);
    expect(JSON.parse(second!.body)).toMatchObject({ id, status: 'approved' });
    expect(validVerification(JSON.parse(second!.body))).toBe(true);
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(second!.headers['Signet-Signature']!)!;
    const expected = createHmac('sha256', Buffer.from(callbackSigningKey(KEY, h.clientId), 'base64url')).update(`${t}.${second!.body}`).digest('hex');
    expect(v1).toBe(expected);
    expect(second!.headers['Signet-Delivery-Id']).toBe(id);
  });

  it('when the store is unreachable, then 503 unavailable with Retry-After', async () => {
    h = await setup();
    h.verificationStores.apiClients.get = () => Promise.reject(new StoreUnavailableError('connection refused'));
    const res = documented(await start(h));
    expect(res.status).toBe(503);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('unavailable');
    expect(res.headers['retry-after']).toBe('30');
  });

  it('when an earlier write still holds the record, then 503 busy with Retry-After saying how long', async () => {
    h = await setup();
    h.stores.users.findByUpn = () => Promise.reject(new RecordBusyError(12_345));
    const res = documented(await start(h));
    expect(res.status).toBe(503);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('busy');
    expect(res.headers['retry-after']).toBe('13');
  });

  // The OpenAPI schema and the server agree on these fields: a body is accepted by one exactly when the other does.
  const IPS: unknown[] = ['', ' ', '203.0.113.9', ' 203.0.113.9', '::1', '2001:db8::1', '::ffff:192.0.2.1', 'fe80::1%eth0', '1.2.3', '256.1.1.1', '01.2.3.4', 'localhost', null, 7];
  const TEXTS: unknown[] = ['', ' ', '\t\n', '\u00a0', ' 123456 ', '123456', 'x'.repeat(64), 'x'.repeat(65), ` ${'x'.repeat(64)}`, '😀'.repeat(64), '😀'.repeat(65), null, 123456];
  const validRequest = ajv.compile({ $ref: '#/components/schemas/VerificationRequest' });
  const validCode = ajv.compile({ $ref: '#/components/schemas/CodeRequest' });

  it.each(IPS.map((ip) => [JSON.stringify(ip), ip]))('when context.ip is %s, then the server accepts it exactly when the OpenAPI schema does', async (_shown, ip) => {
    h = await setup({ trusted: [] });
    const body = { user: PROFILE.upn, method: 'sms', context: { ip, application: 'Staff portal' } };
    const res = await h.call('POST', '/api/v1/verifications', body);
    expect({ ip, server: res.status !== 400 }).toEqual({ ip, server: validRequest(body) });
  });

  it.each(TEXTS.map((code) => [JSON.stringify(code), code]))('when the code is %s, then the server accepts it exactly when the OpenAPI schema does', async (_shown, code) => {
    h = await setup();
    const body = { code };
    // An unknown id: a body the server accepts gets 404, one it rejects gets 400.
    const res = await h.call('POST', '/api/v1/verifications/no-such-id/code', body);
    expect([400, 404]).toContain(res.status);
    expect({ code, server: res.status === 404 }).toEqual({ code, server: validCode(body) });
  });

  it.each(TEXTS.map((application) => [JSON.stringify(application), application]))('when context.application is %s, then the server accepts it exactly when the OpenAPI schema does', async (_shown, application) => {
    h = await setup({ trusted: [] });
    const body = { user: PROFILE.upn, method: 'sms', context: { application } };
    const res = await h.call('POST', '/api/v1/verifications', body);
    expect({ application, server: res.status !== 400 }).toEqual({ application, server: validRequest(body) });
  });

  it('when the OpenAPI document is fetched, then it is served and names every route', async () => {
    h = await setup();
    const res = await h.call('GET', '/api/v1/openapi.json', undefined, null);
    expect(res.status).toBe(200);
    expect(Object.keys(res.json<{ paths: Record<string, unknown> }>().paths).sort()).toEqual(['/api/v1/verifications', '/api/v1/verifications/{id}', '/api/v1/verifications/{id}/code']);
  });
});
