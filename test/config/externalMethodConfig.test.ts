// The Graph registration of the external method: off unless asked for, every missing key named when it is on, the
// Entra provider required, and a tenant that must be a GUID (it is compared with the tenant Teams reports).
import { ConfigError, loadConfig } from '../../src/config/loadConfig';

const ENTRA = { ENTRA_CLIENT_ID: 'signet-client', ENTRA_APP_ID: '11111111-2222-3333-4444-555555555555' };
const GRAPH = {
  ENTRA_METHOD_REGISTRATION: 'graph',
  ENTRA_METHOD_CONFIGURATION_ID: '7b3c9a1e-0000-4000-8000-000000000001',
  ENTRA_GRAPH_TENANT_ID: 'AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE',
  ENTRA_GRAPH_CLIENT_ID: 'graph-client',
  ENTRA_GRAPH_CLIENT_SECRET: 'graph-secret-value',
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig({ NODE_ENV: 'test', ...env });
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

test('when nothing is set, then registration is off (also with the Entra provider on)', () => {
  expect(loadConfig({ NODE_ENV: 'test' }).externalMethodRegistration).toBeUndefined();
  expect(loadConfig({ NODE_ENV: 'test', ...ENTRA }).externalMethodRegistration).toBeUndefined();
});

test('when it is on with every key, then Graph v1.0 on the global cloud is used and the tenant is kept in lower case', () => {
  expect(loadConfig({ NODE_ENV: 'test', ...ENTRA, ...GRAPH }).externalMethodRegistration).toEqual({
    tenantId: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
    clientId: 'graph-client',
    clientSecret: 'graph-secret-value',
    loginBaseUrl: 'https://login.microsoftonline.com',
    apiBaseUrl: 'https://graph.microsoft.com/v1.0',
    timeoutMs: 10_000,
    configurationId: GRAPH.ENTRA_METHOD_CONFIGURATION_ID,
    displayName: 'Signet',
  });
});

test('when it is on without the Entra provider, then that is the problem reported', () => {
  expect(problemsOf(GRAPH)).toEqual(['ENTRA_METHOD_REGISTRATION: graph needs the Entra External MFA provider on (ENTRA_CLIENT_ID and ENTRA_APP_ID)']);
});

test('when it is on with keys missing, then each missing key is named once', () => {
  expect(problemsOf({ ...ENTRA, ENTRA_METHOD_REGISTRATION: 'graph' })).toEqual([
    'ENTRA_METHOD_CONFIGURATION_ID: is required when ENTRA_METHOD_REGISTRATION=graph',
    'ENTRA_GRAPH_TENANT_ID: is required when ENTRA_METHOD_REGISTRATION=graph',
    'ENTRA_GRAPH_CLIENT_ID: is required when ENTRA_METHOD_REGISTRATION=graph',
    'ENTRA_GRAPH_CLIENT_SECRET: is required when ENTRA_METHOD_REGISTRATION=graph',
  ]);
});

test('when the tenant is a domain name or the switch has a typo, then the bad value is reported (not as missing) and no secret is echoed', () => {
  const problems = problemsOf({ ...ENTRA, ...GRAPH, ENTRA_GRAPH_TENANT_ID: 'contoso.onmicrosoft.com', ENTRA_METHOD_REGISTRATION: 'graph' });
  expect(problems).toEqual(['ENTRA_GRAPH_TENANT_ID: must be the tenant id (a GUID)']);
  expect(problemsOf({ ...ENTRA, ENTRA_METHOD_REGISTRATION: 'yes' })[0]).toMatch(/^ENTRA_METHOD_REGISTRATION: /);
  expect(problems.join('\n')).not.toContain('graph-secret-value');
});
