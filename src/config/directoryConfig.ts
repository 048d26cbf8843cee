// Which directory password reset writes to (DIRECTORY=memory|ldap|graph) and how to reach it: its own zod schema,
// read by loadConfig, so the directory's keys and rules sit together. Memory needs nothing, so `npm start` works.
import { z } from 'zod';
import type { GraphAppSettings } from './graphAppSettings';

export type LdapFlavour = 'openldap' | 'activeDirectory';

/**
 * Where a person's groups are read (the reset policy may ask more of some groups): nowhere; an attribute on the
 * person's entry listing group DNs (AD's memberOf, OpenLDAP's memberof overlay); or a search for groups naming the
 * person as member / uniqueMember under a base (any OpenLDAP). A group's name is its cn either way.
 */
export type LdapGroupSource =
  | { readonly kind: 'none' }
  | { readonly kind: 'attribute'; readonly attribute: string }
  | { readonly kind: 'search'; readonly base: string };

export interface LdapDirectoryConfig {
  readonly kind: 'ldap';
  /** ldap:// or ldaps:// (host and port only). */
  readonly url: string;
  /** openldap: RFC 3062 Password Modify and ppolicy; activeDirectory: unicodePwd over LDAPS, lockoutTime. */
  readonly flavour: LdapFlavour;
  readonly bindDn: string;
  /** Secret: the service account's password. */
  readonly bindPassword: string;
  readonly searchBase: string;
  /** Entries searched are of this objectClass (person, user). */
  readonly personClass: string;
  readonly attributes: {
    readonly upn: string;
    readonly mail: string;
    readonly uid: string;
    readonly objectId: string;
    readonly displayName: string;
  };
  /** Upgrade an ldap:// connection with StartTLS before binding. */
  readonly startTls: boolean;
  /** A PEM file of the CA(s) the server's certificate is checked against; unset: the system's. */
  readonly tlsCaFile: string | undefined;
  /** Only for a test server: false accepts any certificate. */
  readonly tlsRejectUnauthorized: boolean;
  readonly timeoutMs: number;
  /** Absent: groups are not read. */
  readonly groups?: LdapGroupSource;
}

export interface GraphDirectoryConfig extends GraphAppSettings {
  readonly kind: 'graph';
  /** Read each person's groups (transitive, needs GroupMember.Read.All); absent or false: not read. */
  readonly readGroups?: boolean;
}

export interface MemoryDirectoryConfig {
  readonly kind: 'memory';
  readonly minLength: number;
  readonly history: number;
  readonly maxFailures: number;
}

export type DirectoryConfig = MemoryDirectoryConfig | LdapDirectoryConfig | GraphDirectoryConfig;

const httpUrl = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//.test(u), { message: 'must start with http:// or https://' })
  .transform((u) => u.replace(/\/+$/, ''));

/** The directory's variables; loadConfig parses each one on its own and reports every bad one. */
export const directoryEnvSchema = z.object({
  DIRECTORY: z.enum(['memory', 'ldap', 'graph']).default('memory'),
  DIRECTORY_MEMORY_MIN_LENGTH: z.coerce.number().int().min(1).max(256).default(8),
  DIRECTORY_MEMORY_HISTORY: z.coerce.number().int().min(0).max(24).default(3),
  DIRECTORY_MEMORY_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  LDAP_URL: z.string().refine((u) => /^ldaps?:\/\/[^/\s]+\/?$/.test(u), { message: 'must be ldap://host[:port] or ldaps://host[:port]' }).optional(),
  LDAP_FLAVOUR: z.enum(['openldap', 'activeDirectory']).default('openldap'),
  LDAP_BIND_DN: z.string().min(1).optional(),
  LDAP_BIND_PASSWORD: z.string().min(1).optional(),
  LDAP_SEARCH_BASE: z.string().min(1).optional(),
  LDAP_PERSON_CLASS: z.string().regex(/^[A-Za-z][A-Za-z0-9-]*$/, 'must be an objectClass name').optional(),
  LDAP_ATTR_UPN: z.string().regex(/^[A-Za-z][A-Za-z0-9-]*$/, 'must be an attribute name').default('userPrincipalName'),
  LDAP_ATTR_MAIL: z.string().regex(/^[A-Za-z][A-Za-z0-9-]*$/, 'must be an attribute name').default('mail'),
  LDAP_ATTR_UID: z.string().regex(/^[A-Za-z][A-Za-z0-9-]*$/, 'must be an attribute name').optional(),
  LDAP_STARTTLS: z.enum(['true', 'false']).default('false'),
  LDAP_TLS_CA_FILE: z.string().min(1).optional(),
  LDAP_TLS_REJECT_UNAUTHORIZED: z.enum(['true', 'false']).default('true'),
  LDAP_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  LDAP_GROUPS: z.enum(['none', 'attribute', 'search']).default('none'),
  LDAP_GROUP_ATTRIBUTE: z.string().regex(/^[A-Za-z][A-Za-z0-9-]*$/, 'must be an attribute name').default('memberOf'),
  LDAP_GROUP_SEARCH_BASE: z.string().min(1).optional(),
  GRAPH_TENANT_ID: z.string().regex(/^[A-Za-z0-9.-]{1,100}$/, 'must be a tenant id (GUID) or domain').optional(),
  GRAPH_CLIENT_ID: z.string().min(1).optional(),
  GRAPH_CLIENT_SECRET: z.string().min(1).optional(),
  GRAPH_LOGIN_BASE_URL: httpUrl.default('https://login.microsoftonline.com'),
  GRAPH_API_BASE_URL: httpUrl.default('https://graph.microsoft.com/v1.0'),
  GRAPH_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  GRAPH_READ_GROUPS: z.enum(['true', 'false']).default('false'),
});

export type DirectoryEnvValues = z.infer<typeof directoryEnvSchema>;

/**
 * The directory configuration from already-parsed values, with the rules across keys as problems (same
 * "KEY: what is wrong" form as loadConfig). `given` says whether a key was set at all.
 */
export function directoryConfigFrom(
  v: Partial<DirectoryEnvValues>,
  given: (key: keyof DirectoryEnvValues) => boolean,
): { config: DirectoryConfig | undefined; problems: string[] } {
  const problems: string[] = [];
  const kind = v.DIRECTORY ?? 'memory';
  if (kind === 'ldap') {
    for (const key of ['LDAP_URL', 'LDAP_BIND_DN', 'LDAP_BIND_PASSWORD', 'LDAP_SEARCH_BASE'] as const) {
      if (!given(key)) problems.push(`${key}: is required when DIRECTORY=ldap`);
    }
    if (v.LDAP_GROUPS === 'search' && !given('LDAP_GROUP_SEARCH_BASE')) problems.push('LDAP_GROUP_SEARCH_BASE: is required when LDAP_GROUPS=search');
    const ad = v.LDAP_FLAVOUR === 'activeDirectory';
    // Active Directory only accepts unicodePwd over an encrypted connection.
    if (ad && v.LDAP_URL !== undefined && !v.LDAP_URL.startsWith('ldaps://') && v.LDAP_STARTTLS !== 'true') {
      problems.push('LDAP_URL: Active Directory needs ldaps:// (or LDAP_STARTTLS=true) to set passwords');
    }
    if (problems.length > 0 || v.LDAP_URL === undefined || v.LDAP_BIND_DN === undefined || v.LDAP_BIND_PASSWORD === undefined || v.LDAP_SEARCH_BASE === undefined) {
      return { config: undefined, problems };
    }
    return {
      config: {
        kind: 'ldap',
        url: v.LDAP_URL.replace(/\/$/, ''),
        flavour: ad ? 'activeDirectory' : 'openldap',
        bindDn: v.LDAP_BIND_DN,
        bindPassword: v.LDAP_BIND_PASSWORD,
        searchBase: v.LDAP_SEARCH_BASE,
        personClass: v.LDAP_PERSON_CLASS ?? (ad ? 'user' : 'inetOrgPerson'),
        attributes: {
          upn: v.LDAP_ATTR_UPN ?? 'userPrincipalName',
          mail: v.LDAP_ATTR_MAIL ?? 'mail',
          uid: v.LDAP_ATTR_UID ?? (ad ? 'sAMAccountName' : 'uid'),
          objectId: ad ? 'objectGUID' : 'entryUUID',
          displayName: 'displayName',
        },
        startTls: v.LDAP_STARTTLS === 'true',
        tlsCaFile: v.LDAP_TLS_CA_FILE,
        tlsRejectUnauthorized: v.LDAP_TLS_REJECT_UNAUTHORIZED !== 'false',
        timeoutMs: v.LDAP_TIMEOUT_MS ?? 10_000,
        groups: ldapGroupSource(v),
      },
      problems,
    };
  }
  if (kind === 'graph') {
    for (const key of ['GRAPH_TENANT_ID', 'GRAPH_CLIENT_ID', 'GRAPH_CLIENT_SECRET'] as const) {
      if (!given(key)) problems.push(`${key}: is required when DIRECTORY=graph`);
    }
    if (problems.length > 0 || v.GRAPH_TENANT_ID === undefined || v.GRAPH_CLIENT_ID === undefined || v.GRAPH_CLIENT_SECRET === undefined) {
      return { config: undefined, problems };
    }
    return {
      config: {
        kind: 'graph',
        tenantId: v.GRAPH_TENANT_ID,
        clientId: v.GRAPH_CLIENT_ID,
        clientSecret: v.GRAPH_CLIENT_SECRET,
        loginBaseUrl: v.GRAPH_LOGIN_BASE_URL ?? 'https://login.microsoftonline.com',
        apiBaseUrl: v.GRAPH_API_BASE_URL ?? 'https://graph.microsoft.com/v1.0',
        timeoutMs: v.GRAPH_TIMEOUT_MS ?? 10_000,
        readGroups: v.GRAPH_READ_GROUPS === 'true',
      },
      problems,
    };
  }
  return {
    config: {
      kind: 'memory',
      minLength: v.DIRECTORY_MEMORY_MIN_LENGTH ?? 8,
      history: v.DIRECTORY_MEMORY_HISTORY ?? 3,
      maxFailures: v.DIRECTORY_MEMORY_MAX_FAILURES ?? 5,
    },
    problems,
  };
}

function ldapGroupSource(v: Partial<DirectoryEnvValues>): LdapGroupSource {
  if (v.LDAP_GROUPS === 'attribute') return { kind: 'attribute', attribute: v.LDAP_GROUP_ATTRIBUTE ?? 'memberOf' };
  if (v.LDAP_GROUPS === 'search' && v.LDAP_GROUP_SEARCH_BASE !== undefined) return { kind: 'search', base: v.LDAP_GROUP_SEARCH_BASE };
  return { kind: 'none' };
}

/** Whether the directory reports people's groups (the memory directory carries those it was given). */
export function directoryReadsGroups(config: DirectoryConfig): boolean {
  if (config.kind === 'ldap') return config.groups !== undefined && config.groups.kind !== 'none';
  if (config.kind === 'graph') return config.readGroups === true;
  return true;
}
