// Settings of the Entra ID External MFA provider (ENTRA_*). Off until both ENTRA_CLIENT_ID and ENTRA_APP_ID are
// set; everything else has a default that matches Microsoft's global cloud (docs: entra-external-mfa.md).
import { z } from 'zod';

/** The `…/common/federation/externalauthprovider` URLs Microsoft publishes (global, US Government, 21Vianet). */
export const PUBLISHED_ENTRA_REDIRECT_URIS = [
  'https://login.microsoftonline.com/common/federation/externalauthprovider',
  'https://login.microsoftonline.us/common/federation/externalauthprovider',
  'https://login.partner.microsoftonline.cn/common/federation/externalauthprovider',
] as const;

export interface EntraConfig {
  /** The client id Signet issued to Entra (typed into the method's "Client ID"). */
  readonly clientId: string;
  /** The app registration's Application ID: the audience of Entra's id_token_hint. */
  readonly appId: string;
  /** Entra's per-tenant metadata; `{tenantid}` is replaced by the hint's `tid`. */
  readonly metadataUrlTemplate: string;
  /** The issuer Entra's hints carry; `{tenantid}` as above. */
  readonly issuerTemplate: string;
  /** Where answers may be posted: exact strings, nothing else. */
  readonly redirectUris: readonly string[];
  /** How old (by `iat`) a hint may be; it arrives already expired, so `exp` is not checked. */
  readonly hintMaxAgeMs: number;
  /** How long a new signing key is published before it signs (Entra caches metadata for 24 h). */
  readonly keyOverlapMs: number;
  readonly idTokenLifetimeMs: number;
  /** How long a sign-in stays open on our side (Entra gives up after about 5 minutes). */
  readonly signInLifetimeMs: number;
}

const minutes = (m: number): number => m * 60_000;

export const entraEnvSchema = {
  ENTRA_CLIENT_ID: z.string().min(1).max(200).optional(),
  ENTRA_APP_ID: z.string().min(1).max(200).optional(),
  ENTRA_METADATA_URL_TEMPLATE: z.string().url().default('https://login.microsoftonline.com/{tenantid}/v2.0/.well-known/openid-configuration'),
  ENTRA_ISSUER_TEMPLATE: z.string().min(1).default('https://login.microsoftonline.com/{tenantid}/v2.0'),
  ENTRA_REDIRECT_URIS: z
    .string()
    .transform((list) => list.split(',').map((u) => u.trim()).filter((u) => u !== ''))
    .pipe(z.array(z.string().url()).min(1))
    .optional(),
  ENTRA_HINT_MAX_AGE_SECONDS: z.coerce.number().int().min(30).max(3600).default(600),
  ENTRA_KEY_OVERLAP_HOURS: z.coerce.number().min(0).max(24 * 30).default(48),
  ENTRA_ID_TOKEN_LIFETIME_SECONDS: z.coerce.number().int().min(60).max(3600).default(300),
  ENTRA_SIGN_IN_MINUTES: z.coerce.number().int().min(1).max(30).default(10),
};

export type EntraEnv = { [K in keyof typeof entraEnvSchema]: z.infer<(typeof entraEnvSchema)[K]> };

/** The provider's settings, or undefined (off) when its two identifiers are not both set. */
export function entraConfigFrom(v: EntraEnv, problems: string[], site: { readonly production: boolean; readonly publicBaseUrl: string | undefined } = { production: false, publicBaseUrl: undefined }): EntraConfig | undefined {
  if ((v.ENTRA_CLIENT_ID === undefined) !== (v.ENTRA_APP_ID === undefined)) {
    problems.push('ENTRA_CLIENT_ID / ENTRA_APP_ID: set both (Entra External MFA on) or neither (off)');
    return undefined;
  }
  if (v.ENTRA_CLIENT_ID === undefined || v.ENTRA_APP_ID === undefined) return undefined;
  // Entra accepts only an https issuer (2026 rules), and the issuer is the public URL.
  if (site.production && !(site.publicBaseUrl ?? '').startsWith('https://')) {
    problems.push('PUBLIC_BASE_URL: must be an https URL when Entra External MFA is on in production (it is the issuer Entra checks)');
  }
  return {
    clientId: v.ENTRA_CLIENT_ID,
    appId: v.ENTRA_APP_ID,
    metadataUrlTemplate: v.ENTRA_METADATA_URL_TEMPLATE,
    issuerTemplate: v.ENTRA_ISSUER_TEMPLATE,
    redirectUris: v.ENTRA_REDIRECT_URIS ?? [...PUBLISHED_ENTRA_REDIRECT_URIS],
    hintMaxAgeMs: v.ENTRA_HINT_MAX_AGE_SECONDS * 1000,
    keyOverlapMs: Math.round(v.ENTRA_KEY_OVERLAP_HOURS * 3_600_000),
    idTokenLifetimeMs: v.ENTRA_ID_TOKEN_LIFETIME_SECONDS * 1000,
    signInLifetimeMs: minutes(v.ENTRA_SIGN_IN_MINUTES),
  };
}
