// The Entra signing keys: made once at first start, sealed at rest, and rotated with an overlap — the new key is
// published at once, signs only after the overlap, and the old one leaves the JWKS one overlap after the switch.
import { decodeProtectedHeader } from 'jose';
import { EntraSigningKeys } from '../../src/app/entraSigningKeys';
import { FixedClock } from '../../src/ports/clock';
import { cryptoRandom } from '../../src/security/random';
import { createMemoryEntraStores } from '../../src/stores/memoryEntraStores';
import { runKeysCommand } from '../../scripts/keysCommand';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);

function setup() {
  const clock = new FixedClock(T0);
  const stores = createMemoryEntraStores();
  const keys = new EntraSigningKeys({ keys: stores.signingKeys, sealingKey: Buffer.alloc(32, 3), random: cryptoRandom, clock, issuerHost: 'signet.example' });
  return { clock, stores, keys };
}

const kidOf = async (keys: EntraSigningKeys): Promise<string> => String(decodeProtectedHeader(await keys.sign({ sub: 'x' })).kid);

test('when the server starts twice, then the first start makes one key and the second reuses it', async () => {
  const { keys, stores } = setup();
  const first = await keys.ensure();
  const second = await keys.ensure();
  expect(second.kid).toBe(first.kid);
  expect(await stores.signingKeys.list(T0)).toHaveLength(1);
});

test('when keys are rotated, then the new key is published at once, signs after the overlap, and the old one retires after another', async () => {
  const { keys, clock } = setup();
  const old = await keys.ensure();
  const lines: string[] = [];
  expect(await runKeysCommand(['rotate'], { keys, overlapMs: 48 * HOUR, out: (l) => void lines.push(l) })).toBe(0);
  expect(lines.join('\n')).not.toMatch(/PRIVATE|"d"/);
  const published = (await keys.jwks()).keys.map((k) => k.kid);
  expect(published).toHaveLength(2);
  expect(published).toContain(old.kid);
  expect(await kidOf(keys)).toBe(old.kid);

  clock.advance(48 * HOUR);
  const fresh = published.find((kid) => kid !== old.kid)!;
  expect(await kidOf(keys)).toBe(fresh);
  expect((await keys.jwks()).keys.map((k) => k.kid)).toContain(old.kid);

  clock.advance(48 * HOUR);
  expect((await keys.jwks()).keys.map((k) => k.kid)).toEqual([fresh]);
});

test('when the command is unknown, then it prints the usage and fails', async () => {
  const { keys } = setup();
  const lines: string[] = [];
  expect(await runKeysCommand(['spin'], { keys, overlapMs: HOUR, out: (l) => void lines.push(l) })).toBe(2);
  expect(lines[0]).toContain('usage');
});
