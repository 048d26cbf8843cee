// Microsoft Graph with an app's own credentials, shared by the Graph adapters (directory, external-method registry):
// a client-credentials token cached until shortly before it expires, JSON calls with plain fetch, and Graph's error
// answers reduced to status, code and Retry-After. Never logs; the token and secret stay inside this object.
import type { GraphAppSettings } from '../config/graphAppSettings';
import type { Clock } from '../ports/clock';
import { systemClock } from '../ports/clock';

/** How to reach Entra ID's token endpoint and Graph, with which app credentials. */
export type GraphClientSettings = GraphAppSettings;

/** What Graph answered, reduced to what decides the outcome (never the response body: it may name people). */
export interface GraphFailure {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly retryAfterSeconds: number | undefined;
}

export type GraphAnswer = { readonly ok: true; readonly status: number; readonly body: unknown } | { readonly ok: false; readonly failure: GraphFailure };

/** Entra ID refused the app's credentials (wrong client id or secret, unknown tenant): no retry will help. */
export class TokenRefusedError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'TokenRefusedError';
  }
}

/** A token is renewed this long before Entra says it expires. */
const TOKEN_MARGIN_MS = 5 * 60_000;

export interface GraphClientOptions {
  readonly settings: GraphClientSettings;
  readonly clock?: Clock;
  /** Injected by tests; the global fetch otherwise. */
  readonly fetch?: typeof fetch;
  /** The token's scope; Graph's own unless a national cloud needs another. */
  readonly scope?: string;
}

export class GraphClient {
  private readonly settings: GraphClientSettings;
  private readonly clock: Clock;
  private readonly fetch: typeof fetch;
  private readonly scope: string;
  private token: { value: string; expiresAt: number } | undefined;

  constructor(options: GraphClientOptions) {
    this.settings = options.settings;
    this.clock = options.clock ?? systemClock;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.scope = options.scope ?? 'https://graph.microsoft.com/.default';
  }

  /** Forgets the cached token, so the next call (or verifyCredentials) asks Entra ID again. */
  forgetToken(): void {
    this.token = undefined;
  }

  /** The current token, fetched when none is cached. Throws TokenRefusedError, or a network error. */
  async accessToken(): Promise<string> {
    const now = this.clock.now();
    if (this.token !== undefined && this.token.expiresAt > now) return this.token.value;
    const { settings } = this;
    const url = `${settings.loginBaseUrl}/${encodeURIComponent(settings.tenantId)}/oauth2/v2.0/token`;
    const response = await this.fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: settings.clientId,
        client_secret: settings.clientSecret,
        scope: this.scope,
        grant_type: 'client_credentials',
      }).toString(),
      signal: AbortSignal.timeout(settings.timeoutMs),
    });
    const body = (await response.json().catch(() => ({}))) as { access_token?: string; expires_in?: number; error?: string };
    if (!response.ok || typeof body.access_token !== 'string') {
      if (response.status === 400 || response.status === 401) throw new TokenRefusedError(body.error ?? `status ${response.status}`);
      throw new Error(`token endpoint answered ${response.status}`);
    }
    const lifetimeMs = (typeof body.expires_in === 'number' ? body.expires_in : 3600) * 1000;
    this.token = { value: body.access_token, expiresAt: now + Math.max(0, lifetimeMs - TOKEN_MARGIN_MS) };
    return body.access_token;
  }

  /** One Graph request (path after the API base); a Graph error is an answer, a network fault throws. */
  async call(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown, headers: Record<string, string> = {}): Promise<GraphAnswer> {
    const token = await this.accessToken();
    const response = await this.fetch(`${this.settings.apiBaseUrl}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        Accept: 'application/json',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(this.settings.timeoutMs),
    });
    if (response.status === 401) this.token = undefined; // A revoked or expired token: fetch a new one next time.
    const text = await response.text();
    // A success must be Graph's JSON (a malformed one throws, like a network fault); an error page may be anything.
    if (response.ok) return { ok: true, status: response.status, body: text === '' ? {} : (JSON.parse(text) as unknown) };
    const parsed = parseJson(text);
    const error = (parsed as { error?: { code?: string; message?: string } }).error ?? {};
    return {
      ok: false,
      failure: {
        status: response.status,
        code: typeof error.code === 'string' ? error.code : '',
        message: typeof error.message === 'string' ? error.message : '',
        retryAfterSeconds: retryAfter(response.headers.get('retry-after'), this.clock.now()),
      },
    };
  }
}

function parseJson(text: string): unknown {
  if (text === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return {}; // A proxy's HTML error page: the status decides.
  }
}

/** Retry-After as seconds: a number of seconds or an HTTP date. */
export function retryAfter(header: string | null, nowMs: number): number | undefined {
  if (header === null) return undefined;
  const trimmed = header.trim();
  if (/^\d{1,7}$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - nowMs) / 1000));
}

/** A fault described for a log line: its name and code, never a body or a URL with a secret. */
export function describeFault(err: unknown): string {
  // Network errors may come from another realm (jest's vm), so no instanceof Error here.
  if (typeof err === 'object' && err !== null && 'message' in err) {
    const e = err as { name?: unknown; code?: unknown; message: unknown; cause?: { code?: unknown } };
    return `${String(e.name ?? 'Error')}: ${String(e.cause?.code ?? e.code ?? String(e.message).slice(0, 120))}`;
  }
  return 'unknown error';
}
