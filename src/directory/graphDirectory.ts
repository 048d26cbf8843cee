// The directory for cloud accounts: Microsoft Graph with the app's own credentials (through the shared GraphClient:
// client-credentials token, Retry-After). Reads /users, resets with PATCH passwordProfile, and maps Graph's errors
// (complexity, not found, 429/503 with Retry-After) to typed refusals. With readGroups, a found person's groups
// (transitive, by display name and id) come from /transitiveMemberOf, every page followed.
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
import { describeFault as describe, GraphClient, TokenRefusedError, type GraphFailure } from './graphClient';
import { isGuid } from './objectGuid';

const SELECT = 'id,userPrincipalName,displayName,mail,accountEnabled';
const MAX_LOOKUP_LENGTH = 256;
/** Pages of groups followed at most (Graph's default page is 100 groups): a loop of nextLinks ends here. */
const MAX_GROUP_PAGES = 50;

interface GraphGroupPage {
  readonly value?: ReadonlyArray<{ readonly id?: unknown; readonly displayName?: unknown }>;
  readonly '@odata.nextLink'?: unknown;
}

interface GraphUser {
  readonly id: string;
  readonly userPrincipalName?: string | null;
  readonly displayName?: string | null;
  readonly mail?: string | null;
  readonly accountEnabled?: boolean | null;
}

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
  private readonly logger: Logger;
  private readonly graph: GraphClient;
  private readonly apiBaseUrl: string;
  private readonly readGroups: boolean;

  constructor(options: GraphDirectoryOptions) {
    this.logger = options.logger.child({ component: 'graphDirectory' });
    this.apiBaseUrl = options.config.apiBaseUrl;
    this.readGroups = options.config.readGroups === true;
    this.graph = new GraphClient({
      settings: options.config,
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.scope ? { scope: options.scope } : {}),
    });
  }

  private call(method: 'GET' | 'PATCH', path: string, body?: unknown, headers?: Record<string, string>) {
    return this.graph.call(method, path, body, headers);
  }

  async find(lookup: DirectoryLookup): Promise<DirectoryResult<DirectoryEntry>> {
    const found = await this.findUser(lookup);
    if (!found.ok || !this.readGroups) return found;
    return this.guarded('groups', async () => {
      const groups = await this.groupsOf(found.value.id);
      return groups.ok ? directoryOk({ ...found.value, groups: groups.value }) : groups;
    });
  }

  private async findUser(lookup: DirectoryLookup): Promise<DirectoryResult<DirectoryEntry>> {
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

  /**
   * Every group the person belongs to, directly or through other groups, each as its display name and its id (a
   * policy may name either). A refusal of any page fails the whole look-up: a policy is never applied to half a list.
   */
  private async groupsOf(id: string): Promise<DirectoryResult<string[]>> {
    const names: string[] = [];
    let path: string | undefined = `/users/${encodeURIComponent(id)}/transitiveMemberOf/microsoft.graph.group?$select=displayName,id`;
    for (let page = 0; path !== undefined; page++) {
      if (page === MAX_GROUP_PAGES) {
        this.logger.warn('Graph listed more group pages than followed; look-up treated as unavailable', { pages: page });
        return directoryRefused('unavailable');
      }
      const answer = await this.call('GET', path);
      if (!answer.ok) {
        if (answer.failure.status === 403) {
          this.logger.error('Graph refused to list group membership: the app needs GroupMember.Read.All (GRAPH_READ_GROUPS=true)', { status: 403, code: answer.failure.code });
          return directoryRefused('unavailable');
        }
        return this.refusalOf(answer.failure);
      }
      const body = answer.body as GraphGroupPage;
      for (const group of body.value ?? []) {
        if (typeof group.displayName === 'string' && group.displayName !== '') names.push(group.displayName);
        if (typeof group.id === 'string') names.push(group.id);
      }
      const next = this.nextPath(body['@odata.nextLink']);
      if (next === null) return directoryRefused('unavailable');
      path = next;
    }
    return directoryOk([...new Set(names)]);
  }

  /** The path of Graph's next page; null when the link leaves the configured API (the token is never sent elsewhere). */
  private nextPath(link: unknown): string | undefined | null {
    if (link === undefined || link === null) return undefined;
    if (typeof link === 'string' && link.startsWith(`${this.apiBaseUrl}/`)) return link.slice(this.apiBaseUrl.length);
    this.logger.warn('Graph gave a next page outside its API base; look-up treated as unavailable');
    return null;
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
    const found = await this.findUser({ by: 'objectId', value: id });
    if (!found.ok) return found;
    return found.value.enabled ? directoryOkVoid : directoryRefused('accountDisabled');
  }

  async verifyConfiguration(): Promise<void> {
    this.graph.forgetToken();
    try {
      await this.graph.accessToken();
    } catch (err) {
      if (err instanceof TokenRefusedError) {
        throw new DirectoryConfigurationError(`GRAPH_TENANT_ID / GRAPH_CLIENT_ID / GRAPH_CLIENT_SECRET: Entra ID refused the app's credentials (${err.message})`);
      }
      throw new DirectoryConfigurationError(`GRAPH_LOGIN_BASE_URL: cannot reach the token endpoint (${describe(err)})`, { cause: err });
    }
  }

  async close(): Promise<void> {
    this.graph.forgetToken();
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
