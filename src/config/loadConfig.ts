// The only reader of environment variables and the organisation file: returns one frozen, typed configuration
// or throws a ConfigError that lists every bad key and what is wrong with it.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DEMO_ORG_CONFIG, orgConfigSchema, type OrgConfig } from './orgConfigSchema';
import { directoryConfigFrom, directoryEnvSchema, directoryReadsGroups, type DirectoryConfig, type DirectoryEnvValues } from './directoryConfig';
import { entraConfigFrom, entraEnvSchema, type EntraConfig, type EntraEnv } from './entraConfig';
import { externalMethodConfigFrom, externalMethodEnvSchema, type ExternalMethodEnv, type ExternalMethodRegistrationConfig } from './externalMethodConfig';
import { deepFreeze } from '../domain/deepFreeze';

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export type RuntimeEnv = 'development' | 'production' | 'test';

export interface AppConfig {
  readonly env: RuntimeEnv;
  readonly port: number;
  readonly host: string;
  /** Where Twilio and people reach this service; webhook signatures are checked against it. */
  readonly publicBaseUrl: string;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Where trained language models are kept between starts (NLU_MODEL_CACHE_DIR): a directory, "default" (the
   * project's .cache/nlu) or "off" (train on every start). */
  readonly nluModelCache: string;
  readonly bodyLimitBytes: number;
  readonly mongodb: { readonly uri: string | undefined; readonly dbName: string };
  /** How long a Twilio webhook's answer is kept for its retries (WEBHOOK_LEDGER_RETENTION_HOURS, default 7 days). */
  readonly webhookLedgerRetentionMs: number;
  /** 32-byte key for AES-256-GCM (secrets at rest) and, derived from it, the code-hashing key. */
  readonly encryptionKey: Buffer;
  /** True when no key was given outside production and a fixed development key is in use. */
  readonly encryptionKeyIsDevelopmentDefault: boolean;
  readonly bot: {
    readonly appId: string;
    readonly appPassword: string;
    readonly appType: string;
    readonly appTenantId: string;
  };
  readonly orgConfigPath: string | undefined;
  readonly org: OrgConfig;
  /** Twilio credentials and sender; undefined when unset, and texts and calls go to the simulated outbox. */
  readonly twilio: TwilioConfig | undefined;
  /** SMTP for enrollment codes by email; undefined: the simulated outbox. */
  readonly smtp: { readonly url: string; readonly from: string } | undefined;
  /** The durable job queue's worker (callbacks, help-desk reports) and the expiry sweep. */
  readonly jobs: {
    readonly pollIntervalMs: number;
    readonly sweepIntervalMs: number;
    readonly leaseMs: number;
    /** Failed jobs are retried with back-off for this long after they were stored, then marked dead. */
    readonly retryPeriodMs: number;
  };
  /** The directory password reset writes to (DIRECTORY; memory by default): src/config/directoryConfig.ts. */
  readonly directory: DirectoryConfig;
  /** Entra ID External MFA provider (ENTRA_*); undefined: off. */
  readonly entra: EntraConfig | undefined;
  /** Graph registration of the external method for each enrolled person (ENTRA_METHOD_REGISTRATION); undefined: off. */
  readonly externalMethodRegistration: ExternalMethodRegistrationConfig | undefined;
}

export interface TwilioConfig {
  readonly accountSid: string;
  /** Secret: signs webhooks and authenticates REST calls. */
  readonly authToken: string;
  /** Exactly one of messagingServiceSid and fromNumber is used for texts (the service when both are set). */
  readonly messagingServiceSid: string | undefined;
  /** E.164 caller id for calls, and the text sender when there is no messaging service. */
  readonly fromNumber: string | undefined;
  /** A Twilio-compatible REST endpoint instead of https://api.twilio.com (tests, regional edges). */
  readonly apiBaseUrl: string | undefined;
}

const DEV_KEY_SEED = 'signet-development-only-key-do-not-use-in-production';

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3978),
  HOST: z.string().min(1).default('0.0.0.0'),
  PUBLIC_BASE_URL: z
    .string()
    .url()
    .refine((u) => /^https?:\/\//.test(u), { message: 'must start with http:// or https://' })
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  // "off": train the language models on every start; a path: keep them there between starts.
  NLU_MODEL_CACHE_DIR: z.string().min(1).optional(),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(10 * 1024 * 1024).default(256 * 1024),
  MONGODB_URI: z
    .string()
    .refine((u) => /^mongodb(\+srv)?:\/\//.test(u), { message: 'must start with mongodb:// or mongodb+srv://' })
    .optional(),
  // At least a day: a retry must find the first answer, and a replayed signed request (Twilio signs no timestamp)
  // must find its id until whatever it refers to has long expired.
  WEBHOOK_LEDGER_RETENTION_HOURS: z.coerce.number().int().min(24).max(90 * 24).default(7 * 24),
  MONGODB_DB: z.string().regex(/^[A-Za-z0-9_-]{1,63}$/, 'must be letters, digits, "_" or "-"').default('signet'),
  SIGNET_ENCRYPTION_KEY: z
    .string()
    .transform((value, ctx) => {
      const key = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
      if (key.length !== 32) {
        ctx.addIssue({ code: 'custom', message: 'must be 32 bytes, as 64 hex digits or base64 (e.g. `openssl rand -base64 32`)' });
        return z.NEVER;
      }
      return key;
    })
    .optional(),
  SIGNET_ORG_CONFIG: z.string().min(1).optional(),
  MicrosoftAppId: z.string().default(''),
  MicrosoftAppPassword: z.string().default(''),
  MicrosoftAppType: z.enum(['', 'MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default(''),
  MicrosoftAppTenantId: z.string().default(''),
  TWILIO_ACCOUNT_SID: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must be "AC" followed by 32 hex digits').optional(),
  TWILIO_AUTH_TOKEN: z.string().min(8).optional(),
  TWILIO_MESSAGING_SERVICE_SID: z.string().regex(/^MG[0-9a-fA-F]{32}$/, 'must be "MG" followed by 32 hex digits').optional(),
  TWILIO_FROM_NUMBER: z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number such as +15555550100').optional(),
  TWILIO_API_BASE_URL: z
    .string()
    .url()
    .refine((u) => /^https?:\/\//.test(u), { message: 'must start with http:// or https://' })
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
  SMTP_URL: z.string().refine((u) => /^smtps?:\/\//.test(u), { message: 'must start with smtp:// or smtps://' }).optional(),
  SMTP_FROM: z.string().min(3).optional(),
  SIGNET_JOB_POLL_MS: z.coerce.number().int().min(100).max(60_000).default(1000),
  SIGNET_EXPIRY_SWEEP_MS: z.coerce.number().int().min(100).max(60_000).default(1000),
  SIGNET_JOB_LEASE_MS: z.coerce.number().int().min(15_000).max(3_600_000).default(60_000),
  SIGNET_JOB_RETRY_HOURS: z.coerce.number().min(0.1).max(168).default(24),
  ...entraEnvSchema,
});

type EnvValues = z.infer<typeof envSchema>;

function describe(issue: z.ZodIssue, prefix: string): string {
  const key = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
  return `${key}: ${issue.message}`;
}

/** Reads a file for loadConfig; injected so tests need no files on disk. */
export type FileReader = (path: string) => string;

const readUtf8: FileReader = (path) => readFileSync(path, 'utf8');

export function loadConfig(env: NodeJS.ProcessEnv, readFile: FileReader = readUtf8): AppConfig {
  const problems: string[] = [];
  // Empty strings in the environment mean "unset", as shells and .env files often leave them.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  // Each key is parsed on its own, so one bad value (PORT=99999) does not hide the rules that involve the others.
  const e: Partial<EnvValues> = {};
  for (const [key, schema] of Object.entries(envSchema.shape) as Array<[keyof EnvValues, z.ZodTypeAny]>) {
    const parsed = schema.safeParse(cleaned[key]);
    if (parsed.success) (e as Record<string, unknown>)[key] = parsed.data;
    else problems.push(...parsed.error.issues.map((i) => describe({ ...i, path: [key, ...i.path] }, '')));
  }
  /** Set in the environment, valid or not (an invalid value is reported above, not again as "missing"). */
  const given = (key: keyof EnvValues): boolean => cleaned[key] !== undefined;
  const directoryValues: Partial<DirectoryEnvValues> = {};
  for (const [key, schema] of Object.entries(directoryEnvSchema.shape) as Array<[keyof DirectoryEnvValues, z.ZodTypeAny]>) {
    const parsed = schema.safeParse(cleaned[key]);
    if (parsed.success) (directoryValues as Record<string, unknown>)[key] = parsed.data;
    else problems.push(...parsed.error.issues.map((i) => describe({ ...i, path: [key, ...i.path] }, '')));
  }
  const directory = directoryConfigFrom(directoryValues, (key) => cleaned[key] !== undefined);
  problems.push(...directory.problems);

  let orgInput: unknown = DEMO_ORG_CONFIG;
  const orgPath = cleaned['SIGNET_ORG_CONFIG'];
  if (orgPath !== undefined) {
    try {
      orgInput = JSON.parse(readFile(orgPath));
    } catch (err) {
      const reason = err instanceof SyntaxError ? `is not valid JSON (${err.message})` : 'cannot be read';
      problems.push(`SIGNET_ORG_CONFIG: the file "${orgPath}" ${reason}`);
      orgInput = undefined;
    }
  }
  let org: OrgConfig | undefined;
  if (orgInput !== undefined) {
    const parsedOrg = orgConfigSchema.safeParse(orgInput);
    if (parsedOrg.success) org = parsedOrg.data;
    else problems.push(...parsedOrg.error.issues.map((i) => describe(i, 'org')));
  }

  // Rules across keys run on whatever parsed, so they are reported together with any bad value.
  if (e.NODE_ENV === 'production' && !given('SIGNET_ENCRYPTION_KEY')) {
    problems.push('SIGNET_ENCRYPTION_KEY: is required when NODE_ENV=production (32 bytes, base64 or hex)');
  }
  if (e.NODE_ENV === 'production' && !given('PUBLIC_BASE_URL')) {
    problems.push('PUBLIC_BASE_URL: is required when NODE_ENV=production (the https address Twilio and Teams reach)');
  }
  // In production nothing may fall back to the development stand-ins: unauthenticated Bot Framework traffic
  // would let anyone claim any identity (help-desk members included), and simulated senders keep codes in clear.
  if (e.NODE_ENV === 'production' && !given('MicrosoftAppId')) {
    problems.push('MicrosoftAppId: is required when NODE_ENV=production (Bot Framework authentication cannot be off)');
  }
  if (e.NODE_ENV === 'production' && !given('TWILIO_ACCOUNT_SID')) {
    problems.push('TWILIO_ACCOUNT_SID: is required when NODE_ENV=production (simulated telephony is for development only)');
  }
  if ((e.MicrosoftAppType === 'SingleTenant' || e.MicrosoftAppType === 'UserAssignedMSI') && !given('MicrosoftAppId')) {
    problems.push(`MicrosoftAppId: is required when MicrosoftAppType=${e.MicrosoftAppType}`);
  }
  // botbuilder asserts this when the adapter is made, which is now the first Teams request: checked here instead.
  if ((e.MicrosoftAppType === 'SingleTenant' || e.MicrosoftAppType === 'UserAssignedMSI') && !given('MicrosoftAppTenantId')) {
    problems.push(`MicrosoftAppTenantId: is required when MicrosoftAppType=${e.MicrosoftAppType}`);
  }
  if (given('MicrosoftAppId') && e.MicrosoftAppType !== 'UserAssignedMSI' && !given('MicrosoftAppPassword')) {
    problems.push('MicrosoftAppPassword: is required when MicrosoftAppId is set');
  }
  if (given('TWILIO_ACCOUNT_SID') !== given('TWILIO_AUTH_TOKEN')) {
    problems.push('TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN: set both (real Twilio) or neither (simulated telephony)');
  }
  if (given('SMTP_URL') && !given('SMTP_FROM')) problems.push('SMTP_FROM: is required when SMTP_URL is set (the From address of code emails)');
  if (given('TWILIO_ACCOUNT_SID') && !given('TWILIO_MESSAGING_SERVICE_SID') && !given('TWILIO_FROM_NUMBER')) {
    problems.push('TWILIO_MESSAGING_SERVICE_SID / TWILIO_FROM_NUMBER: one is required when Twilio credentials are set');
  }

  // Group rules on a directory that reports no groups would never apply: staff would reset with fewer checks than meant.
  if (org !== undefined && org.passwordReset.byGroup.length > 0 && directory.config !== undefined && !directoryReadsGroups(directory.config)) {
    problems.push('org.passwordReset.byGroup: the directory reports no groups; set LDAP_GROUPS (attribute or search) or GRAPH_READ_GROUPS=true, or remove the group rules');
  }
  if (e.NODE_ENV === 'production' && org !== undefined && org.organisation.tenantIds.length === 0) {
    problems.push('org.organisation.tenantIds: must list your Entra tenant id(s) when NODE_ENV=production');
  }

  const entra = entraConfigFrom(e as EntraEnv, problems, { production: e.NODE_ENV === 'production', publicBaseUrl: e.PUBLIC_BASE_URL });
  const externalMethodValues: Partial<ExternalMethodEnv> = {};
  for (const [key, schema] of Object.entries(externalMethodEnvSchema.shape) as Array<[keyof ExternalMethodEnv, z.ZodTypeAny]>) {
    const parsed = schema.safeParse(cleaned[key]);
    if (parsed.success) (externalMethodValues as Record<string, unknown>)[key] = parsed.data;
    else problems.push(...parsed.error.issues.map((i) => describe({ ...i, path: [key, ...i.path] }, '')));
  }
  const externalMethodRegistration = externalMethodConfigFrom(externalMethodValues, (key) => cleaned[key] !== undefined, problems, entra !== undefined);
  if (problems.length > 0 || org === undefined || directory.config === undefined) throw new ConfigError(problems);
  // No problems: every key parsed, so every defaulted value is present.
  const v = e as EnvValues;
  const devKey = v.SIGNET_ENCRYPTION_KEY === undefined;
  return deepFreeze({
    env: v.NODE_ENV,
    port: v.PORT,
    host: v.HOST,
    publicBaseUrl: v.PUBLIC_BASE_URL ?? `http://localhost:${v.PORT}`,
    logLevel: v.LOG_LEVEL,
    nluModelCache: v.NLU_MODEL_CACHE_DIR ?? 'default',
    bodyLimitBytes: v.BODY_LIMIT_BYTES,
    mongodb: { uri: v.MONGODB_URI, dbName: v.MONGODB_DB },
    webhookLedgerRetentionMs: v.WEBHOOK_LEDGER_RETENTION_HOURS * 60 * 60 * 1000,
    encryptionKey: v.SIGNET_ENCRYPTION_KEY ?? createHash('sha256').update(DEV_KEY_SEED).digest(),
    encryptionKeyIsDevelopmentDefault: devKey,
    bot: {
      appId: v.MicrosoftAppId,
      appPassword: v.MicrosoftAppPassword,
      appType: v.MicrosoftAppType,
      appTenantId: v.MicrosoftAppTenantId,
    },
    orgConfigPath: orgPath,
    org,
    jobs: {
      pollIntervalMs: v.SIGNET_JOB_POLL_MS,
      sweepIntervalMs: v.SIGNET_EXPIRY_SWEEP_MS,
      leaseMs: v.SIGNET_JOB_LEASE_MS,
      retryPeriodMs: Math.round(v.SIGNET_JOB_RETRY_HOURS * 3_600_000),
    },
    directory: directory.config,
    entra,
    externalMethodRegistration,
    smtp: v.SMTP_URL !== undefined && v.SMTP_FROM !== undefined ? { url: v.SMTP_URL, from: v.SMTP_FROM } : undefined,
    twilio:
      v.TWILIO_ACCOUNT_SID !== undefined && v.TWILIO_AUTH_TOKEN !== undefined
        ? {
            accountSid: v.TWILIO_ACCOUNT_SID,
            authToken: v.TWILIO_AUTH_TOKEN,
            messagingServiceSid: v.TWILIO_MESSAGING_SERVICE_SID,
            fromNumber: v.TWILIO_FROM_NUMBER,
            apiBaseUrl: v.TWILIO_API_BASE_URL,
          }
        : undefined,
  });
}
