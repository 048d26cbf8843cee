// A local stand-in for Entra ID's token endpoint and Microsoft Graph's /users (node:http), for the Graph directory
// and external-method tests: client-credentials tokens, GET a user by id or UPN, $filter by mail or
// onPremisesSamAccountName, a user's groups through /transitiveMemberOf/microsoft.graph.group (nested groups
// followed, `groupPageSize` per page with an absolute @odata.nextLink), PATCH passwordProfile with Entra's complexity rule, list and create a user's
// externalAuthenticationMethods (the tenant has one method configuration; a second create of the same one answers
// 409 — Microsoft does not document that answer, it is this stand-in's choice), Graph-shaped errors, and a queued
// failure (e.g. 429 + Retry-After).
// Every request is recorded as sent (method, path, headers, body) so tests can check exactly what went out.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StandInUser {
  readonly id: string;
  readonly userPrincipalName: string;
  readonly mail: string | null;
  readonly onPremisesSamAccountName: string | null;
  readonly displayName: string;
  accountEnabled: boolean;
  password: string;
}

export interface StandInExternalMethod {
  readonly id: string;
  readonly configurationId: string;
  readonly displayName: string;
}

export interface StandInGroup {
  readonly id: string;
  readonly displayName: string;
  /** Ids of member users and member groups (nested). */
  readonly members: string[];
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

export interface GraphStandIn {
  /** The login base (GRAPH_LOGIN_BASE_URL). */
  readonly loginBaseUrl: string;
  /** The API base (GRAPH_API_BASE_URL), ending in /v1.0. */
  readonly apiBaseUrl: string;
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly requests: RecordedRequest[];
  readonly users: StandInUser[];
  /** The id of the tenant's externalAuthenticationMethodConfiguration (the method an admin added). */
  readonly methodConfigurationId: string;
  /** External methods registered per user id. */
  readonly externalMethods: Map<string, StandInExternalMethod[]>;
  addUser(user: Omit<StandInUser, 'id'> & { id?: string }): StandInUser;
  readonly groups: StandInGroup[];
  addGroup(displayName: string, members: readonly string[]): StandInGroup;
  /** Groups per page of /transitiveMemberOf (Graph's default is 100). */
  groupPageSize: number;
  /** The app was not granted GroupMember.Read.All: group listings answer 403 as Graph does. */
  denyGroupReads: boolean;
  /** The next Graph (not token) request answers this instead (queued: several calls queue several failures). */
  failNext(status: number, headers?: Record<string, string>, error?: { code: string; message: string }): void;
  tokensIssued(): number;
  close(): Promise<void>;
}

const COMPLEXITY_MESSAGE = 'The specified password does not comply with password complexity requirements. Please provide a different password.';

/** Entra ID's rule for cloud accounts: 8 to 256 characters and three of lower, upper, digit, symbol. */
function meetsComplexity(password: string): boolean {
  if (password.length < 8 || password.length > 256) return false;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  return classes >= 3;
}

export async function startGraphStandIn(): Promise<GraphStandIn> {
  const tenantId = randomUUID();
  const clientId = randomUUID();
  const clientSecret = `standin-secret-${randomUUID()}`;
  const requests: RecordedRequest[] = [];
  const users: StandInUser[] = [];
  const tokens = new Set<string>();
  const methodConfigurationId = randomUUID();
  const externalMethods = new Map<string, StandInExternalMethod[]>();
  const groups: StandInGroup[] = [];
  const paging = { groupPageSize: 100, denyGroupReads: false };
  /** Every group holding `memberId`, directly or through groups it is in. */
  const transitiveGroups = (memberId: string): StandInGroup[] => {
    const found = new Map<string, StandInGroup>();
    const pending = [memberId];
    while (pending.length > 0) {
      const id = pending.pop()!;
      for (const g of groups) if (g.members.includes(id) && !found.has(g.id)) (found.set(g.id, g), pending.push(g.id));
    }
    return [...found.values()];
  };
  const failures: Array<{ status: number; headers: Record<string, string>; error: { code: string; message: string } }> = [];

  const send = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };
  const graphError = (res: http.ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void =>
    send(res, status, { error: { code, message, innerError: { 'request-id': randomUUID() } } }, headers);
  const view = (u: StandInUser) => ({
    id: u.id,
    userPrincipalName: u.userPrincipalName,
    displayName: u.displayName,
    mail: u.mail,
    accountEnabled: u.accountEnabled,
  });

  let base = '';
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://stand-in');
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });

      if (req.method === 'POST' && url.pathname === `/${tenantId}/oauth2/v2.0/token`) {
        const form = new URLSearchParams(body);
        if (form.get('grant_type') !== 'client_credentials' || form.get('scope') !== 'https://graph.microsoft.com/.default') {
          return send(res, 400, { error: 'invalid_request' });
        }
        if (form.get('client_id') !== clientId || form.get('client_secret') !== clientSecret) {
          return send(res, 401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' });
        }
        const token = `standin-token-${randomUUID()}`;
        tokens.add(token);
        return send(res, 200, { token_type: 'Bearer', expires_in: 3599, access_token: token });
      }
      if (url.pathname.endsWith('/oauth2/v2.0/token')) return send(res, 400, { error: 'invalid_tenant' });

      if (!url.pathname.startsWith('/v1.0/')) return graphError(res, 404, 'UnknownRoute', 'No such route');
      const bearer = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      if (!tokens.has(bearer)) return graphError(res, 401, 'InvalidAuthenticationToken', 'Access token is empty or invalid.');
      const failure = failures.shift();
      if (failure !== undefined) {
        const { status, headers, error } = failure;
        return graphError(res, status, error.code, error.message, headers);
      }

      const methodsMatch = /^\/v1\.0\/users\/([^/]+)\/authentication\/externalAuthenticationMethods$/.exec(url.pathname);
      if (methodsMatch !== null) {
        const key = decodeURIComponent(methodsMatch[1]!).toLowerCase();
        const user = users.find((u) => u.id === key);
        if (user === undefined) return graphError(res, 404, 'Request_ResourceNotFound', `Resource '${key}' does not exist.`);
        const registered = externalMethods.get(user.id) ?? [];
        if (req.method === 'GET') return send(res, 200, { value: registered.map((m) => ({ '@odata.type': '#microsoft.graph.externalAuthenticationMethod', ...m })) });
        if (req.method === 'POST') {
          if (!/^application\/json/.test(req.headers['content-type'] ?? '')) return graphError(res, 415, 'UnsupportedMediaType', 'Content-Type must be application/json.');
          const wanted = JSON.parse(body) as { '@odata.type'?: string; configurationId?: string; displayName?: string };
          if (wanted['@odata.type'] !== '#microsoft.graph.externalAuthenticationMethod' || typeof wanted.displayName !== 'string' || wanted.displayName === '') {
            return graphError(res, 400, 'invalidRequest', 'Invalid request body.');
          }
          if (wanted.configurationId !== methodConfigurationId) return graphError(res, 400, 'invalidRequest', 'The external authentication method configuration does not exist.');
          if (registered.some((m) => m.configurationId === methodConfigurationId)) return graphError(res, 409, 'conflict', 'The method is already registered.');
          const created: StandInExternalMethod = { id: randomUUID(), configurationId: methodConfigurationId, displayName: wanted.displayName };
          externalMethods.set(user.id, [...registered, created]);
          return send(res, 201, { '@odata.type': '#microsoft.graph.externalAuthenticationMethod', ...created, createdDateTime: new Date().toISOString() });
        }
        return graphError(res, 405, 'Request_BadRequest', 'Unsupported method.');
      }

      const groupsMatch = /^\/v1\.0\/users\/([^/]+)\/transitiveMemberOf\/microsoft\.graph\.group$/.exec(url.pathname);
      if (req.method === 'GET' && groupsMatch !== null) {
        const key = decodeURIComponent(groupsMatch[1]!).toLowerCase();
        const user = users.find((u) => u.id === key);
        if (user === undefined) return graphError(res, 404, 'Request_ResourceNotFound', `Resource '${key}' does not exist.`);
        if (paging.denyGroupReads) return graphError(res, 403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
        const skip = Number(url.searchParams.get('$skiptoken') ?? '0');
        const all = transitiveGroups(user.id);
        const page = all.slice(skip, skip + paging.groupPageSize);
        const select = (url.searchParams.get('$select') ?? '').split(',').filter((f) => f !== '');
        const shown = page.map((g) => {
          const full: Record<string, unknown> = { '@odata.type': '#microsoft.graph.group', id: g.id, displayName: g.displayName, securityEnabled: true };
          return select.length === 0 ? full : Object.fromEntries(Object.entries(full).filter(([k]) => k === '@odata.type' || select.includes(k)));
        });
        const next = skip + paging.groupPageSize < all.length ? new URL(`${base}${url.pathname}`) : null;
        next?.searchParams.set('$select', url.searchParams.get('$select') ?? '');
        next?.searchParams.set('$skiptoken', String(skip + paging.groupPageSize));
        return send(res, 200, { '@odata.context': `${base}/v1.0/$metadata#groups`, value: shown, ...(next ? { '@odata.nextLink': next.toString() } : {}) });
      }

      if (req.method === 'GET' && url.pathname === '/v1.0/users') {
        const filter = url.searchParams.get('$filter') ?? '';
        const match = /^(mail|onPremisesSamAccountName) eq '((?:[^']|'')*)'$/.exec(filter);
        if (match === null) return graphError(res, 400, 'Request_UnsupportedQuery', 'Unsupported query.');
        const property = match[1] as 'mail' | 'onPremisesSamAccountName';
        if (property === 'onPremisesSamAccountName' && req.headers['consistencylevel'] !== 'eventual') {
          return graphError(res, 400, 'Request_UnsupportedQuery', 'Unsupported or invalid query filter clause specified for property.');
        }
        const value = match[2]!.replace(/''/g, "'").toLowerCase();
        return send(res, 200, { value: users.filter((u) => u[property]?.toLowerCase() === value).map(view) });
      }

      const userMatch = /^\/v1\.0\/users\/([^/]+)$/.exec(url.pathname);
      if (userMatch !== null) {
        const key = decodeURIComponent(userMatch[1]!).toLowerCase();
        const user = users.find((u) => u.id === key || u.userPrincipalName.toLowerCase() === key);
        if (user === undefined) {
          return graphError(res, 404, 'Request_ResourceNotFound', `Resource '${key}' does not exist or one of its queried reference-property objects are not present.`);
        }
        if (req.method === 'GET') return send(res, 200, view(user));
        if (req.method === 'PATCH') {
          const patch = JSON.parse(body) as { passwordProfile?: { password?: string } };
          const password = patch.passwordProfile?.password;
          if (typeof password !== 'string') return graphError(res, 400, 'Request_BadRequest', 'Invalid request.');
          if (!meetsComplexity(password)) return graphError(res, 400, 'Request_BadRequest', COMPLEXITY_MESSAGE);
          user.password = password;
          res.writeHead(204);
          return res.end();
        }
      }
      return graphError(res, 405, 'Request_BadRequest', 'Unsupported method.');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;
  return {
    loginBaseUrl: base,
    apiBaseUrl: `${base}/v1.0`,
    tenantId,
    clientId,
    clientSecret,
    requests,
    users,
    methodConfigurationId,
    externalMethods,
    groups,
    addGroup(displayName, members) {
      const group: StandInGroup = { id: randomUUID(), displayName, members: [...members] };
      groups.push(group);
      return group;
    },
    get groupPageSize() {
      return paging.groupPageSize;
    },
    set groupPageSize(size: number) {
      paging.groupPageSize = size;
    },
    get denyGroupReads() {
      return paging.denyGroupReads;
    },
    set denyGroupReads(deny: boolean) {
      paging.denyGroupReads = deny;
    },
    addUser(user) {
      const full: StandInUser = { ...user, id: user.id ?? randomUUID() };
      users.push(full);
      return full;
    },
    failNext(status, headers = {}, error = { code: status === 429 ? 'TooManyRequests' : 'ServiceUnavailable', message: 'Please retry later.' }) {
      failures.push({ status, headers, error });
    },
    tokensIssued: () => tokens.size,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
