// The directory over LDAP (ldapts): OpenLDAP with the ppolicy overlay, or Active Directory. Each call opens one
// connection, binds as the service account, does its work and unbinds. Filters are built from ldapts' filter
// classes (a person's input is only ever an attribute value, never filter syntax); refusals become typed results.
import type { ConnectionOptions } from 'node:tls';
import { AndFilter, Attribute, BerWriter, Change, Client, EqualityFilter, OrFilter, ResultCodeError, type Entry, type Filter } from 'ldapts';
import type { LdapDirectoryConfig } from '../config/directoryConfig';
import type { Logger } from '../logging/logger';
import {
  DirectoryConfigurationError,
  directoryOk,
  directoryOkVoid,
  directoryRefused,
  type Directory,
  type DirectoryEntry,
  type DirectoryLookup,
  type DirectoryResult,
} from '../ports/directory';
import { mapActiveDirectoryError, mapOpenLdapPasswordError } from './ldapRefusals';
import { PasswordPolicyControl } from './passwordPolicyControl';
import { guidFromBytes, guidToBytes, isGuid } from './objectGuid';
import { cnOfDn } from './ldapGroupNames';

const PASSWORD_MODIFY_OID = '1.3.6.1.4.1.4203.1.11.1';
/** ppolicy's value for "locked by an administrator until unlocked by one": a disabled account, not a lockout. */
const OPENLDAP_DISABLED = '000001010000Z';
const AD_ACCOUNTDISABLE = 0x2;
/** Longest value looked up: UPNs and mail addresses are far shorter; anything longer finds nobody. */
const MAX_LOOKUP_LENGTH = 256;

const RESULT = { noSuchAttribute: 16, noSuchObject: 32, invalidCredentials: 49, insufficientAccess: 50, sizeLimitExceeded: 4 } as const;

export interface LdapDirectoryOptions {
  readonly config: LdapDirectoryConfig;
  readonly logger: Logger;
  /** The TLS options (CA read from config.tlsCaFile by the wiring). */
  readonly tls?: ConnectionOptions;
}

interface Located {
  readonly dn: string;
  readonly entry: DirectoryEntry;
  /** The group DNs the entry's group attribute lists (LDAP_GROUPS=attribute), else empty. */
  readonly groupDns: readonly string[];
}

/** Stands in for a missing entry in the group search a name that matches nobody still costs. */
const NOBODY: DirectoryEntry = { id: '', upn: undefined, displayName: '', mail: undefined, locked: false, enabled: false };

/** Thrown inside the adapter when the service account itself is refused; reported as unavailable at run time. */
class ServiceBindError extends Error {}

export class LdapDirectory implements Directory {
  private readonly config: LdapDirectoryConfig;
  private readonly logger: Logger;
  private readonly tls: ConnectionOptions;

  constructor(options: LdapDirectoryOptions) {
    this.config = options.config;
    this.logger = options.logger.child({ component: 'ldapDirectory', flavour: options.config.flavour });
    this.tls = { rejectUnauthorized: options.config.tlsRejectUnauthorized, ...options.tls };
  }

  async find(lookup: DirectoryLookup): Promise<DirectoryResult<DirectoryEntry>> {
    return this.withServiceConnection('find', async (client) => {
      const found = await this.locate(client, lookup);
      if (found === undefined) {
        // The same group search for a name that matches nobody, so the time taken does not say whether it exists.
        await this.groupsOf(client, { dn: `cn=signet-nobody,${this.config.searchBase}`, entry: NOBODY, groupDns: [] });
        return directoryRefused('notFound');
      }
      const groups = await this.groupsOf(client, found);
      return directoryOk(groups === undefined ? found.entry : { ...found.entry, groups });
    });
  }

  async setPassword(id: string, newPassword: string): Promise<DirectoryResult<void>> {
    return this.withServiceConnection('setPassword', async (client) => {
      const found = await this.locate(client, { by: 'objectId', value: id });
      if (found === undefined) return directoryRefused('notFound');
      if (!found.entry.enabled) return directoryRefused('accountDisabled');
      const result =
        this.config.flavour === 'activeDirectory'
          ? await this.setActiveDirectoryPassword(client, found.dn, newPassword)
          : await this.setOpenLdapPassword(client, found.dn, newPassword);
      if (result.ok) this.logger.info('directory password set', { entryId: found.entry.id });
      else this.logger.info('directory refused a new password', { entryId: found.entry.id, reason: result.refusal.kind });
      return result;
    });
  }

  async unlock(id: string): Promise<DirectoryResult<void>> {
    return this.withServiceConnection('unlock', async (client) => {
      const found = await this.locate(client, { by: 'objectId', value: id });
      if (found === undefined) return directoryRefused('notFound');
      // Deleting OpenLDAP's lock time would also re-enable a disabled account: refuse instead.
      if (!found.entry.enabled) return directoryRefused('accountDisabled');
      if (!found.entry.locked) return directoryOkVoid;
      const change =
        this.config.flavour === 'activeDirectory'
          ? new Change({ operation: 'replace', modification: new Attribute({ type: 'lockoutTime', values: ['0'] }) })
          : new Change({ operation: 'delete', modification: new Attribute({ type: 'pwdAccountLockedTime', values: [] }) });
      try {
        await client.modify(found.dn, change);
      } catch (err) {
        // Unlocked by someone else in between: the outcome wanted is there.
        if (!(err instanceof ResultCodeError && err.code === RESULT.noSuchAttribute)) throw err;
      }
      this.logger.info('directory account unlocked', { entryId: found.entry.id });
      return directoryOkVoid;
    });
  }

  async verifyConfiguration(): Promise<void> {
    const client = this.newClient();
    try {
      await this.bindService(client);
      await client.search(this.config.searchBase, { scope: 'base', attributes: ['1.1'] });
    } catch (err) {
      if (err instanceof ServiceBindError) {
        throw new DirectoryConfigurationError('LDAP_BIND_DN / LDAP_BIND_PASSWORD: the directory refused the service account', { cause: err.cause });
      }
      if (err instanceof ResultCodeError && err.code === RESULT.noSuchObject) {
        throw new DirectoryConfigurationError(`LDAP_SEARCH_BASE: "${this.config.searchBase}" does not exist in the directory`);
      }
      if (isCertificateError(err)) {
        throw new DirectoryConfigurationError(`LDAP_TLS_CA_FILE: the directory's certificate is not trusted (${describe(err)})`, { cause: err });
      }
      throw new DirectoryConfigurationError(`LDAP_URL: cannot reach the directory (${describe(err)})`, { cause: err });
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    // Nothing held between calls.
  }

  private newClient(): Client {
    return new Client({
      url: this.config.url,
      timeout: this.config.timeoutMs,
      connectTimeout: this.config.timeoutMs,
      // ldapts speaks TLS from the first byte whenever tlsOptions are given: only for ldaps:// (StartTLS gets them later).
      ...(this.config.url.startsWith('ldaps://') ? { tlsOptions: this.tls } : {}),
    });
  }

  private async bindService(client: Client): Promise<void> {
    if (this.config.startTls) await client.startTLS(this.tls);
    try {
      await client.bind(this.config.bindDn, this.config.bindPassword);
    } catch (err) {
      if (err instanceof ResultCodeError && (err.code === RESULT.invalidCredentials || err.code === RESULT.insufficientAccess)) {
        throw new ServiceBindError('service bind refused', { cause: err });
      }
      throw err;
    }
  }

  /** Runs `work` on a fresh service connection; a fault of the directory or the connection is `unavailable`. */
  private async withServiceConnection<T>(op: string, work: (client: Client) => Promise<DirectoryResult<T>>): Promise<DirectoryResult<T>> {
    const client = this.newClient();
    try {
      await this.bindService(client);
      return await work(client);
    } catch (err) {
      if (err instanceof ServiceBindError) {
        this.logger.error('directory refused the service account: check LDAP_BIND_DN / LDAP_BIND_PASSWORD', { op });
      } else {
        this.logger.warn('directory unavailable', { op, error: describe(err), resultCode: err instanceof ResultCodeError ? err.code : undefined });
      }
      return directoryRefused('unavailable');
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }

  private lookupFilter(lookup: DirectoryLookup): Filter | undefined {
    const value = lookup.value.trim();
    if (value === '' || value.length > MAX_LOOKUP_LENGTH) return undefined;
    const a = this.config.attributes;
    let match: EqualityFilter;
    if (lookup.by === 'objectId') {
      if (!isGuid(value)) return undefined;
      match =
        this.config.flavour === 'activeDirectory'
          ? new EqualityFilter({ attribute: a.objectId, value: guidToBytes(value) })
          : new EqualityFilter({ attribute: a.objectId, value: value.toLowerCase() });
    } else {
      const attribute = { upn: a.upn, mail: a.mail, uid: a.uid }[lookup.by];
      match = new EqualityFilter({ attribute, value });
    }
    return new AndFilter({ filters: [new EqualityFilter({ attribute: 'objectClass', value: this.config.personClass }), match] });
  }

  private async locate(client: Client, lookup: DirectoryLookup): Promise<Located | undefined> {
    const filter = this.lookupFilter(lookup);
    if (filter === undefined) return undefined;
    const a = this.config.attributes;
    const ad = this.config.flavour === 'activeDirectory';
    const state = ad ? ['lockoutTime', 'userAccountControl'] : ['pwdAccountLockedTime'];
    const groupAttribute = this.config.groups?.kind === 'attribute' ? [this.config.groups.attribute] : [];
    let entries: Entry[];
    try {
      ({ searchEntries: entries } = await client.search(this.config.searchBase, {
        scope: 'sub',
        filter,
        sizeLimit: 2,
        attributes: [a.objectId, a.upn, a.mail, a.uid, a.displayName, 'cn', ...state, ...groupAttribute],
        explicitBufferAttributes: ad ? [a.objectId] : [],
      }));
    } catch (err) {
      // More than one match is never resolved by guessing.
      if (err instanceof ResultCodeError && err.code === RESULT.sizeLimitExceeded) entries = [{ dn: '' }, { dn: '' }];
      else throw err;
    }
    if (entries.length !== 1) {
      if (entries.length > 1) this.logger.warn('directory lookup matched several entries; treated as not found', { lookupBy: lookup.by });
      return undefined;
    }
    const entry = entries[0]!;
    const id = ad ? guidOf(entry[a.objectId]) : first(entry[a.objectId]);
    if (id === undefined) return undefined;
    const groupDns = groupAttribute.length === 1 ? values(entry[groupAttribute[0]!]) : [];
    return { dn: entry.dn, entry: ad ? this.activeDirectoryEntry(id, entry) : this.openLdapEntry(id, entry), groupDns };
  }

  /**
   * The person's group names (each group's cn), where configured; undefined when groups are not read. A failed
   * group search throws like any directory fault, so a policy that depends on groups is never applied without them.
   */
  private async groupsOf(client: Client, found: Located): Promise<string[] | undefined> {
    const source = this.config.groups;
    if (source === undefined || source.kind === 'none') return undefined;
    if (source.kind === 'attribute') return unique(found.groupDns.map(cnOfDn).filter((n): n is string => n !== undefined));
    // The DN is only ever a filter value (ldapts escapes it); both group shapes of plain OpenLDAP are asked for.
    const filter = new OrFilter({
      filters: [new EqualityFilter({ attribute: 'member', value: found.dn }), new EqualityFilter({ attribute: 'uniqueMember', value: found.dn })],
    });
    const { searchEntries } = await client.search(source.base, { scope: 'sub', filter, attributes: ['cn'] });
    return unique(searchEntries.flatMap((group) => values(group['cn'])));
  }

  private common(id: string, entry: Entry): Omit<DirectoryEntry, 'locked' | 'enabled'> {
    const a = this.config.attributes;
    return {
      id,
      upn: first(entry[a.upn]),
      displayName: first(entry[a.displayName]) ?? first(entry['cn']) ?? '',
      mail: first(entry[a.mail]),
    };
  }

  private openLdapEntry(id: string, entry: Entry): DirectoryEntry {
    const lockedAt = first(entry['pwdAccountLockedTime']);
    return { ...this.common(id, entry), locked: lockedAt !== undefined && lockedAt !== OPENLDAP_DISABLED, enabled: lockedAt !== OPENLDAP_DISABLED };
  }

  private activeDirectoryEntry(id: string, entry: Entry): DirectoryEntry {
    const lockoutTime = first(entry['lockoutTime']);
    const control = Number(first(entry['userAccountControl']) ?? '0');
    return {
      ...this.common(id, entry),
      locked: lockoutTime !== undefined && lockoutTime !== '0',
      enabled: (control & AD_ACCOUNTDISABLE) === 0,
    };
  }

  private async setOpenLdapPassword(client: Client, dn: string, newPassword: string): Promise<DirectoryResult<void>> {
    // RFC 3062 PasswdModifyRequestValue ::= SEQUENCE { userIdentity [0] OPTIONAL, oldPasswd [1] OPTIONAL, newPasswd [2] OPTIONAL }
    const value = new BerWriter();
    value.startSequence();
    value.writeString(dn, 0x80);
    value.writeString(newPassword, 0x82);
    value.endSequence();
    const policy = new PasswordPolicyControl();
    try {
      await client.exop(PASSWORD_MODIFY_OID, value.buffer, policy);
    } catch (err) {
      if (!(err instanceof ResultCodeError)) throw err;
      const refusal = mapOpenLdapPasswordError(err.code, err.message, policy.error);
      if (refusal === undefined) throw err;
      return { ok: false, refusal };
    }
    return directoryOkVoid;
  }

  private async setActiveDirectoryPassword(client: Client, dn: string, newPassword: string): Promise<DirectoryResult<void>> {
    // AD takes the new password as unicodePwd: the password in double quotes, encoded UTF-16LE, replaced (admin reset).
    const encoded = Buffer.from(`"${newPassword}"`, 'utf16le');
    try {
      await client.modify(dn, new Change({ operation: 'replace', modification: new Attribute({ type: 'unicodePwd', values: [encoded] }) }));
    } catch (err) {
      if (!(err instanceof ResultCodeError)) throw err;
      const refusal = mapActiveDirectoryError(err.code, err.message);
      if (refusal === undefined) throw err;
      return { ok: false, refusal };
    } finally {
      encoded.fill(0);
    }
    return directoryOkVoid;
  }
}

function first(value: Entry[string] | undefined): string | undefined {
  const one = Array.isArray(value) ? value[0] : value;
  if (one === undefined) return undefined;
  return Buffer.isBuffer(one) ? one.toString('utf8') : one;
}

/** Every value of an attribute, as text. */
function values(value: Entry[string] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : v));
}

function unique(names: readonly string[]): string[] {
  return [...new Set(names)];
}

function guidOf(value: Entry[string] | undefined): string | undefined {
  const one = Array.isArray(value) ? value[0] : value;
  return Buffer.isBuffer(one) && one.length === 16 ? guidFromBytes(one) : undefined;
}

/** Node's TLS verification failures (self-signed, unknown issuer, wrong host name, expired). */
function isCertificateError(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(code);
}

/** An error as words safe for the log: its class and result code, never request data. */
function describe(err: unknown): string {
  if (err instanceof ResultCodeError) return `${err.name} ${err.code}`;
  // Socket errors may come from another realm (jest's vm), so no instanceof Error here.
  if (typeof err === 'object' && err !== null && 'message' in err) {
    const e = err as { name?: unknown; code?: unknown; message: unknown };
    return `${String(e.name ?? 'Error')}: ${String(e.code ?? String(e.message).slice(0, 120))}`;
  }
  return 'unknown error';
}
