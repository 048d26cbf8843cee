// API client credentials: the secret is shown once and only its keyed hash kept; callbacks are signed with a
// derived key the client can verify; retries back off.
import { callbackSigningKey, clientIdOf, newApiClient, secretMatches, signCallback } from '../../src/security/apiClientCredentials';
import { callbackRetryDelaySeconds } from '../../src/domain/retrySchedule';
import { createHmac } from 'node:crypto';
import { seededRandom } from '../../src/security/random';
import { T0 } from '../support/coreHarness';

const KEY = Buffer.alloc(32, 5);

describe('API client credentials', () => {
  it('when a client is created, then its secret names it, verifies, and is not stored', () => {
    const { client, secret } = newApiClient('Staff portal', T0, seededRandom('client'), KEY);
    expect(secret).toMatch(/^sgn_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    expect(clientIdOf(secret)).toBe(client.id);
    expect(JSON.stringify(client)).not.toContain(secret.slice(17));
    expect(secretMatches(KEY, client, secret)).toBe(true);
  });

  it.each([
    ['a different secret of the same shape', (s: string) => s.slice(0, -1) + (s.endsWith('A') ? 'B' : 'A')],
    ['another server key', (s: string) => s],
    ['garbage', () => 'Bearer nonsense'],
  ])('when presented %s, then it does not verify', (what, mutate) => {
    const { client, secret } = newApiClient('Portal', T0, seededRandom('c2'), KEY);
    const key = what === 'another server key' ? Buffer.alloc(32, 6) : KEY;
    expect(secretMatches(key, client, mutate(secret))).toBe(false);
  });

  it('when a client is revoked, then its secret stops working', () => {
    const { client, secret } = newApiClient('Portal', T0, seededRandom('c3'), KEY);
    expect(secretMatches(KEY, { ...client, revokedAt: T0 }, secret)).toBe(false);
  });

  it('when a callback is signed, then the client can recompute it with its signing key', () => {
    const signingKey = callbackSigningKey(KEY, 'abc123abc123');
    expect(callbackSigningKey(KEY, 'abc123abc123')).toBe(signingKey);
    expect(callbackSigningKey(KEY, 'other0other0')).not.toBe(signingKey);
    const body = '{"id":"c1","status":"approved"}';
    const header = signCallback(signingKey, body, 1_800_000_000);
    const expected = createHmac('sha256', Buffer.from(signingKey, 'base64url')).update(`1800000000.${body}`).digest('hex');
    expect(header).toBe(`t=1800000000,v1=${expected}`);
  });

  it('when callbacks are retried, then the delay grows and is capped', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map(callbackRetryDelaySeconds)).toEqual([10, 30, 90, 270, 810, 2430, 3600, 3600]);
  });
});
