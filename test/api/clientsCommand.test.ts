// The clients command: add prints the secret and signing key once and stores only a hash; list and revoke.
import { runClientsCommand } from '../../scripts/clientsCommand';
import { createMemoryVerificationStores } from '../../src/stores/memoryVerificationStores';
import { secretMatches } from '../../src/security/apiClientCredentials';
import { deriveKey } from '../../src/security/derivedKeys';
import { seededRandom } from '../../src/security/random';
import { T0 } from '../support/coreHarness';

const MASTER = Buffer.alloc(32, 9);

function setup() {
  const stores = createMemoryVerificationStores();
  const lines: string[] = [];
  const deps = { apiClients: stores.apiClients, masterKey: MASTER, random: seededRandom('cli'), now: () => T0, out: (l: string) => void lines.push(l) };
  return { stores, lines, run: (...args: string[]) => runClientsCommand(args, deps) };
}

describe('clients command', () => {
  it('when a client is added, then its secret is printed once, works, and only its hash is stored', async () => {
    const { stores, lines, run } = setup();
    expect(await run('add', 'Staff', 'portal')).toBe(0);
    const secret = /Bearer …\):\s+(\S+)/.exec(lines.join('\n'))![1]!;
    const [client] = await stores.apiClients.list();
    expect(client!.name).toBe('Staff portal');
    expect(JSON.stringify(client)).not.toContain(secret.slice(17));
    expect(secretMatches(deriveKey(MASTER, 'api client secrets'), client!, secret)).toBe(true);
    expect(lines.join('\n')).toMatch(/Callback signing key \(Signet-Signature\): \S{43}/);
  });

  it('when listed and revoked, then the client shows as revoked and a second revoke says there is none', async () => {
    const { stores, lines, run } = setup();
    await run('add', 'VPN');
    const [client] = await stores.apiClients.list();
    expect(await run('revoke', client!.id)).toBe(0);
    expect(await run('revoke', client!.id)).toBe(1);
    await run('list');
    expect(lines[lines.length - 1]).toMatch(/revoked\s+VPN$/);
  });

  it.each([[[]], [['add']], [['frobnicate']], [['revoke']]])('when the arguments are %j, then usage is shown with exit 2', async (args) => {
    const { lines, run } = setup();
    expect(await run(...args)).toBe(2);
    expect(lines.join('\n')).toMatch(/usage|name/i);
  });
});
