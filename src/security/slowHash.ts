// Salted slow hashes (scrypt) for what people choose themselves: security answers and temporary passcodes.
import { scryptSync, timingSafeEqual } from 'node:crypto';
import type { RandomSource } from './random';

// N=2^14, r=8, p=1: OWASP's scrypt baseline; about 16 MiB and tens of milliseconds per hash.
const PARAMS = { N: 16384, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

export function slowHash(random: RandomSource, secret: string): string {
  const salt = random.bytes(16);
  const hash = scryptSync(secret.normalize('NFKC'), salt, KEY_LENGTH, PARAMS);
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

/**
 * A stored value shaped like slowHash's (same parameters, salt and length) whose hash is random bytes: checking a
 * secret against it costs one full hash, like a real one, yet nothing was hashed to make it, so it costs no start-up
 * time, and no secret is known to match it.
 */
export function unmatchableSlowHash(random: RandomSource): string {
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${random.bytes(16).toString('base64url')}$${random.bytes(KEY_LENGTH).toString('base64url')}`;
}

export function slowHashMatches(secret: string, stored: string): boolean {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = scryptSync(secret.normalize('NFKC'), Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
