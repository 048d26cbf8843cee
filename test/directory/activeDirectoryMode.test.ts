// The LDAP adapter in Active Directory mode, against slapd entries shaped like AD's: objectGUID bytes found from
// the familiar GUID text, the new password written as unicodePwd (quoted, UTF-16LE), unlock as lockoutTime 0,
// userAccountControl's disabled bit respected. AD's refusal codes (0000052D…) are mapped by a table tested here.
import { Client } from 'ldapts';
import type { LdapDirectoryConfig } from '../../src/config/directoryConfig';
import { LdapDirectory } from '../../src/directory/ldapDirectory';
import { mapActiveDirectoryError, mapOpenLdapPasswordError } from '../../src/directory/ldapRefusals';
import { createLogger } from '../../src/logging/logger';
import { AD_BASE, AD_PEOPLE, ROOT_DN, ROOT_PASSWORD, SERVICE_DN, SERVICE_PASSWORD, startSlapd, type RunningSlapd } from '../support/slapd';

const [ken, dennis] = AD_PEOPLE as [(typeof AD_PEOPLE)[0], (typeof AD_PEOPLE)[0]];
const logLines: string[] = [];

let slapd: RunningSlapd;
let directory: LdapDirectory;

beforeAll(async () => {
  slapd = await startSlapd();
  const config: LdapDirectoryConfig = {
    kind: 'ldap',
    url: slapd.url,
    flavour: 'activeDirectory',
    bindDn: SERVICE_DN,
    bindPassword: SERVICE_PASSWORD,
    searchBase: AD_BASE,
    personClass: 'signetAdUser',
    attributes: { upn: 'userPrincipalName', mail: 'mail', uid: 'sAMAccountName', objectId: 'objectGUID', displayName: 'displayName' },
    startTls: false,
    tlsCaFile: undefined,
    tlsRejectUnauthorized: true,
    timeoutMs: 3000,
  };
  directory = new LdapDirectory({ config, logger: createLogger({ level: 'debug', sink: (l) => logLines.push(l) }) });
});

afterAll(async () => {
  await slapd?.stop();
});

/** Reads an AD-shaped entry's raw attributes as the directory's administrator. */
async function rawEntry(cn: string): Promise<Record<string, unknown>> {
  const client = new Client({ url: slapd.url });
  try {
    await client.bind(ROOT_DN, ROOT_PASSWORD);
    const { searchEntries } = await client.search(`cn=${cn},${AD_BASE}`, {
      scope: 'base',
      attributes: ['unicodePwd', 'lockoutTime', 'userAccountControl'],
      explicitBufferAttributes: ['unicodePwd'],
    });
    return searchEntries[0]!;
  } finally {
    await client.unbind();
  }
}

describe('LDAP adapter in Active Directory mode', () => {
  it('when a person is found by UPN or sAMAccountName, then the id is the GUID text and lockoutTime/userAccountControl decide locked and enabled', async () => {
    const byUpn = await directory.find({ by: 'upn', value: ken.upn });
    expect(byUpn).toEqual({ ok: true, value: { id: ken.objectGuid, upn: ken.upn, mail: undefined, displayName: ken.displayName, locked: true, enabled: true } });
    const bySam = await directory.find({ by: 'uid', value: dennis.sAMAccountName });
    expect(bySam.ok && bySam.value).toMatchObject({ id: dennis.objectGuid, locked: false, enabled: false });
  });

  it('when a person is found by object id, then the GUID text is matched against AD byte order', async () => {
    const found = await directory.find({ by: 'objectId', value: ken.objectGuid.toUpperCase() });
    expect(found.ok && found.value.upn).toBe(ken.upn);
    // The same bytes read in plain order are another GUID, which nobody has.
    const plainOrder = '33221100-5544-7766-8899-aabbccddeeff';
    expect(await directory.find({ by: 'objectId', value: plainOrder })).toEqual({ ok: false, refusal: { kind: 'notFound' } });
  });

  it('when a password is set, then unicodePwd is replaced by the quoted password in UTF-16LE', async () => {
    expect(await directory.setPassword(ken.objectGuid, 'Unix-Pipes-1973!')).toEqual({ ok: true, value: undefined });
    const raw = await rawEntry(ken.displayName);
    expect(raw['unicodePwd']).toEqual(Buffer.from('"Unix-Pipes-1973!"', 'utf16le'));
    expect(logLines.join('\n')).not.toContain('Unix-Pipes-1973!');
  });

  it('when a locked person is unlocked, then lockoutTime becomes 0 and find says unlocked', async () => {
    expect(await directory.unlock(ken.objectGuid)).toEqual({ ok: true, value: undefined });
    expect((await rawEntry(ken.displayName))['lockoutTime']).toBe('0');
    const found = await directory.find({ by: 'upn', value: ken.upn });
    expect(found.ok && found.value.locked).toBe(false);
  });

  it('when the account is disabled (userAccountControl bit 2), then neither reset nor unlock touch it', async () => {
    expect(await directory.setPassword(dennis.objectGuid, 'Unix-Pipes-1973!')).toEqual({ ok: false, refusal: { kind: 'accountDisabled' } });
    expect(await directory.unlock(dennis.objectGuid)).toEqual({ ok: false, refusal: { kind: 'accountDisabled' } });
    const raw = await rawEntry(dennis.displayName);
    expect(raw['unicodePwd']).toEqual([]);
    expect(raw['userAccountControl']).toBe('514');
  });
});

describe('Active Directory refusal codes', () => {
  it.each<[number, string, string | undefined]>([
    [19, '0000052D: Constraint violation - check_password_restrictions: the password does not meet the complexity criteria!', 'tooWeak'],
    [19, '0000052D: AtrErr: DSID-03191083, #1:\n\t0: 0000052D: DSID-03191083, problem 1005 (CONSTRAINT_ATT_TYPE), data 0, Att 9005a (unicodePwd)', 'tooWeak'],
    [19, '00000533: account disabled', 'accountDisabled'],
    [32, '0000208D: NameErr: DSID-03100288, problem 2001 (NO_OBJECT)', 'notFound'],
    [53, '0000001F: SvcErr: DSID-031A12D2, problem 5003 (WILL_NOT_PERFORM), data 0', undefined],
    [50, '00000005: SecErr: DSID-03152E29, problem 4003 (INSUFF_ACCESS_RIGHTS), data 0', undefined],
  ])('when AD answers %i %j, then the refusal is %s', (code, message, kind) => {
    expect(mapActiveDirectoryError(code, message)?.kind).toBe(kind);
  });
});

describe('OpenLDAP refusals without the ppolicy control', () => {
  it.each<[number, string, string | undefined]>([
    [19, 'Password is in history of old passwords', 'inHistory'],
    [19, 'Password is not being changed from existing value', 'inHistory'],
    [19, 'Password is too young to change', 'tooYoung'],
    [19, 'Password fails quality checking policy', 'tooWeak'],
    [32, '', 'notFound'],
    [50, 'no write access to parent', undefined],
    [80, 'internal error', undefined],
  ])('when slapd answers %i %j with no control, then the refusal is %s', (code, message, kind) => {
    expect(mapOpenLdapPasswordError(code, message, undefined)?.kind).toBe(kind);
  });

  it('when the control names the reason, then it wins over the text', () => {
    expect(mapOpenLdapPasswordError(19, 'Password fails quality checking policy', 'passwordTooShort')?.kind).toBe('tooShort');
    expect(mapOpenLdapPasswordError(19, 'Must supply old password to be changed as well as new one', 'mustSupplyOldPassword')).toBeUndefined();
  });
});
