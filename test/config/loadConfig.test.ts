// loadConfig: embedded defaults, one error naming every bad key, the organisation file through an injected reader,
// trusted networks, the example organisation file, and the documentation listing every variable.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig, type FileReader } from '../../src/config/loadConfig';
import { DEMO_ORG_CONFIG, orgConfigSchema, type OrgConfigInput } from '../../src/config/orgConfigSchema';

const ROOT = join(__dirname, '..', '..');
const GOOD_KEY_HEX = 'ab'.repeat(32);

/** The problems loadConfig reports, or [] when it succeeds. */
function problemsOf(env: NodeJS.ProcessEnv, readFile?: FileReader): readonly string[] {
  try {
    loadConfig(env, readFile);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

const orgFile = (org: unknown): FileReader => (path) => {
  if (path !== '/etc/signet/org.json') throw new Error(`unexpected read of ${path}`);
  return typeof org === 'string' ? org : JSON.stringify(org);
};

describe('loadConfig defaults', () => {
  it('when the environment is empty, then the embedded defaults load', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      env: 'development',
      port: 3978,
      host: '0.0.0.0',
      publicBaseUrl: 'http://localhost:3978',
      logLevel: 'info',
      bodyLimitBytes: 256 * 1024,
      mongodb: { uri: undefined, dbName: 'signet' },
      webhookLedgerRetentionMs: 7 * 24 * 60 * 60 * 1000,
      encryptionKeyIsDevelopmentDefault: true,
      bot: { appId: '', appPassword: '', appType: '', appTenantId: '' },
      orgConfigPath: undefined,
    });
    expect(config.encryptionKey).toHaveLength(32);
    expect(config.org.organisation.name).toBe(DEMO_ORG_CONFIG.organisation.name);
    expect(config.org.locales).toEqual({ offered: ['en-US', 'en-GB'], default: 'en-US' });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.org.codes)).toBe(true);
  });

  it('when values are given as strings, then they are typed, and empty strings mean unset', () => {
    const config = loadConfig({ PORT: '8080', LOG_LEVEL: 'debug', SIGNET_ENCRYPTION_KEY: GOOD_KEY_HEX, PUBLIC_BASE_URL: 'https://signet.example.org/', MONGODB_URI: '', HOST: '' });
    expect(config.port).toBe(8080);
    expect(config.logLevel).toBe('debug');
    expect(config.encryptionKey.equals(Buffer.from(GOOD_KEY_HEX, 'hex'))).toBe(true);
    expect(config.encryptionKeyIsDevelopmentDefault).toBe(false);
    expect(config.publicBaseUrl).toBe('https://signet.example.org');
    expect(config.mongodb.uri).toBeUndefined();
    expect(config.host).toBe('0.0.0.0');
  });

  it('when the webhook ledger retention is given in hours, then it is kept in milliseconds', () => {
    expect(loadConfig({ WEBHOOK_LEDGER_RETENTION_HOURS: '48' }).webhookLedgerRetentionMs).toBe(48 * 60 * 60 * 1000);
  });

  it('when the key is base64, then it is accepted too', () => {
    const key = Buffer.alloc(32, 9);
    expect(loadConfig({ SIGNET_ENCRYPTION_KEY: key.toString('base64') }).encryptionKey.equals(key)).toBe(true);
  });
});

describe('loadConfig refuses bad values, naming the key', () => {
  it.each<[string, NodeJS.ProcessEnv, RegExp]>([
    ['PORT is not a number', { PORT: 'abc' }, /^PORT: /],
    ['PORT is out of range', { PORT: '70000' }, /^PORT: /],
    ['NODE_ENV is unknown', { NODE_ENV: 'staging' }, /^NODE_ENV: /],
    ['LOG_LEVEL is unknown', { LOG_LEVEL: 'verbose' }, /^LOG_LEVEL: /],
    ['BODY_LIMIT_BYTES is too small', { BODY_LIMIT_BYTES: '10' }, /^BODY_LIMIT_BYTES: /],
    ['PUBLIC_BASE_URL is not a URL', { PUBLIC_BASE_URL: 'signet.example.org' }, /^PUBLIC_BASE_URL: /],
    ['MONGODB_URI has the wrong scheme', { MONGODB_URI: 'postgres://db' }, /^MONGODB_URI: /],
    ['MONGODB_DB has odd characters', { MONGODB_DB: 'my db!' }, /^MONGODB_DB: /],
    ['the webhook ledger retention is under a day', { WEBHOOK_LEDGER_RETENTION_HOURS: '1' }, /^WEBHOOK_LEDGER_RETENTION_HOURS: /],
    ['SIGNET_ENCRYPTION_KEY is too short', { SIGNET_ENCRYPTION_KEY: 'abcd' }, /^SIGNET_ENCRYPTION_KEY: must be 32 bytes/],
    ['SIGNET_ENCRYPTION_KEY hex is 31 bytes', { SIGNET_ENCRYPTION_KEY: 'ab'.repeat(31) }, /^SIGNET_ENCRYPTION_KEY: /],
    ['production has no key', { NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://s.example.org' }, /^SIGNET_ENCRYPTION_KEY: is required when NODE_ENV=production/],
    ['production has no public URL', { NODE_ENV: 'production', SIGNET_ENCRYPTION_KEY: GOOD_KEY_HEX }, /^PUBLIC_BASE_URL: is required/],
    ['production has Bot Framework auth off', { NODE_ENV: 'production', SIGNET_ENCRYPTION_KEY: GOOD_KEY_HEX, PUBLIC_BASE_URL: 'https://s.example.org' }, /^MicrosoftAppId: is required when NODE_ENV=production/],
    ['production has simulated telephony', { NODE_ENV: 'production', SIGNET_ENCRYPTION_KEY: GOOD_KEY_HEX, PUBLIC_BASE_URL: 'https://s.example.org' }, /^TWILIO_ACCOUNT_SID: is required when NODE_ENV=production/],
    ['production allows any tenant', { NODE_ENV: 'production', SIGNET_ENCRYPTION_KEY: GOOD_KEY_HEX, PUBLIC_BASE_URL: 'https://s.example.org' }, /^org\.organisation\.tenantIds: must list/],
    ['MicrosoftAppType is unknown', { MicrosoftAppType: 'Anonymous' }, /^MicrosoftAppType: /],
    ['SingleTenant has no app id', { MicrosoftAppType: 'SingleTenant' }, /^MicrosoftAppId: is required when MicrosoftAppType=SingleTenant/],
    // Asserted by botbuilder when the adapter is made, which is the first Teams request since start-up stopped making it.
    ['SingleTenant has no tenant id', { MicrosoftAppType: 'SingleTenant', MicrosoftAppId: '11111111-2222-3333-4444-555555555555', MicrosoftAppPassword: 'pw' }, /^MicrosoftAppTenantId: is required when MicrosoftAppType=SingleTenant/],
    ['an app id has no password', { MicrosoftAppId: '11111111-2222-3333-4444-555555555555' }, /^MicrosoftAppPassword: is required/],
  ])('when %s, then the error names the key', (_what, env, expected) => {
    const problems = problemsOf(env);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.some((p) => expected.test(p))).toBe(true);
  });

  it('when several values are bad, then one error lists every one of them', () => {
    const problems = problemsOf({ PORT: 'abc', LOG_LEVEL: 'loud', SIGNET_ENCRYPTION_KEY: 'short' });
    expect(problems.map((p) => p.split(':')[0])).toEqual(expect.arrayContaining(['PORT', 'LOG_LEVEL', 'SIGNET_ENCRYPTION_KEY']));
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/Invalid configuration:\n {2}- PORT: /);
  });

  it('when PORT is out of range in production, then the rules about the other keys are still reported', () => {
    const problems = problemsOf({ NODE_ENV: 'production', PORT: '99999', SMTP_URL: 'smtp://mail.example.org', TWILIO_AUTH_TOKEN: 'abcdefgh1234' });
    expect(problems.map((p) => p.split(':')[0])).toEqual(
      expect.arrayContaining([
        'PORT',
        'SIGNET_ENCRYPTION_KEY',
        'PUBLIC_BASE_URL',
        'MicrosoftAppId',
        'TWILIO_ACCOUNT_SID',
        'TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN',
        'SMTP_FROM',
        'org.organisation.tenantIds',
      ]),
    );
  });

  it('when a value is present but invalid, then it is reported once as invalid, not again as missing', () => {
    const problems = problemsOf({ NODE_ENV: 'production', PORT: '99999', SIGNET_ENCRYPTION_KEY: 'short' });
    expect(problems.filter((p) => p.startsWith('SIGNET_ENCRYPTION_KEY:'))).toEqual([expect.stringContaining('must be 32 bytes')]);
  });

  it('when an error is reported, then the secret value itself is not in it', () => {
    const secret = 'not-a-real-key-but-secret-anyway';
    const err = (() => {
      try {
        loadConfig({ SIGNET_ENCRYPTION_KEY: secret });
      } catch (e) {
        return e as Error;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(err.message).not.toContain(secret);
  });
});

describe('loadConfig with an organisation file', () => {
  const env = { SIGNET_ORG_CONFIG: '/etc/signet/org.json' };
  const org = (overrides: Partial<OrgConfigInput> & Record<string, unknown>): unknown => ({ ...DEMO_ORG_CONFIG, ...overrides });

  it('when the file is good, then it is read through the injected reader and normalised', () => {
    const config = loadConfig(env, orgFile(org({
      organisation: { name: 'Contoso District', domains: ['@Contoso.EDU'] },
      phone: { defaultCountry: 'GB', blockedNumbers: [{ number: '020 7946 0000', reason: 'callQueue' }] },
      codes: { length: 8 },
      locales: { offered: ['en-GB', 'en-US'], default: 'en-GB' },
    })));
    expect(config.orgConfigPath).toBe('/etc/signet/org.json');
    expect(config.org.organisation).toEqual({ name: 'Contoso District', domains: ['contoso.edu'], tenantIds: [] });
    expect(config.org.phone.blockedNumbers).toEqual([{ number: '+442079460000', reason: 'callQueue' }]);
    expect(config.org.codes).toMatchObject({ length: 8, lifetimeMinutes: 10, maxAttempts: 5 });
    expect(config.org.email.blockedDomains).toContain('contoso.edu');
    expect(config.org.locales.default).toBe('en-GB');
  });

  it.each<[string, unknown, RegExp]>([
    ['the file is not JSON', '{ "organisation": ', /^SIGNET_ORG_CONFIG: the file "\/etc\/signet\/org\.json" is not valid JSON/],
    ['codes.length is 3', org({ codes: { length: 3 } }), /^org\.codes\.length: /],
    ['a blocked number is invalid', org({ phone: { blockedNumbers: [{ number: '12345' }] } }), /^org\.phone\.blockedNumbers\.0\.number: "12345" is not a valid phone number/],
    ['a top-level key is unknown', org({ colour: 'blue' }), /^org: Unrecognized key\(s\) in object: 'colour'/],
    ['a trusted network is not CIDR', org({ trustedNetworks: ['10.0.0.0/33'] }), /^org\.trustedNetworks\.0: must be a network in CIDR form/],
    ['a trusted network has no prefix', org({ trustedNetworks: ['10.0.0.1'] }), /^org\.trustedNetworks\.0: /],
    ['the help desk has no contact', org({ helpDesk: { hours: '9-5' } }), /^org\.helpDesk: needs at least one of phone, url or email/],
    ['the default locale is not offered', org({ locales: { offered: ['en-US'], default: 'en-GB' } }), /^org\.locales\.default: default must be one of offered/],
    ['a reset-only method counts for MFA', org({ methods: { usage: { email: { mfa: true, passwordReset: true } } } }), /^org\.methods\.usage\.email\.mfa: /],
  ])('when %s, then the error names the key', (_what, content, expected) => {
    const problems = problemsOf(env, orgFile(content));
    expect(problems.some((p) => expected.test(p))).toBe(true);
  });

  it('when the file cannot be read, then the error says so without a stack', () => {
    const problems = problemsOf(env, () => {
      throw Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' });
    });
    expect(problems).toEqual(['SIGNET_ORG_CONFIG: the file "/etc/signet/org.json" cannot be read']);
  });

  it('when both the environment and the file are bad, then both are reported together', () => {
    const problems = problemsOf({ ...env, PORT: 'abc' }, orgFile(org({ codes: { length: 3 } })));
    expect(problems.some((p) => p.startsWith('PORT:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('org.codes.length:'))).toBe(true);
  });
});

describe('trusted networks', () => {
  const config = loadConfig({ SIGNET_ORG_CONFIG: '/etc/signet/org.json' }, orgFile({ ...DEMO_ORG_CONFIG, trustedNetworks: ['10.0.0.0/8', '192.168.1.0/24', '2001:db8:100::/48'] }));

  it.each<[string, boolean]>([
    ['10.1.2.3', true],
    ['10.255.255.255', true],
    ['11.0.0.1', false],
    ['192.168.1.77', true],
    ['192.168.2.1', false],
    ['2001:db8:100::1', true],
    ['2001:db8:100:ffff::1', true],
    ['2001:db8:101::1', false],
    ['::1', false],
    ['not-an-ip', false],
    ['', false],
  ])('when the address is %j, then trusted is %s', (ip, trusted) => {
    expect(config.org.isTrustedAddress(ip)).toBe(trusted);
  });

  it('when no networks are configured, then no address is trusted', () => {
    expect(loadConfig({}).org.isTrustedAddress('10.1.2.3')).toBe(false);
  });
});

describe('the example organisation file', () => {
  const path = join(ROOT, 'src', 'config', 'org.example.json');

  it('when src/config/org.example.json is validated, then the schema accepts it', () => {
    const parsed = orgConfigSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
  });

  it('when it is loaded as SIGNET_ORG_CONFIG from disk, then loadConfig accepts it', () => {
    expect(loadConfig({ SIGNET_ORG_CONFIG: path }).org.organisation.name).toBe('Northfield Unified School District');
  });
});

describe('the documentation', () => {
  // Every variable the env schema reads, taken from the source so a new variable cannot go undocumented.
  const schemaBlock = (file: string, start: string): string => {
    const source = readFileSync(join(ROOT, 'src', 'config', file), 'utf8');
    return source.slice(source.indexOf(start), source.indexOf('\n});', source.indexOf(start)));
  };
  // The directory's variables have their own schema beside loadConfig (src/config/directoryConfig.ts).
  const variables = [
    schemaBlock('loadConfig.ts', 'const envSchema = z.object({'),
    schemaBlock('directoryConfig.ts', 'export const directoryEnvSchema = z.object({'),
    schemaBlock('externalMethodConfig.ts', 'export const externalMethodEnvSchema = z.object({'),
  ].flatMap((block) => [...block.matchAll(/^ {2}([A-Za-z_][A-Za-z0-9_]*): [a-z]/gm)].map((m) => m[1]!));

  it('when the variables are read from loadConfig.ts, then the list is plausible', () => {
    expect(variables).toEqual(expect.arrayContaining(['NODE_ENV', 'PORT', 'SIGNET_ENCRYPTION_KEY', 'MicrosoftAppId', 'DIRECTORY', 'LDAP_BIND_PASSWORD', 'GRAPH_API_BASE_URL']));
  });

  it.each(['README.md', '.env.example'])('when %s is read, then it documents every variable', (file) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    expect(variables.filter((v) => !new RegExp(`\\b${v}\\b`).test(text))).toEqual([]);
  });
});
