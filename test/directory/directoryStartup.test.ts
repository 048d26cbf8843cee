// Start-up with an LDAP directory (a real slapd): a wrong service password stops Signet with a configuration error
// naming the key (and never the password); the right one starts it with the directory ready to use.
import { main, type MainIo } from '../../src/index';
import { PEOPLE_BASE, SERVICE_DN, SERVICE_PASSWORD, startSlapd, type RunningSlapd } from '../support/slapd';

let slapd: RunningSlapd;
beforeAll(async () => {
  slapd = await startSlapd();
});
afterAll(async () => {
  await slapd?.stop();
});

function fakeIo(): MainIo & { exits: number[]; err: string[]; lines: string[] } {
  const exits: number[] = [];
  const err: string[] = [];
  const lines: string[] = [];
  return {
    exits,
    err,
    lines,
    exit: (code) => void exits.push(code),
    stderr: (text) => void err.push(text),
    onSignal: () => undefined,
    logSink: (line) => void lines.push(line),
  };
}

const env = (bindPassword: string): NodeJS.ProcessEnv => ({
  PORT: '0',
  HOST: '127.0.0.1',
  DIRECTORY: 'ldap',
  LDAP_URL: slapd.url,
  LDAP_BIND_DN: SERVICE_DN,
  LDAP_BIND_PASSWORD: bindPassword,
  LDAP_SEARCH_BASE: PEOPLE_BASE,
});

describe('start-up with DIRECTORY=ldap', () => {
  it('when the service password is wrong, then start-up fails with exit 1 naming LDAP_BIND_PASSWORD, never the password', async () => {
    const io = fakeIo();
    await expect(main(env('wrong-service-password-9'), io)).resolves.toBeUndefined();
    expect(io.exits).toEqual([1]);
    expect(io.err.join('')).toContain('DirectoryConfigurationError');
    expect(io.err.join('')).toContain('LDAP_BIND_PASSWORD');
    expect(io.err.join('') + io.lines.join('\n')).not.toContain('wrong-service-password-9');
  });

  it('when the search base does not exist, then start-up fails naming LDAP_SEARCH_BASE', async () => {
    const io = fakeIo();
    await expect(main({ ...env(SERVICE_PASSWORD), LDAP_SEARCH_BASE: 'ou=nowhere,dc=signet,dc=test' }, io)).resolves.toBeUndefined();
    expect(io.exits).toEqual([1]);
    expect(io.err.join('')).toContain('LDAP_SEARCH_BASE');
  });

  it('when the configuration is right, then Signet starts and its directory finds people', async () => {
    const io = fakeIo();
    const running = await main(env(SERVICE_PASSWORD), io);
    expect(running).toBeDefined();
    try {
      const found = await running!.directory.find({ by: 'uid', value: 'ada' });
      expect(found.ok && found.value.displayName).toBe('Ada Lovelace');
      expect(io.lines.join('\n')).not.toContain(SERVICE_PASSWORD);
    } finally {
      await running!.shutdown('test');
    }
  });
});
