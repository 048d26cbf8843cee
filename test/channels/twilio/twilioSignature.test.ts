// Our own signer (test/support/twilioSigner) against the shared vectors, and Signet's validator against both:
// the vectors check our reading of the algorithm; the signer then signs every webhook the other suites post.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isSignedByTwilio } from '../../../src/channels/twilio/twilioSignature';
import { twilioSignature } from '../../support/twilioSigner';

interface Vector {
  readonly name: string;
  readonly kind: string;
  readonly authToken: string;
  readonly url: string;
  readonly signedUrl?: string;
  readonly params?: Record<string, string | string[]>;
  readonly expectedSignature: string;
}

const vectors = (JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'spec', 'twilio-signature-vectors.json'), 'utf8')) as { vectors: Vector[] }).vectors;
const formVectors = vectors.filter((v) => v.kind === 'form' && v.params !== undefined);

describe('Twilio request signatures', () => {
  it('when the vectors are read, then there are form vectors to check', () => {
    expect(formVectors.length).toBeGreaterThanOrEqual(2);
  });

  it.each(formVectors.map((v) => [v.name, v] as const))('when %s is signed by our own HMAC-SHA1, then it matches the expected signature', (_name, v) => {
    expect(twilioSignature(v.authToken, v.signedUrl ?? v.url, v.params!)).toBe(v.expectedSignature);
  });

  const singleValued = formVectors.filter((v) => Object.values(v.params!).every((p) => typeof p === 'string')) as Array<Vector & { params: Record<string, string> }>;

  it.each(singleValued.map((v) => [v.name, v] as const))('when %s is validated, then Signet accepts it, and refuses it with a changed param or token', (_name, v) => {
    const url = new URL(v.url);
    const base = `${url.protocol}//${url.host}`;
    const pathAndQuery = `${url.pathname}${url.search}`;
    expect(isSignedByTwilio(v.authToken, v.expectedSignature, base, pathAndQuery, v.params!)).toBe(true);
    expect(isSignedByTwilio(v.authToken, v.expectedSignature, base, pathAndQuery, { ...v.params!, Digits: '9' })).toBe(false);
    expect(isSignedByTwilio(`${v.authToken}x`, v.expectedSignature, base, pathAndQuery, v.params!)).toBe(false);
    expect(isSignedByTwilio(v.authToken, v.expectedSignature, base, `${url.pathname}?foo=1`, v.params!)).toBe(false);
  });

  it('when there is no signature, then it is refused', () => {
    const v = singleValued[0]!;
    expect(isSignedByTwilio(v.authToken, undefined, 'https://mycompany.com', '/myapp.php?foo=1&bar=2', v.params!)).toBe(false);
    expect(isSignedByTwilio(v.authToken, '', 'https://mycompany.com', '/myapp.php?foo=1&bar=2', v.params!)).toBe(false);
  });
});
