// The provider's signing keys as one use case per operator or protocol need: make the first key at start-up,
// publish the JWKS, sign an id_token with the current key, and rotate (publish now, sign after the overlap).
import { SignJWT, type JWTPayload } from 'jose';
import type { Clock } from '../ports/clock';
import type { SigningKeyRepository } from '../ports/entraRepositories';
import { publishedKeys, signingKeyAt, type SigningKey } from '../domain/signingKey';
import type { RandomSource } from '../security/random';
import { generateSigningKey, openSigningKey } from '../security/signingKeyMaterial';

export interface EntraSigningKeysDeps {
  readonly keys: SigningKeyRepository;
  /** Seals the private keys at rest (derived from SIGNET_ENCRYPTION_KEY). */
  readonly sealingKey: Buffer;
  readonly random: RandomSource;
  readonly clock: Clock;
  /** Host of the public URL, named in the certificate. */
  readonly issuerHost: string;
}

export interface PublishedJwk {
  readonly kty: 'RSA';
  readonly use: 'sig';
  readonly alg: 'RS256';
  readonly kid: string;
  readonly n: string;
  readonly e: string;
  readonly x5c: readonly string[];
}

export interface RotationResult {
  readonly added: SigningKey;
  readonly retiring: ReadonlyArray<{ readonly kid: string; readonly at: number }>;
}

export class EntraSigningKeys {
  constructor(private readonly deps: EntraSigningKeysDeps) {}

  /** Makes a key that signs at once when none does (first start); returns the key that signs now. */
  async ensure(): Promise<SigningKey> {
    const now = this.deps.clock.now();
    const current = signingKeyAt(await this.deps.keys.list(now), now);
    if (current) return current;
    const key = await this.generate(now, now);
    await this.deps.keys.add(key);
    // Two instances starting together each add one: both are published and every instance signs with the same.
    return signingKeyAt(await this.deps.keys.list(now), now) ?? key;
  }

  async jwks(): Promise<{ keys: PublishedJwk[] }> {
    const now = this.deps.clock.now();
    const keys = publishedKeys(await this.deps.keys.list(now), now);
    return { keys: keys.map((k) => ({ kty: 'RSA', use: 'sig', alg: 'RS256', kid: k.kid, n: k.n, e: k.e, x5c: [k.certificate] })) };
  }

  /** An RS256 JWT of `claims` signed with the current key; the header names it by kid. */
  async sign(claims: JWTPayload): Promise<string> {
    const key = await this.ensure();
    return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' }).sign(openSigningKey(this.deps.sealingKey, key));
  }

  /**
   * Publishes a new key now that signs from `now + overlapMs` (Entra's metadata cache has turned over by then);
   * the keys signing until then retire `overlapMs` after the switch, when nothing they signed is still in use.
   */
  async rotate(overlapMs: number): Promise<RotationResult> {
    const now = this.deps.clock.now();
    const before = await this.deps.keys.list(now);
    const switchAt = now + overlapMs;
    const added = await this.generate(now, switchAt);
    await this.deps.keys.add(added);
    const retiring: Array<{ kid: string; at: number }> = [];
    for (const key of before) {
      if (key.retireAt !== null) continue;
      const at = switchAt + overlapMs;
      if (await this.deps.keys.retire(key.kid, at)) retiring.push({ kid: key.kid, at });
    }
    return { added, retiring };
  }

  /** Every stored key not yet retired at `now`, oldest first (for the operator's listing). */
  async list(): Promise<SigningKey[]> {
    const now = this.deps.clock.now();
    return this.deps.keys.list(now);
  }

  private generate(createdAt: number, signFrom: number): Promise<SigningKey> {
    return generateSigningKey(this.deps.sealingKey, this.deps.random, this.deps.issuerHost, { createdAt, signFrom });
  }
}
