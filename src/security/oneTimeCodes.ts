// One-time numeric codes: generated from a CSPRNG, stored only as a keyed hash bound to what they verify,
// and compared in constant time.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { randomInt, type RandomSource } from './random';

export function generateNumericCode(random: RandomSource, length: number): string {
  let code = '';
  for (let i = 0; i < length; i++) code += String(randomInt(random, 10));
  return code;
}

/**
 * The keyed hash of a code. Binding it to `context` (the enrollment or challenge id) means a hash copied from
 * one record cannot verify another.
 */
export function hashCode(key: Buffer, context: string, code: string): string {
  return createHmac('sha256', key).update(`code\u0000${context}\u0000${code}`).digest('base64url');
}

export function codeMatches(key: Buffer, context: string, candidate: string, storedHash: string): boolean {
  const expected = Buffer.from(storedHash, 'base64url');
  const actual = Buffer.from(hashCode(key, context, candidate), 'base64url');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Pulls a code of exactly `length` digits out of what a person typed ("123 456", "code: 123-456"). */
export function extractCode(input: string, length: number): string | null {
  const digits = input.replace(/[\s\-.]/g, '');
  const match = new RegExp(`(?:^|\\D)(\\d{${length}})(?:\\D|$)`).exec(digits);
  return match ? match[1]! : null;
}
