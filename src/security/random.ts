// Randomness and time as injected ports, so the state machines stay deterministic under test.
import { createHash, randomBytes } from 'node:crypto';

/** A source of random bytes. Production uses the operating system's CSPRNG. */
export interface RandomSource {
  bytes(length: number): Buffer;
}

export const cryptoRandom: RandomSource = { bytes: (length) => randomBytes(length) };

/** A repeatable source for tests: SHA-256 in counter mode over a seed. Never for production. */
export function seededRandom(seed: string): RandomSource {
  let counter = 0;
  return {
    bytes(length: number): Buffer {
      const chunks: Buffer[] = [];
      let have = 0;
      while (have < length) {
        const block = createHash('sha256').update(`${seed}:${counter++}`).digest();
        chunks.push(block);
        have += block.length;
      }
      return Buffer.concat(chunks).subarray(0, length);
    },
  };
}

/** Returns an integer uniformly in [0, bound) without modulo bias (rejection sampling). */
export function randomInt(random: RandomSource, bound: number): number {
  if (!Number.isInteger(bound) || bound <= 0 || bound > 2 ** 32) throw new RangeError('bound must be in 1..2^32');
  const limit = 2 ** 32 - (2 ** 32 % bound);
  for (;;) {
    const n = random.bytes(4).readUInt32BE(0);
    if (n < limit) return n % bound;
  }
}

/** A random identifier: 16 random bytes, base64url. */
export function randomId(random: RandomSource): string {
  return random.bytes(16).toString('base64url');
}
