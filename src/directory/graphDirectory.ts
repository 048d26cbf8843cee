// The directory for cloud accounts: Microsoft Graph with the app's own credentials (client-credentials token, cached
// until shortly before it expires), plain fetch. Reads /users, resets with PATCH passwordProfile, and maps Graph's
// errors (complexity, not found, 429/503 with Retry-After) to typed refusals.
import type { GraphDirectoryConfig } from '../config/directoryConfig';
import type { Logger } from '../logging/logger';
import {
  DirectoryConfigurationError,
  directoryOk,
  directoryOkVoid,
  directoryRefused,
  type Directory,
  type DirectoryEntry,
  type DirectoryLookup,
  type DirectoryResult,
} from '../ports/directory';
import type { Clock } from '../ports/clock';
import { systemClock } from '../ports/clock';
import { isGuid } from './objectGuid';

const SELECT = 'id,userPrincipalName,displayName,mail,accountEnabled';
/** A token is renewed this long before Entra says it expires. */
const TOKEN_MARGIN_MS = 5 * 60_000;
const MAX_LOOKUP_LENGTH = 256;

interface GraphUser {
  readonly id: string;
  readonly userPrincipalName?: string | null;
  readonly displayName?: string | null;
  readonly mail?: string | null;
  readonly accountEnabled?: boolean | null;
}

/** What Graph answered, reduced to what decides the outcome. */
type GraphFailure = { readonly status: number; readonly code: string; readonly message: string; readonly retryAfterSeconds: number | undefined };

class TokenRefusedError extends Error {}

export interface GraphDirectoryOptions {
  readonly config: GraphDirectoryConfig;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** Injected by tests; the global fetch otherwise. */
  readonly fetch?: typeof fetch;
  /** The token's scope; Graph's own unless a national cloud needs another. */
  readonly scope?: string;
}

export class GraphDirectory implements Directory {
  private readonly config: GraphDirectoryConfig;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly fetch: typeof fetch;
  private readonly scope: string;
  private token: { value: string; expiresAt: number } | undefined;

  constructor(options: GraphDirectoryOptions) {
    this.config = options.config;
    this.logger = options.logger.child({ component: 'graphDirectory' });
    this.clock = options.clock ?? systemClock;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.scope = options.scope ?? 'https://graph.microsoft.com/.default';
  }

  async find(lookup: DirectoryLookup): Promise<DirectoryResult<DirectoryEntry>> {
    const value = lookup.value.trim();
    if (value === '' || value.length > MAX_LOOKUP_LENGTH) return directoryRefused('notFound');
    return this.guarded('find', async () => {
      if (lookup.by === 'upn' || lookup.by === 'objectId') {
        if (lookup.by === 'objectId' && !isGuid(value)) return directoryRefused('notFound');
        // A UPN with '@' or '/' is a path segment here, so it is encoded; Graph takes a UPN where it takes an id.
        const answer = await this.call('GET', `/users/${encodeURIComponent(value)}?$select=${SELECT}`);
        return answer.ok ? directoryOk(toEntry(answer.body as GraphUser)) : this.refusalOf(answer.failure);
      }
      const property = lookup.by === 'mail' ? 'mail' : 'onPremisesSamAccountName';
      // OData string literal: a quote is doubled; the whole filter is then URL-encoded as one query value.
      const filter = `${property} eq '${value.replace(/'/g, "''")}'`;
      const answer = await this.call('GET', `/users?$filter=${encodeURIComponent(filter)}&$select=${SELECT}&$top=2&$count=true`, undefined, {
        ConsistencyLevel: 'eventual',
      });
      if (!answer.ok) return this.refusalOf(answer.failure);
      const users = ((answer.body as { value?: GraphUser[] }).value ?? []).filter((u) => typeof u.id === 'string');
      return users.length === 1 ? directoryOk(toEntry(users[0]!)) : directoryRefused('notFound');
    });
  }

  async setPassword(id: string, newPassword: string): Promise<DirectoryResult<void>> {
    if (!isGuid(id)) return directoryRefused('notFound');
    return this.guarded('setPassword', async () => {
      const current = await this.call('GET', `/users/${encodeURIComponent(id)}?$select=${SELECT}`);
      if (!current.ok) return this.refusalOf(current.failure);
      if ((current.body as GraphUser).accountEnabled === false) return directoryRefused('accountDisabled');
      const answer = await this.call('PATCH', `/users/${encodeURIComponent(id)}`, {
        passwordProfile: { password: newPassword, forceChangePasswordNextSignIn: false },
      });
      if (!answer.ok) {
        const refusal = this.refusalOf(answer.failure);
        this.logger.info('directory refused a new password', { entryId: id, reason: refusal.ok ? undefined : refusal.refusal.kind });
        return refusal;
      }
      this.logger.info('directory password set', { entryId: id });
      return directoryOkVoid;
    });
  }

  async unlock(id: string): Promise<DirectoryResult<void>> {
    // Entra ID's smart lockout is not exposed by Graph and ends by itself; a cloud account has nothing else to unlock.
    // The account must exist and be enabled, as with the other directories.
    const found = await this.find({ by: 'objectId', value: id });
    if (!found.ok) return found;
    return found.value.enabled ? directoryOkVoid : directoryRefused('accountDisabled');
  }

  async verifyConfiguration(): Promise<void> {
    this.token = undefined;
    try {
      await this.accessToken();
    } catch (err) {
      if (err instanceof TokenRefusedError) {
        throw new DirectoryConfigurationError(`GRAPH_TENANT_ID / GRAPH_CLIENT_ID / GRAPH_CLIENT_SECRET: Entra ID refused the app's credentials (${err.message})`);
      }
      throw new DirectoryConfigurationError(`GRAPH_LOGIN_BASE_URL: cannot reach the token endpoint (${describe(err)})`, { cause: err });
    }
  }

  async close(): Promise<void> {
    this.token = undefined;
  }

  private async guarded<T>(op: string, work: () => Promise<DirectoryResult<T>>): Promise<DirectoryResult<T>> {
    try {
      return await work();
    } catch (err) {
      if (err instanceof TokenRefusedError) this.logger.error('Entra ID refused the app credentials: check GRAPH_CLIENT_ID / GRAPH_CLIENT_SECRET', { op });
      else this.logger.warn('directory unavailable', { op, error: describe(err) });
      return directoryRefused('unavailable');
    }
  }

  private refusalOf(failure: GraphFailure): DirectoryResult<never> {
    const { status, code, message } = failure;
    if (status === 404 || code === 'Request_ResourceNotFound') return directoryRefused('notFound');
    if (status === 429 || status === 503 || status === 504) {
      return failure.retryAfterSeconds === undefined
        ? directoryRefused('unavailable')
        : directoryRefused('unavailable', { retryAfterSeconds: failure.retryAfterSeconds });
    }
    const lower = message.toLowerCase();
    if (status === 400 && lower.includes('password')) {
      if (lower.includes('history') || lower.includes('recently used')) return directoryRefused('inHistory');
      if (lower.includes('too short') || lower.includes('length')) return directoryRefused('tooShort');
      return directoryRefused('tooWeak');
    }
    if (status === 401 || status === 403) {
      this.logger.error('Graph refused the request: the app needs User.Read.All and User-PasswordProfile.ReadWrite.All', { status, code });
    } else {
      this.logger.warn('Graph answered with an error', { status, code });
    }
    return directoryRefused('unavailable');
  }

  private async accessToken(): Promise<string> {
    const now = this.clock.now();
    if (this.token !== undefined && this.token.expiresAt > now) return this.token.value;
    const url = `${this.config.loginBaseUrl}/${encodeURIComponent(this.config.tenantId)}/oauth2/v2.0/token`;
    const response = await this.fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: this.config.clientId,
        client_secret: this.config.clientSecret,
        scope: this.scope,
        grant_type: 'client_credentials',
      }).toString(),
      signal: AbortSignal.timeout(this.config.timeoutMs),
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

  private async call(
    method: 'GET' | 'PATCH',
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ ok: true; body: unknown } | { ok: false; failure: GraphFailure }> {
    const token = await this.accessToken();
    const response = await this.fetch(`${this.config.apiBaseUrl}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        Accept: 'application/json',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(this.config.timeoutMs),
    });
    if (response.status === 401) this.token = undefined; // A revoked or expired token: fetch a new one next time.
    const text = await response.text();
    const parsed = text === '' ? {} : (JSON.parse(text) as unknown);
    if (response.ok) return { ok: true, body: parsed };
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

function toEntry(user: GraphUser): DirectoryEntry {
  return {
    id: user.id,
    upn: user.userPrincipalName ?? undefined,
    displayName: user.displayName ?? '',
    mail: user.mail ?? undefined,
    // Graph does not expose Entra ID's sign-in lockout.
    locked: false,
    enabled: user.accountEnabled !== false,
  };
}

/** Retry-After as seconds: a number of seconds or an HTTP date. */
function retryAfter(header: string | null, nowMs: number): number | undefined {
  if (header === null) return undefined;
  const trimmed = header.trim();
  if (/^\d{1,7}$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - nowMs) / 1000));
}

function describe(err: unknown): string {
  // Network errors may come from another realm (jest's vm), so no instanceof Error here.
  if (typeof err === 'object' && err !== null && 'message' in err) {
    const e = err as { name?: unknown; code?: unknown; message: unknown; cause?: { code?: unknown } };
    return `${String(e.name ?? 'Error')}: ${String(e.cause?.code ?? e.code ?? String(e.message).slice(0, 120))}`;
  }
  return 'unknown error';
}
