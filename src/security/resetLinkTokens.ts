// The token of a single-use reset link and the hash it is stored under: the one definition the issuing journeys
// (SMS, Teams) and the web journey that takes the link share, so `take(resetLinkTokenHash(token))` finds it.
import { createHash } from 'node:crypto';
import type { RandomSource } from './random';

/** 32 random bytes, base64url (43 characters): what goes into `<publicUrl>/reset/link/<token>`. */
export function newResetLinkToken(random: RandomSource): string {
  return random.bytes(32).toString('base64url');
}

/** The hex SHA-256 of the token string: the key the link is kept under (the token itself is never stored). */
export function resetLinkTokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
