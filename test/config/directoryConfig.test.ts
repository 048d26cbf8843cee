// The directory's configuration through loadConfig: memory by default (nothing to set), LDAP and Graph each
// naming every key they still need, Active Directory refused over plain ldap://, and typed values.
import { ConfigError, loadConfig, type FileReader } from '../../src/config/loadConfig';
import { DEMO_ORG_CONFIG } from '../../src/config/orgConfigSchema';

function problemsOf(env: NodeJS.ProcessEnv): readonly string[] {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

describe('directory configuration', () => {
  it('when nothing is set, then the memory directory with its default policy is used', () => {
    expect(loadConfig({}).directory).toEqual({ kind: 'memory', minLength: 8, history: 3, maxFailures: 5 });
  });

  it('when DIRECTORY=ldap is set alone, then every missing LDAP key is named', () => {
    expect(problemsOf({ DIRECTORY: 'ldap' })).toEqual([
      'LDAP_URL: is required when DIRECTORY=ldap',
      'LDAP_BIND_DN: is required when DIRECTORY=ldap',
      'LDAP_BIND_PASSWORD: is required when DIRECTORY=ldap',
      'LDAP_SEARCH_BASE: is required when DIRECTORY=ldap',
    ]);
  });

  const ldap = { DIRECTORY: 'ldap', LDAP_URL: 'ldaps://dc1.school.example:636', LDAP_BIND_DN: 'CN=signet,OU=Service,DC=school,DC=example', LDAP_BIND_PASSWORD: 's3cret-bind', LDAP_SEARCH_BASE: 'DC=school,DC=example' };

  it('when Active Directory is chosen, then its attributes and classes are the defaults', () => {
    const config = loadConfig({ ...ldap, LDAP_FLAVOUR: 'activeDirectory', LDAP_TIMEOUT_MS: '5000' }).directory;
    expect(config).toMatchObject({
      kind: 'ldap',
      url: 'ldaps://dc1.school.example:636',
      flavour: 'activeDirectory',
      personClass: 'user',
      attributes: { upn: 'userPrincipalName', uid: 'sAMAccountName', objectId: 'objectGUID' },
      startTls: false,
      tlsRejectUnauthorized: true,
      timeoutMs: 5000,
    });
  });

  it('when Active Directory is reached over plain ldap:// without StartTLS, then it is refused', () => {
    expect(problemsOf({ ...ldap, LDAP_URL: 'ldap://dc1.school.example', LDAP_FLAVOUR: 'activeDirectory' })).toEqual([
      'LDAP_URL: Active Directory needs ldaps:// (or LDAP_STARTTLS=true) to set passwords',
    ]);
    expect(problemsOf({ ...ldap, LDAP_URL: 'ldap://dc1.school.example', LDAP_FLAVOUR: 'activeDirectory', LDAP_STARTTLS: 'true' })).toEqual([]);
  });

  it.each([
    ['LDAP_URL', 'http://dc1.school.example'],
    ['LDAP_URL', 'ldap://dc1.school.example/dc=school'],
    ['LDAP_FLAVOUR', 'novell'],
    ['LDAP_ATTR_UID', 'uid)(x'],
    ['LDAP_TIMEOUT_MS', '5'],
  ])('when %s is %j, then it is named as a problem', (key, value) => {
    expect(problemsOf({ ...ldap, [key]: value }).some((p) => p.startsWith(`${key}: `))).toBe(true);
  });

  it('when LDAP groups are configured, then the attribute or the search base is carried; a search without a base is named', () => {
    expect(loadConfig(ldap).directory).toMatchObject({ groups: { kind: 'none' } });
    expect(loadConfig({ ...ldap, LDAP_GROUPS: 'attribute' }).directory).toMatchObject({ groups: { kind: 'attribute', attribute: 'memberOf' } });
    expect(loadConfig({ ...ldap, LDAP_GROUPS: 'attribute', LDAP_GROUP_ATTRIBUTE: 'isMemberOf' }).directory).toMatchObject({ groups: { kind: 'attribute', attribute: 'isMemberOf' } });
    expect(loadConfig({ ...ldap, LDAP_GROUPS: 'search', LDAP_GROUP_SEARCH_BASE: 'ou=groups,dc=school,dc=example' }).directory).toMatchObject({
      groups: { kind: 'search', base: 'ou=groups,dc=school,dc=example' },
    });
    expect(problemsOf({ ...ldap, LDAP_GROUPS: 'search' })).toEqual(['LDAP_GROUP_SEARCH_BASE: is required when LDAP_GROUPS=search']);
    expect(problemsOf({ ...ldap, LDAP_GROUPS: 'nested' }).some((p) => p.startsWith('LDAP_GROUPS: '))).toBe(true);
    expect(problemsOf({ ...ldap, LDAP_GROUPS: 'attribute', LDAP_GROUP_ATTRIBUTE: 'memberOf)(x' }).some((p) => p.startsWith('LDAP_GROUP_ATTRIBUTE: '))).toBe(true);
  });

  it('when the organisation has group rules but the directory reports no groups, then start-up names it; with groups read, it starts', () => {
    const withGroupRules: FileReader = () => JSON.stringify({ ...DEMO_ORG_CONFIG, passwordReset: { byGroup: [{ group: 'Staff', methodsRequired: 2 }] } });
    const env = { ...ldap, SIGNET_ORG_CONFIG: '/etc/signet/org.json' };
    const problems = (extra: Record<string, string>): readonly string[] => {
      try {
        loadConfig({ ...env, ...extra }, withGroupRules);
        return [];
      } catch (err) {
        if (err instanceof ConfigError) return err.problems;
        throw err;
      }
    };
    expect(problems({})).toEqual([expect.stringMatching(/^org\.passwordReset\.byGroup: the directory reports no groups/)]);
    expect(problems({ LDAP_GROUPS: 'attribute' })).toEqual([]);
    const graph = { DIRECTORY: 'graph', GRAPH_TENANT_ID: 'school.example', GRAPH_CLIENT_ID: 'abc', GRAPH_CLIENT_SECRET: 'shh' };
    expect(problems({ ...graph })).toHaveLength(1);
    expect(problems({ ...graph, GRAPH_READ_GROUPS: 'true' })).toEqual([]);
    // The memory directory carries whatever groups its entries were given (the playground).
    expect(problems({ DIRECTORY: 'memory' })).toEqual([]);
  });

  it('when GRAPH_READ_GROUPS=true, then the Graph directory reads groups', () => {
    const graph = { DIRECTORY: 'graph', GRAPH_TENANT_ID: 'school.example', GRAPH_CLIENT_ID: 'abc', GRAPH_CLIENT_SECRET: 'shh' };
    expect(loadConfig({ ...graph, GRAPH_READ_GROUPS: 'true' }).directory).toMatchObject({ kind: 'graph', readGroups: true });
  });

  it('when DIRECTORY=graph is set alone, then the app credentials are named; with them, Graph defaults apply', () => {
    expect(problemsOf({ DIRECTORY: 'graph' })).toEqual([
      'GRAPH_TENANT_ID: is required when DIRECTORY=graph',
      'GRAPH_CLIENT_ID: is required when DIRECTORY=graph',
      'GRAPH_CLIENT_SECRET: is required when DIRECTORY=graph',
    ]);
    const config = loadConfig({ DIRECTORY: 'graph', GRAPH_TENANT_ID: 'school.example', GRAPH_CLIENT_ID: 'abc', GRAPH_CLIENT_SECRET: 'shh', GRAPH_API_BASE_URL: 'http://127.0.0.1:9/v1.0/' }).directory;
    expect(config).toEqual({
      kind: 'graph',
      tenantId: 'school.example',
      clientId: 'abc',
      clientSecret: 'shh',
      loginBaseUrl: 'https://login.microsoftonline.com',
      apiBaseUrl: 'http://127.0.0.1:9/v1.0',
      timeoutMs: 10_000,
      readGroups: false,
    });
  });

  it('when DIRECTORY names no known directory, then it is a problem', () => {
    expect(problemsOf({ DIRECTORY: 'nis' }).some((p) => p.startsWith('DIRECTORY: '))).toBe(true);
  });
});
