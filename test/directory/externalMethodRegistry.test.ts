// The external-method registry: one contract run against the memory adapter and the Graph adapter (on the local
// Graph stand-in), then what only Graph does — the exact requests, a create that races another, and every refusal
// mapped to a typed error with no secret in it.
import { randomUUID } from 'node:crypto';
import { GraphExternalMethodRegistry } from '../../src/directory/graphExternalMethodRegistry';
import { MemoryExternalMethodRegistry } from '../../src/directory/memoryExternalMethodRegistry';
import type { ExternalMethodRegistrationConfig } from '../../src/config/externalMethodConfig';
import { ExternalMethodRegistryError, type ExternalMethodRegistry } from '../../src/ports/externalMethodRegistry';
import { startGraphStandIn, type GraphStandIn } from '../support/graphStandIn';

let graph: GraphStandIn;
beforeAll(async () => {
  graph = await startGraphStandIn();
});
afterAll(async () => {
  await graph.close();
});
beforeEach(() => {
  graph.requests.length = 0;
  graph.externalMethods.clear();
});

const configFor = (s: GraphStandIn, overrides: Partial<ExternalMethodRegistrationConfig> = {}): ExternalMethodRegistrationConfig => ({
  tenantId: s.tenantId,
  clientId: s.clientId,
  clientSecret: s.clientSecret,
  loginBaseUrl: s.loginBaseUrl,
  apiBaseUrl: s.apiBaseUrl,
  timeoutMs: 5000,
  configurationId: s.methodConfigurationId,
  displayName: 'Signet',
  ...overrides,
});

const newPerson = (): { objectId: string; tenantId: string } => {
  const user = graph.addUser({ userPrincipalName: `p-${randomUUID()}@signet-demo.example`, mail: null, onPremisesSamAccountName: null, displayName: 'P', accountEnabled: true, password: 'x' });
  return { objectId: user.id, tenantId: graph.tenantId };
};

const graphRequests = () => graph.requests.filter((r) => !r.path.endsWith('/oauth2/v2.0/token'));

async function refusal(work: Promise<unknown>): Promise<ExternalMethodRegistryError> {
  try {
    await work;
  } catch (error) {
    if (error instanceof ExternalMethodRegistryError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe.each([
  ['memory', (): ExternalMethodRegistry => new MemoryExternalMethodRegistry(graph.tenantId)],
  ['graph', (): ExternalMethodRegistry => new GraphExternalMethodRegistry({ config: configFor(graph) })],
])('external method registry contract: %s', (_name, make) => {
  test('when a person is registered, then the first call registers and every later one finds it already there', async () => {
    const registry = make();
    const person = newPerson();
    expect(await registry.ensureRegistered(person)).toBe('registered');
    expect(await registry.ensureRegistered(person)).toBe('alreadyRegistered');
    expect(await registry.ensureRegistered({ ...person, objectId: person.objectId.toUpperCase() })).toBe('alreadyRegistered');
  });

  test('when the person is of another tenant or is not known by an Entra object id, then nothing is done', async () => {
    const registry = make();
    expect(await registry.ensureRegistered({ objectId: randomUUID(), tenantId: randomUUID() })).toBe('notLinked');
    expect(await registry.ensureRegistered({ objectId: '29:1abc-user', tenantId: graph.tenantId })).toBe('notLinked');
  });
});

describe('Graph external method registry', () => {
  test('when a person is registered, then Graph gets a bearer-token GET of their methods and the POST the reference documents', async () => {
    const registry = new GraphExternalMethodRegistry({ config: configFor(graph, { displayName: 'Signet (Northfield)' }) });
    const person = newPerson();
    expect(await registry.ensureRegistered(person)).toBe('registered');

    const sent = graphRequests();
    const path = `/v1.0/users/${person.objectId}/authentication/externalAuthenticationMethods`;
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual([`GET ${path}`, `POST ${path}`]);
    const post = sent[1]!;
    expect(post.headers['content-type']).toBe('application/json');
    expect(post.headers.authorization).toMatch(/^Bearer standin-token-/);
    expect(JSON.parse(post.body)).toEqual({
      '@odata.type': '#microsoft.graph.externalAuthenticationMethod',
      configurationId: graph.methodConfigurationId,
      displayName: 'Signet (Northfield)',
    });
    expect(graph.externalMethods.get(person.objectId)).toEqual([expect.objectContaining({ configurationId: graph.methodConfigurationId, displayName: 'Signet (Northfield)' })]);
    // The token came from the client-credentials grant with the app's own credentials.
    const token = graph.requests.find((r) => r.path.endsWith('/oauth2/v2.0/token'))!;
    expect(Object.fromEntries(new URLSearchParams(token.body))).toMatchObject({ grant_type: 'client_credentials', client_id: graph.clientId, scope: 'https://graph.microsoft.com/.default' });
  });

  test('when the person already has the method, then only the GET is sent (no second create)', async () => {
    const registry = new GraphExternalMethodRegistry({ config: configFor(graph) });
    const person = newPerson();
    graph.externalMethods.set(person.objectId, [{ id: randomUUID(), configurationId: graph.methodConfigurationId, displayName: 'Signet' }]);
    expect(await registry.ensureRegistered(person)).toBe('alreadyRegistered');
    expect(graphRequests().map((r) => r.method)).toEqual(['GET']);
  });

  test('when the person has another provider\'s external method only, then Signet is still registered beside it', async () => {
    const registry = new GraphExternalMethodRegistry({ config: configFor(graph) });
    const person = newPerson();
    const other = { id: randomUUID(), configurationId: randomUUID(), displayName: 'Other provider' };
    graph.externalMethods.set(person.objectId, [other]);
    expect(await registry.ensureRegistered(person)).toBe('registered');
    expect(graph.externalMethods.get(person.objectId)!.map((m) => m.configurationId)).toEqual([other.configurationId, graph.methodConfigurationId]);
  });

  test('when the configuration id names no method of the tenant, then the refusal is "configuration"', async () => {
    const registry = new GraphExternalMethodRegistry({ config: configFor(graph, { configurationId: randomUUID() }) });
    const error = await refusal(registry.ensureRegistered(newPerson()));
    expect(error.kind).toBe('configuration');
    expect(error.retryable).toBe(false);
  });

  test('when another instance registers the person between the GET and the POST, then the 409 is checked and counts as done', async () => {
    const person = newPerson();
    // A fetch that lets the GET through, then registers the person (as a racing instance would) before the POST.
    const racing: typeof fetch = async (input, init) => {
      const answer = await fetch(input, init);
      if (init?.method === 'GET') graph.externalMethods.set(person.objectId, [{ id: randomUUID(), configurationId: graph.methodConfigurationId, displayName: 'Signet' }]);
      return answer;
    };
    const registry = new GraphExternalMethodRegistry({ config: configFor(graph), fetch: racing });
    expect(await registry.ensureRegistered(person)).toBe('alreadyRegistered');
    expect(graphRequests().map((r) => r.method)).toEqual(['GET', 'POST', 'GET']);
  });

  test('when Graph answers 429 with Retry-After, then the refusal is "throttled" and carries the seconds to wait', async () => {
    const registry = new GraphExternalMethodRegistry({ config: configFor(graph) });
    graph.failNext(429, { 'Retry-After': '37' });
    const error = await refusal(registry.ensureRegistered(newPerson()));
    expect(error.kind).toBe('throttled');
    expect(error.retryable).toBe(true);
    expect(error.retryAfterSeconds).toBe(37);
  });

  test('when Graph answers 403 (the permission is not granted), then the refusal is "permission" and not retryable', async () => {
    const registry = new GraphExternalMethodRegistry({ config: configFor(graph) });
    graph.failNext(403, {}, { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' });
    const error = await refusal(registry.ensureRegistered(newPerson()));
    expect(error.kind).toBe('permission');
    expect(error.retryable).toBe(false);
    expect(error.detail).toBe('HTTP 403 Authorization_RequestDenied');
  });

  test('when the tenant has no such user, then the refusal is "userNotFound"', async () => {
    const registry = new GraphExternalMethodRegistry({ config: configFor(graph) });
    expect((await refusal(registry.ensureRegistered({ objectId: randomUUID(), tenantId: graph.tenantId }))).kind).toBe('userNotFound');
  });

  test('when the app secret is wrong, then the refusal is "configuration" and names neither secret nor token', async () => {
    const registry = new GraphExternalMethodRegistry({ config: configFor(graph, { clientSecret: 'wrong-secret-value' }) });
    const error = await refusal(registry.ensureRegistered(newPerson()));
    expect(error.kind).toBe('configuration');
    expect(error.message).not.toContain('wrong-secret-value');
    expect(error.message).not.toContain(graph.clientSecret);
  });

  test('when Graph cannot be reached, then the refusal is "unavailable" and retryable', async () => {
    const registry = new GraphExternalMethodRegistry({ config: configFor(graph, { loginBaseUrl: 'http://127.0.0.1:9', apiBaseUrl: 'http://127.0.0.1:9/v1.0' }) });
    const error = await refusal(registry.ensureRegistered(newPerson()));
    expect(error.kind).toBe('unavailable');
    expect(error.retryable).toBe(true);
  });
});
