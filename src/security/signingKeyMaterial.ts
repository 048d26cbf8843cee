// Key material for signing Entra id_tokens: a fresh RSA-2048 pair with a self-signed certificate (Entra wants
// `x5c` on every JWK), the private key sealed for storage, and the kid as the JWK's RFC 7638 thumbprint.
import { createHash, createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { generate } from 'selfsigned';
import type { SigningKey } from '../domain/signingKey';
import type { RandomSource } from './random';
import { openSecret, sealSecret } from './secretBox';

const CERTIFICATE_YEARS = 5;

export interface SigningKeyTimes {
  readonly createdAt: number;
  readonly signFrom: number;
}

/** A new signing key record; the private key leaves this function only sealed with `key`. */
export async function generateSigningKey(sealingKey: Buffer, random: RandomSource, issuerHost: string, times: SigningKeyTimes): Promise<SigningKey> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const notBefore = new Date(times.createdAt);
  const notAfter = new Date(times.createdAt + CERTIFICATE_YEARS * 365 * 86_400_000);
  const pems = await generate([{ name: 'commonName', value: `Signet id_token signing (${issuerHost})` }], {
    keyPair: { privateKey: privatePem, publicKey: publicPem },
    algorithm: 'sha256',
    notBeforeDate: notBefore,
    notAfterDate: notAfter,
    extensions: [{ name: 'basicConstraints', cA: false }, { name: 'keyUsage', digitalSignature: true }],
  });
  const jwk = publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  const kid = thumbprint(jwk.n, jwk.e);
  return {
    kid,
    alg: 'RS256',
    sealedPrivateKey: sealSecret(sealingKey, random, privatePem, `signing-key:${kid}`),
    n: jwk.n,
    e: jwk.e,
    certificate: derOf(pems.cert),
    createdAt: times.createdAt,
    signFrom: times.signFrom,
    retireAt: null,
  };
}

/** The stored key's private half, for signing; throws SecretUnsealError with the wrong key. */
export function openSigningKey(sealingKey: Buffer, key: SigningKey): KeyObject {
  return createPrivateKey(openSecret(sealingKey, key.sealedPrivateKey, `signing-key:${key.kid}`));
}

/** RFC 7638: SHA-256 over the required members in lexicographic order, base64url. */
function thumbprint(n: string, e: string): string {
  return createHash('sha256').update(JSON.stringify({ e, kty: 'RSA', n })).digest('base64url');
}

function derOf(pem: string): string {
  return pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
}
