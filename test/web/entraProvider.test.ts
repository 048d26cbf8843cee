// Signet as an Entra ID External MFA provider over HTTP, against the Entra stand-in: discovery and JWKS, every
// negative case of the authorize request, and each method end to end until the stand-in accepts the answer
// (the text's reply and the call's key press over signed Twilio webhooks: entraOverTwilio.test.ts; the Teams card
// through the Bot Connector stand-in and /api/messages: entraOverTeams.test.ts).
import { randomUUID, X509Certificate } from 'node:crypto';
import { generateTotp } from '../../src/security/totp';
import { issueTemporaryAccessPass } from '../../src/helpdesk/temporaryAccessPass';
import { cryptoRandom } from '../../src/security/random';
import { request } from '../server/serverHarness';
import { ACR_POSSESSION, EntraStandIn, formFields, OTHER_TENANT, STAND_IN_CLIENT_ID } from '../support/entraStandIn';
import { BrowserClient, csrfOf, OID, startEntraHarness, type EntraHarness } from './entraHarness';

let h: EntraHarness;

beforeAll(async () => {
  h = await startEntraHarness();
});
afterAll(async () => {
  await h.close();
});

const now = (): number => Math.floor(Date.now() / 1000);

let lastNonce: string | null = null;

/** Posts Entra's authorize form with a fresh nonce, as Entra does for every request. */
async function authorize(browser: BrowserClient, form: Partial<Parameters<EntraStandIn['authorizeForm']>[0]> = {}, hint?: string) {
  lastNonce = form.nonce === undefined ? `nonce-${randomUUID()}` : form.nonce;
  const body = h.standIn.authorizeForm({ hint: hint ?? (await h.standIn.mintHint({ oid: OID })), redirectUri: h.standIn.redirectUri, ...form, nonce: lastNonce });
  return browser.post('/entra/authorize', body);
}

function expected(overrides: { state?: string | null; nonce?: string | null } = {}) {
  return {
    discoveryUrl: `${h.url}/.well-known/openid-configuration`,
    clientId: STAND_IN_CLIENT_ID,
    sub: `pairwise-${OID}`,
    nonce: overrides.nonce === undefined ? lastNonce : overrides.nonce,
    acrValues: [ACR_POSSESSION],
    state: overrides.state === undefined ? 'state-opaque-77' : overrides.state,
  };
}

async function choose(browser: BrowserClient, page: string, method: string): Promise<string> {
  const path = /action="(\/entra\/sign-in\/[^"]+\/method)"/.exec(page)?.[1];
  if (!path) throw new Error(`no method form on the page: ${page.slice(0, 400)}`);
  const res = await browser.submit(path, { csrf: csrfOf(page), method });
  expect(res.status).toBe(200);
  return res.text;
}

function signInPath(page: string): string {
  const path = /action="(\/entra\/sign-in\/[A-Za-z0-9_-]+)\//.exec(page)?.[1];
  if (!path) throw new Error('no sign-in path on the page');
  return path;
}

function lastSmsCode(): string {
  const sms = h.outbox.last('sms');
  const match = sms?.type === 'sms' ? /"code":"(\d+)"/.exec(sms.body) : null;
  if (!match) throw new Error('no code texted');
  return match[1]!;
}

describe('discovery and keys', () => {
  test('when Entra reads the discovery document, then the issuer is the public URL and the endpoints hang off it', async () => {
    const res = await request(h.url, '/.well-known/openid-configuration');
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(res.text)));
    const doc = res.json<Record<string, unknown>>();
    expect(doc).toMatchObject({
      issuer: h.url,
      authorization_endpoint: `${h.url}/entra/authorize`,
      jwks_uri: `${h.url}/entra/jwks`,
      response_types_supported: ['id_token'],
      response_modes_supported: ['form_post'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid'],
      subject_types_supported: ['public'],
    });
  });

  test('when the JWKS is read, then every key is RS256 with a kid and an x5c certificate of the same key', async () => {
    const { keys } = (await request(h.url, '/entra/jwks')).json<{ keys: Array<Record<string, unknown>> }>();
    expect(keys.length).toBeGreaterThanOrEqual(1);
    for (const key of keys) {
      expect(key).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
      expect(typeof key['kid']).toBe('string');

      const cert = new X509Certificate(Buffer.from((key['x5c'] as string[])[0]!, 'base64'));
      expect(cert.publicKey.export({ format: 'jwk' })).toMatchObject({ n: key['n'], e: key['e'] });
    }
    expect(h.logText()).not.toContain('PRIVATE KEY');
  });

  test('when the stored key is read, then its private half is sealed, never in clear', async () => {
    const [key] = await h.provider.entraStores.signingKeys.list(Date.now());
    expect(JSON.stringify(key)).not.toContain('PRIVATE KEY');
  });
});

describe('the authorize request: refused', () => {
  const refusals: Array<[string, () => Promise<{ body: string; answered: boolean }>]> = [
    ['wrong signature (a key Entra never published)', async () => ({ body: h.standIn.authorizeForm({ hint: await h.standIn.mintHint({ oid: OID, key: EntraStandIn.foreignKey() }), redirectUri: h.standIn.redirectUri }), answered: true })],
    ['unknown kid', async () => ({ body: h.standIn.authorizeForm({ hint: await h.standIn.mintHint({ oid: OID, kid: 'nope' }), redirectUri: h.standIn.redirectUri }), answered: true })],
    ['wrong aud', async () => ({ body: h.standIn.authorizeForm({ hint: await h.standIn.mintHint({ oid: OID, aud: 'another-app' }), redirectUri: h.standIn.redirectUri }), answered: true })],
    ['iss naming another tenant than tid', async () => ({ body: h.standIn.authorizeForm({ hint: await h.standIn.mintHint({ oid: OID, iss: h.standIn.issuerFor(OTHER_TENANT) }), redirectUri: h.standIn.redirectUri }), answered: true })],
    ['tenant not allowed', async () => ({ body: h.standIn.authorizeForm({ hint: await h.standIn.mintHint({ oid: OID, tid: OTHER_TENANT }), redirectUri: h.standIn.redirectUri }), answered: true })],
    ['stale iat', async () => ({ body: h.standIn.authorizeForm({ hint: await h.standIn.mintHint({ oid: OID, iat: now() - 3600 }), redirectUri: h.standIn.redirectUri }), answered: true })],
    ['unsatisfiable acr', async () => ({ body: h.standIn.authorizeForm({ hint: await h.standIn.mintHint({ oid: OID }), redirectUri: h.standIn.redirectUri, acrValues: ['knowledge'] }), answered: true })],
    ['unknown client_id', async () => ({ body: h.standIn.authorizeForm({ hint: await h.standIn.mintHint({ oid: OID }), redirectUri: h.standIn.redirectUri, clientId: 'someone-else' }), answered: false })],
    ['redirect_uri with a trailing slash', async () => ({ body: h.standIn.authorizeForm({ hint: await h.standIn.mintHint({ oid: OID }), redirectUri: `${h.standIn.redirectUri}/` }), answered: false })],
    ['redirect_uri in another case', async () => ({ body: h.standIn.authorizeForm({ hint: await h.standIn.mintHint({ oid: OID }), redirectUri: h.standIn.redirectUri.replace('/common/', '/COMMON/') }), answered: false })],
    ['redirect_uri over another scheme', async () => ({ body: h.standIn.authorizeForm({ hint: await h.standIn.mintHint({ oid: OID }), redirectUri: h.standIn.redirectUri.replace('http://', 'https://') }), answered: false })],
    ['the published Microsoft URL when only the stand-in is configured', async () => ({ body: h.standIn.authorizeForm({ hint: await h.standIn.mintHint({ oid: OID }) }), answered: false })],
    ['no hint', async () => ({ body: h.standIn.authorizeForm({ hint: 'x', redirectUri: h.standIn.redirectUri, omit: ['id_token_hint'] }), answered: true })],
    ['a hint that is not a JWT', async () => ({ body: h.standIn.authorizeForm({ hint: 'not-a-jwt', redirectUri: h.standIn.redirectUri }), answered: true })],
    ['not enrolled (no Signet user with that oid)', async () => ({ body: h.standIn.authorizeForm({ hint: await h.standIn.mintHint({ oid: '00000000-0000-4000-8000-000000000000' }), redirectUri: h.standIn.redirectUri }), answered: true })],
  ];

  test.each(refusals)('when the request has %s, then a page explains and nothing is started', async (_name, make) => {
    const { body, answered } = await make();
    const before = (await h.stores.challenges.listRecentByUser(OID, 100)).length;
    const res = await new BrowserClient(h.url).post('/entra/authorize', body);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.text).toContain('<html lang="en-US">');
    expect(res.text).toMatch(/role="alert">[^<]{20,}</);
    const answer = formFields(res.text, h.standIn.redirectUri);
    if (answered) expect(answer).toEqual({ error: 'access_denied', state: 'state-opaque-77' });
    else expect(answer).toBeNull();
    expect(res.headers['set-cookie']).toBeUndefined();
    expect((await h.stores.challenges.listRecentByUser(OID, 100)).length).toBe(before);
  });

  test('when a person is not enrolled, then the page says how to register in Teams', async () => {
    const hint = await h.standIn.mintHint({ oid: '00000000-0000-4000-8000-000000000001' });
    const res = await new BrowserClient(h.url).post('/entra/authorize', h.standIn.authorizeForm({ hint, redirectUri: h.standIn.redirectUri }));
    expect(res.text).toContain('Microsoft Teams');
    expect(res.text).toContain('register');
  });

  test('when the person exists (chatted in Teams) but registered no method, then they are not enrolled', async () => {
    const oid = '00000000-0000-4000-8000-000000000002';
    await h.stores.users.create({ id: oid, tenantId: h.user.tenantId, upn: 'new@signet-demo.example', displayName: 'New Person', locale: 'en-US' }, Date.now());
    await h.stores.conversations.save({ userId: oid, channel: 'teams', reference: '{}', updatedAt: Date.now() });
    const res = await new BrowserClient(h.url).post('/entra/authorize', h.standIn.authorizeForm({ hint: await h.standIn.mintHint({ oid }), redirectUri: h.standIn.redirectUri }));
    expect(res.status).toBe(400);
    expect(res.text).toContain('register');
    expect(formFields(res.text, h.standIn.redirectUri)).toEqual({ error: 'access_denied', state: 'state-opaque-77' });
  });

  test('when a refusal happens, then it is audited with its reason', async () => {
    await new BrowserClient(h.url).post('/entra/authorize', h.standIn.authorizeForm({ hint: await h.standIn.mintHint({ oid: OID, aud: 'x' }), redirectUri: h.standIn.redirectUri }));
    const entries = await h.stores.audit.listForUser(OID, 50);
    expect(entries.some((e) => e.action === 'entra:refused' && e.details?.['reason'] === 'wrongAudience' && e.channel === 'web')).toBe(true);
  });

  test('when the same form is posted twice, then the second is refused and answers nobody', async () => {
    const body = h.standIn.authorizeForm({ hint: await h.standIn.mintHint({ oid: OID }), redirectUri: h.standIn.redirectUri });
    const first = await new BrowserClient(h.url).post('/entra/authorize', body);
    expect(first.status).toBe(200);
    const replay = await new BrowserClient(h.url).post('/entra/authorize', body);
    expect(replay.status).toBe(400);
    expect(replay.text).toContain('already used');
    expect(formFields(replay.text, h.standIn.redirectUri)).toBeNull();
  });

  test('when a bare GET probes the endpoint, then it answers 200; a GET with parameters is refused', async () => {
    expect((await request(h.url, '/entra/authorize')).status).toBe(200);
    const body = h.standIn.authorizeForm({ hint: await h.standIn.mintHint({ oid: OID }), redirectUri: h.standIn.redirectUri });
    const res = await request(h.url, `/entra/authorize?${body}`);
    expect(res.status).toBe(400);
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  test('when another browser opens the sign-in page, then it sees nothing of it', async () => {
    const page = (await authorize(new BrowserClient(h.url))).text;
    const res = await new BrowserClient(h.url).get(signInPath(page));
    expect(res.status).toBe(404);
    expect(res.text).not.toContain('Jane');
  });

  test('when a method form comes without the CSRF token, then nothing starts', async () => {
    const browser = new BrowserClient(h.url);
    const page = (await authorize(browser)).text;
    const before = h.outbox.items.length;
    const res = await browser.submit(`${signInPath(page)}/method`, { method: 'sms', csrf: 'forged' });
    expect(res.status).toBe(404);
    expect(h.outbox.items.length).toBe(before);
  });
});

describe('the sign-in, each method end to end', () => {
  test('when the person picks a text and types the code, then the stand-in accepts an id_token with amr sms', async () => {
    const browser = new BrowserClient(h.url);
    const choice = await authorize(browser);
    expect(choice.status).toBe(200);
    expect(choice.text).toContain('Text a code to my phone ending in 23');
    // The default method is first and pre-selected.
    expect(choice.text.indexOf('value="sms"')).toBeLessThan(choice.text.indexOf('value="voice"'));
    expect(choice.text.match(/\(your default\)/g)).toHaveLength(1);
    expect(choice.text).toMatch(/value="sms" checked> Text a code to my phone ending in 23 \(your default\)/);
    const waiting = await choose(browser, choice.text, 'sms');
    expect(waiting).toContain('autocomplete="one-time-code"');
    const wrong = await browser.submit(`${signInPath(waiting)}/code`, { csrf: csrfOf(waiting), code: '000000' === lastSmsCode() ? '111111' : '000000' });
    expect(wrong.text).toContain('Attempts left');
    const done = await browser.submit(`${signInPath(waiting)}/code`, { csrf: csrfOf(wrong.text), code: lastSmsCode() });
    const answer = formFields(done.text, h.standIn.redirectUri)!;
    expect(done.text).toContain('data-autosubmit');
    const checked = await h.standIn.checkAnswer(answer, expected());
    expect(checked.claims['amr']).toEqual(['sms']);
    expect(checked.claims['acr']).toBe(ACR_POSSESSION);
  });

  test('when the person types an authenticator code, then the answer has amr otp; without state or nonce none is echoed', async () => {
    const browser = new BrowserClient(h.url);
    const waiting = await choose(browser, (await authorize(browser, { state: null, nonce: null })).text, 'app');
    const code = generateTotp(h.appSecret, Date.now());
    const done = await browser.submit(`${signInPath(waiting)}/code`, { csrf: csrfOf(waiting), code });
    const answer = formFields(done.text, h.standIn.redirectUri)!;
    expect(answer['state']).toBeUndefined();
    const checked = await h.standIn.checkAnswer(answer, expected({ state: null, nonce: null }));
    expect(checked.claims['amr']).toEqual(['otp']);
  });

  test('when the person uses a temporary access pass, then it is accepted once', async () => {
    const issued = issueTemporaryAccessPass({ userId: OID, issuedBy: 'helpdesk-1' }, Date.now(), cryptoRandom, Buffer.alloc(32, 5));
    if (!issued.ok) throw new Error('pass not issued');
    await h.verificationStores.passes.put(issued.pass);
    const browser = new BrowserClient(h.url);
    const choice = (await authorize(browser)).text;
    expect(choice).toContain('temporary access pass');
    const waiting = await choose(browser, choice, 'tap');
    const done = await browser.submit(`${signInPath(waiting)}/code`, { csrf: csrfOf(waiting), code: issued.passcode });
    await h.standIn.checkAnswer(formFields(done.text, h.standIn.redirectUri)!, expected());
  });

  test('when an answered sign-in is loaded again, then no second id_token is issued', async () => {
    const browser = new BrowserClient(h.url);
    const waiting = await choose(browser, (await authorize(browser)).text, 'sms');
    const done = await browser.submit(`${signInPath(waiting)}/code`, { csrf: csrfOf(waiting), code: lastSmsCode() });
    expect(formFields(done.text, h.standIn.redirectUri)?.['id_token']).toBeDefined();
    const again = await browser.get(signInPath(waiting));
    expect(again.status).toBe(409);
    expect(again.text).not.toContain('id_token');
  });

  test('when too many codes are wrong, then the sign-in fails to Entra with access_denied', async () => {
    const browser = new BrowserClient(h.url);
    let page = await choose(browser, (await authorize(browser)).text, 'sms');
    const code = lastSmsCode();
    const wrongCode = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 10 && !page.includes('error'); i++) {
      page = (await browser.submit(`${signInPath(page)}/code`, { csrf: csrfOf(page), code: wrongCode })).text;
    }
    expect(formFields(page, h.standIn.redirectUri)).toEqual({ error: 'access_denied', state: 'state-opaque-77' });
  });
});

describe('the sign-in refused by the verification core', () => {
  test('when the person is locked after failures, then choosing a method says so and nothing is sent', async () => {
    const locked = await startEntraHarness({ env: {} });
    try {
      const failures = locked.config.org.verification.maxConsecutiveFailures;
      for (let i = 0; i < failures; i++) {
        const c = await locked.core.verification.start({ userId: OID, clientId: null, method: 'teams', target: null, extension: null, context: { ip: null, application: 'x', location: null }, locale: 'en-US' }, 'api');
        await locked.core.verification.apply(c.id, { type: 'cardAnswered', answer: { kind: 'number', value: -1 } }, 'teams');
      }
      const browser = new BrowserClient(locked.url);
      const body = locked.standIn.authorizeForm({ hint: await locked.standIn.mintHint({ oid: OID }), redirectUri: locked.standIn.redirectUri });
      const choice = await browser.post('/entra/authorize', body);
      const before = locked.outbox.items.length;
      const path = /action="(\/entra\/sign-in\/[^"]+\/method)"/.exec(choice.text)![1]!;
      const res = await browser.submit(path, { csrf: csrfOf(choice.text), method: 'sms' });
      expect(res.text).toMatch(/paused/);
      expect(locked.outbox.items.length).toBe(before);
    } finally {
      await locked.close();
    }
  });

  test('when the sign-in outlives its lifetime, then the page says so and Entra is told access_denied', async () => {
    const browser = new BrowserClient(h.url);
    const page = (await authorize(browser)).text;
    const id = signInPath(page).split('/').pop()!;
    const signIn = (await h.provider.entraStores.signIns.get(id))!;
    await h.provider.entraStores.signIns.replace({ ...signIn, expiresAt: Date.now() - 1, version: signIn.version + 1 });
    const res = await browser.get(signInPath(page));
    expect(res.text).toContain('expired');
    expect(formFields(res.text, h.standIn.redirectUri)).toEqual({ error: 'access_denied', state: 'state-opaque-77' });
  });
});

