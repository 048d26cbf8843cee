// Settings of the optional Graph registration of Signet as each enrolled person's External MFA method
// (ENTRA_METHOD_REGISTRATION=graph, ENTRA_GRAPH_*). Off by default; needs the Entra provider on (ENTRA_CLIENT_ID).
import { z } from 'zod';
import type { GraphAppSettings } from './graphAppSettings';

/** `tenantId`: the tenant whose people are registered (a GUID: compared with the tenant Teams reports). */
export interface ExternalMethodRegistrationConfig extends GraphAppSettings {
  /** The id of the tenant's externalAuthenticationMethodConfiguration (the method an admin added in Entra). */
  readonly configurationId: string;
  /** The name the person's registered method carries in Entra (My Sign-ins, admin portal). */
  readonly displayName: string;
}

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

const httpUrl = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//.test(u), { message: 'must start with http:// or https://' })
  .transform((u) => u.replace(/\/+$/, ''));

export const externalMethodEnvSchema = z.object({
  ENTRA_METHOD_REGISTRATION: z.enum(['off', 'graph']).default('off'),
  ENTRA_METHOD_CONFIGURATION_ID: z.string().regex(/^[A-Za-z0-9-]{1,100}$/, 'must be the id of the external authentication method configuration').optional(),
  ENTRA_METHOD_DISPLAY_NAME: z.string().trim().min(1).max(100).default('Signet'),
  ENTRA_GRAPH_TENANT_ID: z.string().regex(GUID, 'must be the tenant id (a GUID)').optional(),
  ENTRA_GRAPH_CLIENT_ID: z.string().min(1).max(200).optional(),
  ENTRA_GRAPH_CLIENT_SECRET: z.string().min(1).optional(),
  ENTRA_GRAPH_LOGIN_BASE_URL: httpUrl.default('https://login.microsoftonline.com'),
  ENTRA_GRAPH_API_BASE_URL: httpUrl.default('https://graph.microsoft.com/v1.0'),
  ENTRA_GRAPH_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
});

export type ExternalMethodEnv = z.infer<typeof externalMethodEnvSchema>;

const REQUIRED = ['ENTRA_METHOD_CONFIGURATION_ID', 'ENTRA_GRAPH_TENANT_ID', 'ENTRA_GRAPH_CLIENT_ID', 'ENTRA_GRAPH_CLIENT_SECRET'] as const;

/**
 * The registration settings, or undefined (off). Every rule broken is pushed onto `problems` ("KEY: what is
 * wrong", as loadConfig reports). `given`: whether a key was set at all (a bad value is reported by its own parse,
 * not again as missing). `entraOn`: whether the External MFA provider itself is configured.
 */
export function externalMethodConfigFrom(
  v: Partial<ExternalMethodEnv>,
  given: (key: keyof ExternalMethodEnv) => boolean,
  problems: string[],
  entraOn: boolean,
): ExternalMethodRegistrationConfig | undefined {
  if ((v.ENTRA_METHOD_REGISTRATION ?? 'off') === 'off') return undefined;
  const before = problems.length;
  // Registering people for a method Signet does not serve would send their sign-ins to a provider that is off.
  if (!entraOn) problems.push('ENTRA_METHOD_REGISTRATION: graph needs the Entra External MFA provider on (ENTRA_CLIENT_ID and ENTRA_APP_ID)');
  for (const key of REQUIRED) if (!given(key)) problems.push(`${key}: is required when ENTRA_METHOD_REGISTRATION=graph`);
  if (problems.length > before || REQUIRED.some((key) => v[key] === undefined)) return undefined;
  return {
    tenantId: v.ENTRA_GRAPH_TENANT_ID!.toLowerCase(),
    clientId: v.ENTRA_GRAPH_CLIENT_ID!,
    clientSecret: v.ENTRA_GRAPH_CLIENT_SECRET!,
    loginBaseUrl: v.ENTRA_GRAPH_LOGIN_BASE_URL ?? 'https://login.microsoftonline.com',
    apiBaseUrl: v.ENTRA_GRAPH_API_BASE_URL ?? 'https://graph.microsoft.com/v1.0',
    timeoutMs: v.ENTRA_GRAPH_TIMEOUT_MS ?? 10_000,
    configurationId: v.ENTRA_METHOD_CONFIGURATION_ID!,
    displayName: v.ENTRA_METHOD_DISPLAY_NAME ?? 'Signet',
  };
}
