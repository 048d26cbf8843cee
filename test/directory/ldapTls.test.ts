// The LDAP adapter over TLS against a real slapd with a fresh self-signed certificate: ldaps:// and StartTLS work
// when LDAP_TLS_CA_FILE names that certificate (read by the wiring), and an untrusted certificate is refused —
// nothing is sent to a server Signet cannot authenticate.
import { loadConfig } from '../../src/config/loadConfig';
import { createDirectory } from '../../src/directory/directoryWiring';
import { createLogger } from '../../src/logging/logger';
import { DirectoryConfigurationError } from '../../src/ports/directory';
import { PEOPLE_BASE, SERVICE_DN, SERVICE_PASSWORD, startSlapd, type RunningSlapd } from '../support/slapd';

let slapd: RunningSlapd;
const CA_PATH = '/etc/signet/ldap-ca.pem';
const logger = createLogger({ level: 'error', sink: () => undefined });

beforeAll(async () => {
  slapd = await startSlapd({ tls: true });
});
afterAll(async () => {
  await slapd?.stop();
});

function directoryFor(env: NodeJS.ProcessEnv) {
  const config = loadConfig({
    DIRECTORY: 'ldap',
    LDAP_BIND_DN: SERVICE_DN,
    LDAP_BIND_PASSWORD: SERVICE_PASSWORD,
    LDAP_SEARCH_BASE: PEOPLE_BASE,
    LDAP_TIMEOUT_MS: '3000',
    ...env,
  }).directory;
  const readFile = (path: string): Buffer => {
    if (path !== CA_PATH) throw new Error(`unexpected read of ${path}`);
    return Buffer.from(slapd.certificatePem!);
  };
  return createDirectory(config, logger, { readFile });
}

describe('LDAP over TLS', () => {
  it('when ldaps:// is used with the server certificate as CA, then people are found', async () => {
    const directory = directoryFor({ LDAP_URL: slapd.ldapsUrl!, LDAP_TLS_CA_FILE: CA_PATH });
    await expect(directory.verifyConfiguration()).resolves.toBeUndefined();
    const found = await directory.find({ by: 'uid', value: 'ada' });
    expect(found.ok && found.value.displayName).toBe('Ada Lovelace');
  });

  it('when StartTLS upgrades ldap:// with the server certificate as CA, then people are found', async () => {
    const directory = directoryFor({ LDAP_URL: slapd.url, LDAP_STARTTLS: 'true', LDAP_TLS_CA_FILE: CA_PATH });
    const found = await directory.find({ by: 'mail', value: 'ada.lovelace@mail.signet.test' });
    expect(found.ok && found.value.upn).toBe('ada@signet.test');
  });

  it.each([
    ['ldaps://', () => ({ LDAP_URL: slapd.ldapsUrl! })],
    ['StartTLS', () => ({ LDAP_URL: slapd.url, LDAP_STARTTLS: 'true' })],
  ])('when the certificate is not trusted (%s, system CAs), then start-up is refused and calls are unavailable', async (_how, env) => {
    const directory = directoryFor(env());
    const failure = await directory.verifyConfiguration().then(() => undefined, (err: unknown) => err);
    expect(failure).toBeInstanceOf(DirectoryConfigurationError);
    expect((failure as Error).message).toMatch(/^LDAP_TLS_CA_FILE: the directory's certificate is not trusted/);
    expect(await directory.find({ by: 'uid', value: 'ada' })).toEqual({ ok: false, refusal: { kind: 'unavailable' } });
  });
});
