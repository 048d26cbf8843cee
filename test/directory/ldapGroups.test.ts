// Group membership read from a REAL OpenLDAP (slapd): from the person's memberOf attribute (AD, memberof overlay)
// and by a search for groups naming them as member or uniqueMember (plain OpenLDAP), each group named by its cn —
// escaped characters included. Not configured: no groups at all. A failed group search fails the look-up.
import type { LdapDirectoryConfig, LdapGroupSource } from '../../src/config/directoryConfig';
import { LdapDirectory } from '../../src/directory/ldapDirectory';
import { createLogger } from '../../src/logging/logger';
import { GROUPS_BASE, startSlapd, SUFFIX, type RunningSlapd, slapdDirectoryConfig } from '../support/slapd';

let slapd: RunningSlapd;
const logLines: string[] = [];

beforeAll(async () => {
  slapd = await startSlapd();
}, 60_000);

afterAll(async () => {
  await slapd?.stop();
});

function directory(groups: LdapGroupSource | undefined): LdapDirectory {
  const config: LdapDirectoryConfig = slapdDirectoryConfig(slapd.url, groups ? { groups } : {});
  return new LdapDirectory({ config, logger: createLogger({ level: 'debug', sink: (l) => logLines.push(l) }) });
}

async function groupsOf(d: LdapDirectory, uid: string): Promise<readonly string[] | undefined> {
  const found = await d.find({ by: 'uid', value: uid });
  if (!found.ok) throw new Error(`not found: ${found.refusal.kind}`);
  return found.value.groups === undefined ? undefined : [...found.value.groups].sort();
}

describe.each([
  ['the memberOf attribute', { kind: 'attribute', attribute: 'memberOf' } as LdapGroupSource],
  ['a member / uniqueMember search', { kind: 'search', base: GROUPS_BASE } as LdapGroupSource],
])('LDAP groups from %s', (_, source) => {
  it('when a staff member is found, then every group of theirs is named by its cn, escaped characters included', async () => {
    expect(await groupsOf(directory(source), 'grace')).toEqual(['Lab, Research + Dev', 'staff']);
  });

  it('when a student is found (groupOfUniqueNames), then their group is named; someone in none has an empty list', async () => {
    expect(await groupsOf(directory(source), 'ada')).toEqual(['students']);
    expect(await groupsOf(directory(source), 'john')).toEqual([]);
  });
});

it('when groups are not configured, then the entry carries none (the reset policy then sees no group)', async () => {
  expect(await groupsOf(directory(undefined), 'grace')).toBeUndefined();
  expect(await groupsOf(directory({ kind: 'none' }), 'grace')).toBeUndefined();
});

it('when the group search fails (its base does not exist), then the look-up is unavailable, never a person without groups', async () => {
  const found = await directory({ kind: 'search', base: `ou=nowhere,${SUFFIX}` }).find({ by: 'uid', value: 'grace' });
  expect(found).toEqual({ ok: false, refusal: { kind: 'unavailable' } });
});

it('when a name matches nobody, then the same group search still runs (its time says nothing): a broken group base fails it too', async () => {
  const broken = directory({ kind: 'search', base: `ou=nowhere,${SUFFIX}` });
  expect(await broken.find({ by: 'uid', value: 'nobody-here' })).toEqual({ ok: false, refusal: { kind: 'unavailable' } });
  expect(await directory({ kind: 'search', base: GROUPS_BASE }).find({ by: 'uid', value: 'nobody-here' })).toEqual({ ok: false, refusal: { kind: 'notFound' } });
});
