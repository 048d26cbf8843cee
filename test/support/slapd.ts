// A real OpenLDAP (Debian's slapd) for the directory tests: a temp dir, an mdb database loaded with slapadd, the
// ppolicy overlay with a default policy (min length, history, lockout after failed binds), a service account that
// may write people's passwords by ACL, a few people and their groups (groupOfNames / groupOfUniqueNames under
// GROUPS_BASE, mirrored in each person's memberOf as AD and the memberof overlay show it).
// Listens on a free loopback port; stop() removes everything.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { Client } from 'ldapts';
import { generate } from 'selfsigned';
import type { LdapDirectoryConfig } from '../../src/config/directoryConfig';

const run = promisify(execFile);

export const SLAPD_BIN = process.env['SIGNET_TEST_SLAPD'] ?? '/usr/sbin/slapd';
const SLAPADD_BIN = '/usr/sbin/slapadd';
const SCHEMA_DIR = '/etc/ldap/schema';
const MODULE_DIR = '/usr/lib/ldap';

export const SUFFIX = 'dc=signet,dc=test';
export const PEOPLE_BASE = `ou=people,${SUFFIX}`;
export const SERVICE_DN = `cn=signet,ou=services,${SUFFIX}`;
export const SERVICE_PASSWORD = 'service-account-secret-1';
export const MIN_LENGTH = 8;
export const IN_HISTORY = 3;
export const MAX_FAILURES = 3;

export interface TestPerson {
  readonly uid: string;
  readonly upn: string;
  readonly mail: string;
  readonly displayName: string;
  readonly password: string;
  readonly disabled?: boolean;
}

export const GROUPS_BASE = `ou=groups,${SUFFIX}`;

export interface TestGroup {
  readonly cn: string;
  /** Its DN's cn, escaped as RFC 4514 asks. */
  readonly rdnValue: string;
  readonly objectClass: 'groupOfNames' | 'groupOfUniqueNames';
  readonly memberUids: readonly string[];
}

/** Staff are asked two verifications by the web journey's group policy, students one. */
export const GROUPS: readonly TestGroup[] = [
  { cn: 'staff', rdnValue: 'staff', objectClass: 'groupOfNames', memberUids: ['grace', 'alan'] },
  { cn: 'students', rdnValue: 'students', objectClass: 'groupOfUniqueNames', memberUids: ['ada', 'edsger'] },
  // A name with characters a DN must escape: read back whole from memberOf and from the search alike.
  { cn: 'Lab, Research + Dev', rdnValue: 'Lab\\, Research \\+ Dev', objectClass: 'groupOfNames', memberUids: ['grace'] },
];

export const groupDn = (g: TestGroup): string => `cn=${g.rdnValue},${GROUPS_BASE}`;

export const SHARED_MAIL = 'sam@mail.signet.test';

export const PEOPLE: readonly TestPerson[] = [
  { uid: 'ada', upn: 'ada@signet.test', mail: 'ada.lovelace@mail.signet.test', displayName: 'Ada Lovelace', password: 'Analytical-Engine-1' },
  { uid: 'alan', upn: 'alan@signet.test', mail: 'alan.turing@mail.signet.test', displayName: 'Alan Turing', password: 'Bombe-Enigma-1939' },
  { uid: 'grace', upn: 'grace@signet.test', mail: 'grace.hopper@mail.signet.test', displayName: 'Grace Hopper', password: 'Cobol-Compiler-59' },
  { uid: 'edsger', upn: 'edsger@signet.test', mail: 'edsger.dijkstra@mail.signet.test', displayName: 'Edsger Dijkstra', password: 'Shortest-Path-1956' },
  { uid: 'john', upn: 'john@signet.test', mail: 'john.backus@mail.signet.test', displayName: 'John Backus', password: 'Fortran-Formula-57' },
  // Two people who share one mail address: a lookup by it must find nobody rather than guess.
  { uid: 'sam1', upn: 'sam1@signet.test', mail: SHARED_MAIL, displayName: 'Sam One', password: 'Shared-Mailbox-One-1' },
  { uid: 'sam2', upn: 'sam2@signet.test', mail: SHARED_MAIL, displayName: 'Sam Two', password: 'Shared-Mailbox-Two-2' },
  { uid: 'barbara', upn: 'barbara@signet.test', mail: 'barbara.liskov@mail.signet.test', displayName: 'Barbara Liskov', password: 'Substitution-1987', disabled: true },
];

/** This person's policy has a one-day minimum password age, and their password was just set. */
export const MINIMUM_AGE_UID = 'john';

function generalizedTime(date: Date): string {
  return `${date.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}

export const personDn = (uid: string): string => `uid=${uid},${PEOPLE_BASE}`;

/** Signet's LDAP settings for this test server (OpenLDAP, the service account, plain LDAP), with `extra` on top. */
export function slapdDirectoryConfig(url: string, extra: Partial<LdapDirectoryConfig> = {}): LdapDirectoryConfig {
  return {
    kind: 'ldap',
    url,
    flavour: 'openldap',
    bindDn: SERVICE_DN,
    bindPassword: SERVICE_PASSWORD,
    searchBase: PEOPLE_BASE,
    personClass: 'inetOrgPerson',
    attributes: { upn: 'userPrincipalName', mail: 'mail', uid: 'uid', objectId: 'entryUUID', displayName: 'displayName' },
    startTls: false,
    tlsCaFile: undefined,
    tlsRejectUnauthorized: true,
    timeoutMs: 3000,
    ...extra,
  };
}

export interface RunningSlapd {
  readonly url: string;
  /** With `tls`: the ldaps:// address (ldap:// then also offers StartTLS). */
  readonly ldapsUrl: string | undefined;
  /** With `tls`: the server's self-signed certificate (PEM), to trust as the CA. */
  readonly certificatePem: string | undefined;
  stop(): Promise<void>;
}

export interface SlapdOptions {
  /** Also serve ldaps:// and StartTLS with a fresh self-signed certificate for 127.0.0.1 and localhost. */
  readonly tls?: boolean;
  /** Picks each port to try (default: a free one from the kernel); lets a test hand out one already taken. */
  readonly choosePort?: () => Promise<number>;
}

// userPrincipalName is an AD attribute; OpenLDAP has no schema for it, so the test directory adds a tiny one.
const SIGNET_SCHEMA = `attributetype ( 1.3.6.1.4.1.99999.1.1 NAME 'userPrincipalName'
  EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch
  SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.3.6.1.4.1.99999.1.7 NAME 'memberOf'
  EQUALITY distinguishedNameMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.12 )
objectclass ( 1.3.6.1.4.1.99999.2.1 NAME 'signetPerson' SUP top AUXILIARY MAY ( userPrincipalName $ memberOf ) )
attributetype ( 1.3.6.1.4.1.99999.1.2 NAME 'sAMAccountName'
  EQUALITY caseIgnoreMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.3.6.1.4.1.99999.1.3 NAME 'objectGUID'
  EQUALITY octetStringMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.40 SINGLE-VALUE )
attributetype ( 1.3.6.1.4.1.99999.1.4 NAME 'unicodePwd'
  EQUALITY octetStringMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.40 SINGLE-VALUE )
attributetype ( 1.3.6.1.4.1.99999.1.5 NAME 'lockoutTime'
  EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )
attributetype ( 1.3.6.1.4.1.99999.1.6 NAME 'userAccountControl'
  EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )
objectclass ( 1.3.6.1.4.1.99999.2.2 NAME 'signetAdUser' SUP top AUXILIARY
  MAY ( sAMAccountName $ objectGUID $ unicodePwd $ lockoutTime $ userAccountControl ) )
`;

/**
 * Entries shaped like Active Directory's (objectGUID bytes, unicodePwd, lockoutTime, userAccountControl) under
 * AD_BASE, with no ppolicy: they show the exact attributes and values the adapter writes in AD mode. AD's own
 * password rules are not played here (their refusal codes are unit-tested).
 */
export const AD_BASE = `ou=ad,${SUFFIX}`;
export const ROOT_DN = `cn=admin,${SUFFIX}`;
export const ROOT_PASSWORD = `${SERVICE_PASSWORD}-root`;

export interface AdShapedPerson {
  readonly sAMAccountName: string;
  readonly upn: string;
  readonly displayName: string;
  /** As AD shows it: 8-4-4-4-12, first three groups little-endian in the stored bytes. */
  readonly objectGuid: string;
  readonly lockoutTime: string;
  readonly userAccountControl: number;
}

export const AD_PEOPLE: readonly AdShapedPerson[] = [
  { sAMAccountName: 'kthompson', upn: 'ken@ad.signet.test', displayName: 'Ken Thompson', objectGuid: '00112233-4455-6677-8899-aabbccddeeff', lockoutTime: '134087616000000000', userAccountControl: 512 },
  { sAMAccountName: 'dritchie', upn: 'dennis@ad.signet.test', displayName: 'Dennis Ritchie', objectGuid: '0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9', lockoutTime: '0', userAccountControl: 514 },
];

/** AD's byte order for a GUID, written independently of the adapter's own conversion. */
function adGuidBytes(guid: string): Buffer {
  const h = guid.replace(/-/g, '');
  const swap = (hex: string) => hex.match(/../g)!.reverse().join('');
  return Buffer.from(swap(h.slice(0, 8)) + swap(h.slice(8, 12)) + swap(h.slice(12, 16)) + h.slice(16), 'hex');
}

function slapdConf(dir: string, tls: boolean): string {
  const tlsLines = tls ? `TLSCertificateFile ${join(dir, 'cert.pem')}\nTLSCertificateKeyFile ${join(dir, 'key.pem')}\n` : '';
  return `${tlsLines}include ${SCHEMA_DIR}/core.schema
include ${SCHEMA_DIR}/cosine.schema
include ${SCHEMA_DIR}/nis.schema
include ${SCHEMA_DIR}/inetorgperson.schema
include ${join(dir, 'signet.schema')}
pidfile ${join(dir, 'slapd.pid')}
modulepath ${MODULE_DIR}
moduleload back_mdb
moduleload ppolicy

database mdb
maxsize 33554432
suffix "${SUFFIX}"
rootdn "cn=admin,${SUFFIX}"
rootpw "${ROOT_PASSWORD}"
directory ${join(dir, 'data')}

overlay ppolicy
ppolicy_default "cn=default,ou=policies,${SUFFIX}"
ppolicy_use_lockout

access to attrs=userPassword
  by dn.exact="${SERVICE_DN}" write
  by self write
  by anonymous auth
  by * none
access to *
  by dn.exact="${SERVICE_DN}" write
  by users read
  by * none
`;
}

function ldif(nonce: string): string {
  const head = `dn: ${SUFFIX}
objectClass: top
objectClass: dcObject
objectClass: organization
o: Signet test
dc: signet
description: ${nonce}

dn: ou=people,${SUFFIX}
objectClass: organizationalUnit
ou: people

dn: ou=services,${SUFFIX}
objectClass: organizationalUnit
ou: services

dn: ou=policies,${SUFFIX}
objectClass: organizationalUnit
ou: policies

dn: ${SERVICE_DN}
objectClass: person
cn: signet
sn: service
userPassword: ${SERVICE_PASSWORD}

dn: cn=default,ou=policies,${SUFFIX}
objectClass: top
objectClass: device
objectClass: pwdPolicy
cn: default
pwdAttribute: userPassword
pwdMinLength: ${MIN_LENGTH}
pwdInHistory: ${IN_HISTORY}
pwdCheckQuality: 2
pwdLockout: TRUE
pwdMaxFailure: ${MAX_FAILURES}
pwdLockoutDuration: 0
pwdAllowUserChange: TRUE
pwdMustChange: FALSE

dn: cn=slow,ou=policies,${SUFFIX}
objectClass: top
objectClass: device
objectClass: pwdPolicy
cn: slow
pwdAttribute: userPassword
pwdMinAge: 86400
pwdCheckQuality: 2
`;
  const people = PEOPLE.map(
    (p) => `dn: ${personDn(p.uid)}
objectClass: inetOrgPerson
objectClass: signetPerson
uid: ${p.uid}
cn: ${p.displayName}
sn: ${p.displayName.split(' ').at(-1)}
displayName: ${p.displayName}
mail: ${p.mail}
userPrincipalName: ${p.upn}
userPassword: ${p.password}
${GROUPS.filter((g) => g.memberUids.includes(p.uid)).map((g) => `memberOf: ${groupDn(g)}\n`).join('')}${p.disabled ? 'pwdAccountLockedTime: 000001010000Z\n' : ''}${p.uid === MINIMUM_AGE_UID ? `pwdPolicySubentry: cn=slow,ou=policies,${SUFFIX}\npwdChangedTime: ${generalizedTime(new Date())}\n` : ''}`,
  );
  const ad = [
    `dn: ${AD_BASE}\nobjectClass: organizationalUnit\nou: ad\n`,
    ...AD_PEOPLE.map(
      (p) => `dn: cn=${p.displayName},${AD_BASE}
objectClass: inetOrgPerson
objectClass: signetPerson
objectClass: signetAdUser
cn: ${p.displayName}
sn: ${p.displayName.split(' ').at(-1)}
displayName: ${p.displayName}
sAMAccountName: ${p.sAMAccountName}
userPrincipalName: ${p.upn}
objectGUID:: ${adGuidBytes(p.objectGuid).toString('base64')}
lockoutTime: ${p.lockoutTime}
userAccountControl: ${p.userAccountControl}
`,
    ),
  ];
  const groups = [
    `dn: ${GROUPS_BASE}\nobjectClass: organizationalUnit\nou: groups\n`,
    ...GROUPS.map((g) => {
      const memberAttribute = g.objectClass === 'groupOfNames' ? 'member' : 'uniqueMember';
      return `dn: ${groupDn(g)}\nobjectClass: ${g.objectClass}\ncn: ${g.cn}\n${g.memberUids.map((uid) => `${memberAttribute}: ${personDn(uid)}\n`).join('')}`;
    }),
  ];
  return [head, ...people, ...ad, ...groups].join('\n');
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Thrown when the port answering is another test file's slapd: ours could not listen there, so take another port. */
class PortTaken extends Error {}

/**
 * Waits until OUR slapd answers: the port came from a listen-and-close probe, so another test file's slapd (same
 * service account) may have taken it between probe and spawn; ours then exits, and only the nonce in the suffix
 * entry tells the two apart.
 */
async function waitUntilServing(url: string, child: ChildProcess, nonce: string, output: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) {
      if (output().includes('Address already in use')) throw new PortTaken(url);
      throw new Error(`slapd exited with ${child.exitCode}:\n${output()}`);
    }
    const client = new Client({ url, connectTimeout: 500, timeout: 1000 });
    try {
      await client.bind(SERVICE_DN, SERVICE_PASSWORD);
      const { searchEntries } = await client.search(SUFFIX, { scope: 'base', attributes: ['description'] });
      if (searchEntries[0]?.['description'] !== nonce) throw new PortTaken(url);
      return;
    } catch (err) {
      if (err instanceof PortTaken) throw err;
      if (Date.now() > deadline) throw new Error(`slapd did not answer on ${url}: ${String(err)}\n${output()}`);
    } finally {
      await client.unbind().catch(() => undefined);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts a fresh slapd; fails (never skips) with how to install it when it is missing. */
export async function startSlapd(options: SlapdOptions = {}): Promise<RunningSlapd> {
  if (!existsSync(SLAPD_BIN) || !existsSync(SLAPADD_BIN) || !existsSync(join(MODULE_DIR, 'ppolicy.so'))) {
    throw new Error(`OpenLDAP's slapd (with the ppolicy module) is needed for the LDAP directory tests: apt-get install slapd ldap-utils`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'signet-slapd-'));
  mkdirSync(join(dir, 'data'));
  writeFileSync(join(dir, 'signet.schema'), SIGNET_SCHEMA);
  let certificatePem: string | undefined;
  if (options.tls === true) {
    const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
      keySize: 2048,
      algorithm: 'sha256',
      extensions: [
        { name: 'basicConstraints', cA: true },
        { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
      ],
    });
    certificatePem = pems.cert;
    writeFileSync(join(dir, 'cert.pem'), pems.cert);
    writeFileSync(join(dir, 'key.pem'), pems.private);
  }
  writeFileSync(join(dir, 'slapd.conf'), slapdConf(dir, options.tls === true));
  const nonce = randomUUID();
  writeFileSync(join(dir, 'data.ldif'), ldif(nonce));
  try {
    await run(SLAPADD_BIN, ['-f', join(dir, 'slapd.conf'), '-l', join(dir, 'data.ldif')]);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`slapadd failed: ${(err as { stderr?: string }).stderr ?? String(err)}`);
  }
  for (let attempt = 1; ; attempt++) {
    const choosePort = options.choosePort ?? freePort;
    const url = `ldap://127.0.0.1:${await choosePort()}`;
    const ldapsUrl = options.tls === true ? `ldaps://127.0.0.1:${await choosePort()}` : undefined;
    const listen = [url, ...(ldapsUrl === undefined ? [] : [ldapsUrl])].map((u) => `${u}/`).join(' ');
    // -d 0 keeps slapd in the foreground, so the child is slapd itself and stop() can end it by its pid.
    const child = spawn(SLAPD_BIN, ['-f', join(dir, 'slapd.conf'), '-h', listen, '-d', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    const end = async (): Promise<void> => {
      if (child.exitCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    };
    const stop = async (): Promise<void> => {
      await end();
      rmSync(dir, { recursive: true, force: true });
    };
    try {
      await waitUntilServing(url, child, nonce, () => output);
    } catch (err) {
      if (err instanceof PortTaken && attempt < 5) {
        await end();
        continue;
      }
      await stop();
      throw err;
    }
    return { url, ldapsUrl, certificatePem, stop };
  }
}
