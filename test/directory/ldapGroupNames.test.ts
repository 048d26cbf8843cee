// A group's name from a memberOf DN: the first RDN's cn, RFC 4514 escapes undone, never a later RDN's cn.
import { cnOfDn } from '../../src/directory/ldapGroupNames';

test.each([
  ['CN=Staff,OU=Groups,DC=school,DC=example', 'Staff'],
  ['cn=staff,ou=groups,dc=signet,dc=test', 'staff'],
  ['cn = Teachers , ou=groups', 'Teachers'],
  ['CN=Lab\\, Research \\+ Dev,OU=Groups', 'Lab, Research + Dev'],
  ['CN=Caf\\C3\\A9 Staff,OU=Groups', 'Café Staff'],
  ['CN=Back\\\\slash,OU=Groups', 'Back\\slash'],
  ['OU=Unit+CN=Mixed,DC=x', 'Mixed'],
  ['CN=Ünïcode 职员,OU=G', 'Ünïcode 职员'],
])('when the DN is %j, then the group is named %j', (dn, name) => {
  expect(cnOfDn(dn)).toBe(name);
});

test.each([['OU=Groups,CN=NotTheFirst,DC=x'], ['no equals sign'], ['CN=,OU=x'], ['CN=dangling\\']])('when the DN is %j, then it names no group', (dn) => {
  expect(cnOfDn(dn)).toBeUndefined();
});
