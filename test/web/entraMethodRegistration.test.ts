// End to end: Signet composed as src/index.ts composes it, with ENTRA_METHOD_REGISTRATION=graph pointed at the
// Graph stand-in; a person registers the authenticator app in Teams through real Bot Framework activities, and the
// background job registers Signet as their External MFA method — exactly one create, however often they talk after.
import { generateTotp } from '../../src/security/totp';
import { DEMO_ORG_CONFIG } from '../../src/config/orgConfigSchema';
import { createMemoryStores } from '../../src/stores/memoryStores';
import { eventually, startSignet, type Signet } from '../reliability/support/signetUnderTest';
import { startGraphStandIn, type GraphStandIn } from '../support/graphStandIn';

const OID = '5c0ffee0-1d2e-4f3a-9b8c-7d6e5f4a3b2c';
let graph: GraphStandIn;
let signet: Signet;

beforeAll(async () => {
  graph = await startGraphStandIn();
  graph.addUser({ id: OID, userPrincipalName: 'grace.hopper@signet-demo.example', mail: null, onPremisesSamAccountName: null, displayName: 'Grace Hopper', accountEnabled: true, password: 'x' });
  signet = await startSignet({
    stores: createMemoryStores(),
    simulated: true,
    // One method completes the registration here, so the journey is the app alone.
    org: { organisation: { ...DEMO_ORG_CONFIG.organisation, tenantIds: [graph.tenantId] }, methods: { ...DEMO_ORG_CONFIG.methods, required: 1 } } as never,
    env: {
      SIGNET_JOB_POLL_MS: '100',
      ENTRA_CLIENT_ID: 'signet-for-entra',
      ENTRA_APP_ID: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
      ENTRA_METHOD_REGISTRATION: 'graph',
      ENTRA_METHOD_CONFIGURATION_ID: graph.methodConfigurationId,
      ENTRA_GRAPH_TENANT_ID: graph.tenantId,
      ENTRA_GRAPH_CLIENT_ID: graph.clientId,
      ENTRA_GRAPH_CLIENT_SECRET: graph.clientSecret,
      ENTRA_GRAPH_LOGIN_BASE_URL: graph.loginBaseUrl,
      ENTRA_GRAPH_API_BASE_URL: graph.apiBaseUrl,
    },
  });
});
afterAll(async () => {
  await signet?.close();
  await graph?.close();
});

/** A Teams message from Grace (authentication off: from.id is her Entra object id) in Graph's tenant. */
const say = async (value: string | Record<string, unknown>): Promise<string> => {
  const before = signet.connector.received.length;
  const res = await signet.activity({
    from: { id: OID, aadObjectId: OID, name: 'Grace Hopper' },
    conversation: { id: 'a:grace-conv', conversationType: 'personal', tenantId: graph.tenantId },
    channelData: { tenant: { id: graph.tenantId } },
    ...(typeof value === 'string' ? { text: value } : { text: '', value }),
  });
  expect(res.status).toBe(200);
  return JSON.stringify(signet.connector.received.slice(before).map((c) => c.body));
};

const creates = () => graph.requests.filter((r) => r.method === 'POST' && r.path === `/v1.0/users/${OID}/authentication/externalAuthenticationMethods`);

test('when a person finishes registering in Teams, then Signet is registered as their External MFA method exactly once', async () => {
  await say('set up MFA');
  const shown = await say('authenticator app');
  const match = /secret key ([A-Z2-7]{4}(?: [A-Z2-7]{1,4})+)/.exec(shown);
  if (!match) throw new Error(`no secret key shown: ${shown.slice(0, 300)}`);
  expect(creates()).toHaveLength(0);

  const done = await say(generateTotp(match[1]!.replace(/ /g, ''), Date.now()));
  expect(done).toContain('authenticator app');
  expect(await eventually(() => (graph.externalMethods.get(OID) ?? []).length === 1)).toBe(true);
  expect(creates()).toHaveLength(1);
  expect(JSON.parse(creates()[0]!.body)).toEqual({ '@odata.type': '#microsoft.graph.externalAuthenticationMethod', configurationId: graph.methodConfigurationId, displayName: 'Signet' });
  expect(await eventually(async () => (await signet.stores.audit.listForUser(OID, 20)).some((a) => a.action === 'entra:externalMethodRegistered'))).toBe(true);

  // One job, done; talking on leaves nothing more for the worker to send to Graph.
  await say('hello');
  const jobId = `entraMethod:${graph.tenantId}:${OID}`;
  expect((await signet.stores.jobQueue.get(jobId))?.status).toBe('done');
  expect((await signet.stores.jobQueue.findDue(Date.now() + 86_400_000, 50)).filter((j) => j.kind === 'entraExternalMethod')).toEqual([]);
  expect(creates()).toHaveLength(1);
  expect(signet.logs.lastErrors).toEqual([]);
});
