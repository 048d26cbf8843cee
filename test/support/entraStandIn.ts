// Plays Microsoft Entra ID's side of External MFA (docs: entra-external-mfa.md): serves per-tenant OpenID
// metadata and JWKS, mints id_token_hints with a test RSA key exactly as documented (ver 2.0, exp = iat - 1),
// builds the authorize form body, receives the answer POST, and checks an answer the way Entra does.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { compactVerify, decodeProtectedHeader, importX509, SignJWT } from 'jose';

export const STAND_IN_APP_ID = '6f1d3b5e-2a7c-4e19-9b8d-0c4a5e6f7a81';
export const STAND_IN_CLIENT_ID = 'signet-entra-client';
export const TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';
export const OTHER_TENANT = '2b5e1f7a-0c3d-4e8f-9a1b-6c7d8e9f0a1b';
export const REDIRECT_PATH = '/common/federation/externalauthprovider';
export const ACR_POSSESSION = 'possessionorinherence';

export interface HintOptions {
  readonly oid: string;
  readonly sub?: string;
  readonly tid?: string;
  /** Defaults to the stand-in's issuer for `tid`. */
  readonly iss?: string;
  readonly aud?: string;
  /** Seconds since the epoch; defaults to now. */
  readonly iat?: number;
  /** Sign with another key (not in the JWKS) or name another kid. */
  readonly key?: KeyObject;
  readonly kid?: string;
  readonly alg?: 'RS256' | 'RS384';
}

export interface AuthorizeFormOptions {
  readonly hint: string;
  readonly clientId?: string;
  readonly redirectUri?: string;
  readonly state?: string | null;
  readonly nonce?: string | null;
  readonly acrValues?: readonly string[];
  readonly omit?: readonly string[];
}

export interface ExpectedAnswer {
  /** Signet's discovery URL: the stand-in reads the issuer and the JWKS from it, as Entra does. */
  readonly discoveryUrl: string;
  readonly clientId: string;
  readonly sub: string;
  readonly nonce: string | null;
  readonly acrValues: readonly string[];
  readonly state: string | null;
}

export interface CheckedAnswer {
  readonly claims: Record<string, unknown>;
  readonly kid: string;
}

export class EntraStandIn {
  readonly kid = 'stand-in-key-1';
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  /** Answer forms POSTed to the redirect path (the browser tests end there). */
  readonly received: Array<Record<string, string>> = [];
  private server: http.Server | null = null;
  url = '';

  constructor() {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey;
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  issuerFor(tid: string): string {
    return `${this.url}/${tid}/v2.0`;
  }

  /** The ENTRA_* settings that point Signet at this stand-in. */
  env(extra: { redirectUris?: readonly string[] } = {}): Record<string, string> {
    return {
      ENTRA_CLIENT_ID: STAND_IN_CLIENT_ID,
      ENTRA_APP_ID: STAND_IN_APP_ID,
      ENTRA_METADATA_URL_TEMPLATE: `${this.url}/{tenantid}/v2.0/.well-known/openid-configuration`,
      ENTRA_ISSUER_TEMPLATE: `${this.url}/{tenantid}/v2.0`,
      ...(extra.redirectUris ? { ENTRA_REDIRECT_URIS: extra.redirectUris.join(',') } : {}),
    };
  }

  get redirectUri(): string {
    return `${this.url}${REDIRECT_PATH}`;
  }

  /** A hint as Microsoft's example shows it: RS256, ver 2.0, issued already expired (exp = iat - 1). */
  async mintHint(options: HintOptions): Promise<string> {
    const tid = options.tid ?? TENANT;
    const iat = options.iat ?? Math.floor(Date.now() / 1000);
    return new SignJWT({
      ver: '2.0',
      iss: options.iss ?? this.issuerFor(tid),
      sub: options.sub ?? `pairwise-${options.oid}`,
      aud: options.aud ?? STAND_IN_APP_ID,
      exp: iat - 1,
      iat,
      nbf: iat,
      name: 'Jane Doe',
      preferred_username: 'jane.doe@signet-demo.example',
      oid: options.oid,
      tid,
    })
      .setProtectedHeader({ typ: 'JWT', alg: options.alg ?? 'RS256', kid: options.kid ?? this.kid })
      .sign(options.key ?? this.privateKey);
  }

  /** The form body Entra has the browser POST (fact sheet section 1). */
  authorizeForm(options: AuthorizeFormOptions): string {
    const fields: Record<string, string> = {
      scope: 'openid',
      response_type: 'id_token',
      response_mode: 'form_post',
      client_id: options.clientId ?? STAND_IN_CLIENT_ID,
      redirect_uri: options.redirectUri ?? 'https://login.microsoftonline.com/common/federation/externalauthprovider',
      ...(options.nonce === null ? {} : { nonce: options.nonce ?? 'nonce-5e1a' }),
      ...(options.state === null ? {} : { state: options.state ?? 'state-opaque-77' }),
      'client-request-id': '0b3c8f0e-6a1f-4c55-9d0a-1f2e3d4c5b6a',
      id_token_hint: options.hint,
      claims: JSON.stringify({ id_token: { acr: { essential: true, values: options.acrValues ?? [ACR_POSSESSION] }, amr: { essential: true, values: ['face', 'fido', 'fpt', 'hwk', 'iris', 'otp', 'pop', 'retina', 'sc', 'sms', 'swk', 'tel', 'vbm'] } } }),
    };
    for (const name of options.omit ?? []) delete fields[name];
    return new URLSearchParams(fields).toString();
  }

  /**
   * Accepts or rejects an answer as Entra does: discovery issuer, signature by the JWKS key named by kid (the JWK
   * must carry x5c, and its certificate must hold the same key), iss, aud, sub, nonce, one amr, acr among those
   * asked, state echoed. Throws naming the first problem.
   */
  async checkAnswer(fields: Readonly<Record<string, string>>, expected: ExpectedAnswer): Promise<CheckedAnswer> {
    const idToken = fields['id_token'];
    if (!idToken) throw new Error(`no id_token in the answer (fields: ${Object.keys(fields).join(', ')})`);
    if ((fields['state'] ?? null) !== expected.state) throw new Error(`state ${fields['state']} is not ${expected.state}`);
    const discovery = (await (await fetch(expected.discoveryUrl)).json()) as { issuer: string; jwks_uri: string };
    const jwks = (await (await fetch(discovery.jwks_uri)).json()) as { keys: Array<Record<string, unknown>> };
    const header = decodeProtectedHeader(idToken);
    if (header.alg !== 'RS256') throw new Error(`alg ${header.alg}`);
    const jwk = jwks.keys.find((k) => k['kid'] === header.kid);
    if (!jwk) throw new Error(`kid ${header.kid} not in the JWKS`);
    const x5c = jwk['x5c'];
    if (!Array.isArray(x5c) || typeof x5c[0] !== 'string') throw new Error('JWK without x5c');
    const certKey = await importX509(`-----BEGIN CERTIFICATE-----\n${x5c[0]}\n-----END CERTIFICATE-----`, 'RS256');
    const { payload } = await compactVerify(idToken, certKey);
    const claims = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
    const problems: string[] = [];
    if (claims['iss'] !== discovery.issuer) problems.push(`iss ${String(claims['iss'])} is not ${discovery.issuer}`);
    if (claims['aud'] !== expected.clientId) problems.push(`aud ${String(claims['aud'])}`);
    if (claims['sub'] !== expected.sub) problems.push(`sub ${String(claims['sub'])}`);
    if ((claims['nonce'] ?? null) !== expected.nonce) problems.push(`nonce ${String(claims['nonce'])}`);
    const amr = claims['amr'];
    if (!Array.isArray(amr) || amr.length !== 1 || typeof amr[0] !== 'string') problems.push(`amr ${JSON.stringify(amr)} is not one method`);
    if (typeof claims['acr'] !== 'string' || !expected.acrValues.includes(claims['acr'])) problems.push(`acr ${String(claims['acr'])}`);
    const now = Math.floor(Date.now() / 1000);
    if (typeof claims['exp'] !== 'number' || typeof claims['iat'] !== 'number') problems.push('iat/exp missing');
    else if (claims['exp'] <= claims['iat'] || Math.abs((claims['iat'] as number) - now) > 24 * 3600 * 365) problems.push('iat/exp not sensible');
    if (problems.length > 0) throw new Error(`Entra would refuse the answer: ${problems.join('; ')}`);
    return { claims, kid: String(header.kid) };
  }

  /** A key Entra never published, to sign hints with. */
  static foreignKey(): KeyObject {
    return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const metadata = /^\/([0-9a-f-]{36})\/v2\.0\/\.well-known\/openid-configuration$/.exec(path);
    if (req.method === 'GET' && metadata) {
      const tid = metadata[1]!;
      return json(res, { issuer: this.issuerFor(tid), jwks_uri: `${this.url}/${tid}/discovery/v2.0/keys`, id_token_signing_alg_values_supported: ['RS256'] });
    }
    if (req.method === 'GET' && /^\/[0-9a-f-]{36}\/discovery\/v2\.0\/keys$/.test(path)) {
      const jwk = this.publicKey.export({ format: 'jwk' });
      return json(res, { keys: [{ ...jwk, kid: this.kid, use: 'sig', alg: 'RS256' }] });
    }
    if (req.method === 'POST' && path === REDIRECT_PATH) {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      this.received.push(Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><html lang="en"><head><title>Entra stand-in</title></head><body><main><h1>Answer received</h1></main></body></html>');
      return;
    }
    res.writeHead(404);
    res.end();
  }
}

function json(res: http.ServerResponse, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** The hidden fields of the first POST form on a page whose action is `action` (the answer to Entra). */
export function formFields(page: string, action: string): Record<string, string> | null {
  const start = page.indexOf(`<form method="post" action="${action}"`);
  if (start < 0) return null;
  const end = page.indexOf('</form>', start);
  const form = page.slice(start, end);
  const out: Record<string, string> = {};
  const pattern = /<input type="hidden" name="([^"]+)" value="([^"]*)">/g;
  for (let m = pattern.exec(form); m !== null; m = pattern.exec(form)) out[m[1]!] = unescape(m[2]!);
  return out;
}

function unescape(text: string): string {
  return text.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
