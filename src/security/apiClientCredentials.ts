// Credentials of relying systems (portal, VPN, RADIUS bridge). A client authenticates with a bearer secret
// "sgn_<clientId>_<random>"; only a keyed hash of it is stored. Outcome callbacks are signed with a separate
// per-client signing key derived from the server key, so it never needs storing either.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { deriveKey } from '../security/derivedKeys';
import type { ApiClient } from '../domain/apiClient';
import type { RandomSource } from '../security/random';

export type { ApiClient };

const SECRET_PATTERN = /^sgn_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

export function newApiClient(name: string, now: number, random: RandomSource, key: Buffer): { client: ApiClient; secret: string } {
  const id = random.bytes(12).toString('base64url').toLowerCase().replace(/[^a-z0-9]/g, '0').slice(0, 12);
  const secret = `sgn_${id}_${random.bytes(32).toString('base64url')}`;
  return { secret, client: { id, name, secretHash: hashSecret(key, secret), createdAt: now, revokedAt: null } };
}

/** The client id a presented secret claims, or null when it is not shaped like one of ours. */
export function clientIdOf(secret: string): string | null {
  return SECRET_PATTERN.exec(secret)?.[1] ?? null;
}

export function secretMatches(key: Buffer, client: ApiClient, presented: string): boolean {
  if (client.revokedAt !== null || clientIdOf(presented) !== client.id) return false;
  const expected = Buffer.from(client.secretHash, 'base64url');
  const actual = Buffer.from(hashSecret(key, presented), 'base64url');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

function hashSecret(key: Buffer, secret: string): string {
  return createHmac('sha256', key).update(`api-client\u0000${secret}`).digest('base64url');
}

/** The key a client uses to check the signature on outcome callbacks; given to it with its secret. */
export function callbackSigningKey(serverKey: Buffer, clientId: string): string {
  return deriveKey(serverKey, 'callback signing', clientId).toString('base64url');
}

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`: the timestamp stops replays of old callbacks. */
export function signCallback(signingKey: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', Buffer.from(signingKey, 'base64url')).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}
