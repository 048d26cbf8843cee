// A key Signet signs Entra id_tokens with: published in the JWKS from `createdAt`, used for signing from `signFrom`
// (after Entra's metadata cache has seen it), withdrawn at `retireAt`. The private key is stored sealed.
import type { SealedSecret } from './user';

export interface SigningKey {
  /** RFC 7638 thumbprint, base64url: the same text in the JWT header and the JWKS. */
  readonly kid: string;
  readonly alg: 'RS256';
  /** PKCS#8 PEM, sealed (associated data `signing-key:<kid>`). */
  readonly sealedPrivateKey: SealedSecret;
  /** RSA modulus and exponent, base64url. */
  readonly n: string;
  readonly e: string;
  /** Self-signed certificate, base64 DER (the JWK's `x5c[0]`). */
  readonly certificate: string;
  readonly createdAt: number;
  readonly signFrom: number;
  /** When the key leaves the JWKS; null while no successor has replaced it. */
  readonly retireAt: number | null;
}

/** Keys a client may verify with at `now`: created and not retired. */
export function publishedKeys(keys: readonly SigningKey[], now: number): SigningKey[] {
  return keys.filter((k) => k.createdAt <= now && (k.retireAt === null || now < k.retireAt)).sort(byAge);
}

/**
 * The key to sign with at `now`: of the published keys already past `signFrom`, the newest (ties by kid, so every
 * instance picks the same one when two started together and each made a first key).
 */
export function signingKeyAt(keys: readonly SigningKey[], now: number): SigningKey | null {
  const usable = publishedKeys(keys, now).filter((k) => k.signFrom <= now);
  return usable.length === 0 ? null : usable[usable.length - 1]!;
}

function byAge(a: SigningKey, b: SigningKey): number {
  return a.signFrom - b.signFrom || a.createdAt - b.createdAt || (a.kid < b.kid ? -1 : a.kid > b.kid ? 1 : 0);
}
