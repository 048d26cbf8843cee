// Entra's signing keys for one tenant, found the way Microsoft documents: the tenant's OpenID metadata names the
// JWKS; jose's remote key set caches it, picks the key by `kid` and refetches on an unknown kid (rollover).
import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';

export interface EntraTenantKeysOptions {
  /** Metadata URL with `{tenantid}` in it. */
  readonly metadataUrlTemplate: string;
  /** Bounds one metadata or JWKS fetch. */
  readonly timeoutMs?: number;
}

/** Key resolver for a tenant's hints; throws when the metadata cannot be read. */
export type TenantKeySource = (tenantId: string) => Promise<JWTVerifyGetKey>;

const CACHE_MS = 24 * 3_600_000;

export function entraTenantKeys(options: EntraTenantKeysOptions): TenantKeySource {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const cache = new Map<string, { at: number; keys: JWTVerifyGetKey }>();
  return async (tenantId) => {
    const cached = cache.get(tenantId);
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.keys;
    const url = options.metadataUrlTemplate.replace('{tenantid}', encodeURIComponent(tenantId));
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
    if (!response.ok) throw new Error(`Entra metadata answered ${response.status}`);
    const metadata = (await response.json()) as { jwks_uri?: unknown };
    if (typeof metadata.jwks_uri !== 'string') throw new Error('Entra metadata has no jwks_uri');
    const keys = createRemoteJWKSet(new URL(metadata.jwks_uri), { timeoutDuration: timeoutMs });
    cache.set(tenantId, { at: Date.now(), keys });
    return keys;
  };
}
