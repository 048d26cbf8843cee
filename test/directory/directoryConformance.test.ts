// One contract for every directory adapter, run against a real OpenLDAP (slapd with ppolicy), a local Microsoft
// Graph stand-in and the memory directory: find by UPN/mail/uid/object id, set a password that then works for
// sign-in, the policy's refusals as typed values, lockout and unlock, disabled accounts, injection-shaped input,
// an unreachable directory, and wrong service credentials as a configuration error at start.
import net from 'node:net';
import { Client, InvalidCredentialsError } from 'ldapts';
import type { GraphDirectoryConfig, LdapDirectoryConfig } from '../../src/config/directoryConfig';
import { GraphDirectory } from '../../src/directory/graphDirectory';
import { LdapDirectory } from '../../src/directory/ldapDirectory';
import { MemoryDirectory } from '../../src/directory/memoryDirectory';
import { createLogger } from '../../src/logging/logger';
import { DirectoryConfigurationError, type Directory, type DirectoryLookupKind, type DirectoryRefusalKind } from '../../src/ports/directory';
import { startGraphStandIn, type GraphStandIn } from '../support/graphStandIn';
import { IN_HISTORY, MAX_FAILURES, MIN_LENGTH, MINIMUM_AGE_UID, PEOPLE, SHARED_MAIL, PEOPLE_BASE, SERVICE_PASSWORD, startSlapd, type RunningSlapd, type TestPerson, slapdDirectoryConfig } from '../support/slapd';

const person = (uid: string): TestPerson => PEOPLE.find((p) => p.uid === uid)!;
const ada = person('ada');
const alan = person('alan');
const grace = person('grace');
const edsger = person('edsger');
const barbara = person('barbara');

/** Log lines kept for the secrecy check instead of printed. */
const logLines: string[] = [];
const logger = createLogger({ level: 'debug', sink: (line) => logLines.push(line) });

interface Subject {
  readonly directory: Directory;
  /** The organisation's sign-in, played against the directory: does this password let the person in? */
  canSignIn(p: TestPerson, password: string): Promise<boolean>;
  /** Which lookups this directory answers (Graph has no uid but onPremisesSamAccountName, given as uid). */
  readonly lookups: readonly DirectoryLookupKind[];
  /** Locks the person by failed sign-ins; absent where the directory exposes no lockout (Graph). */
  readonly lockByFailures?: (p: TestPerson) => Promise<void>;
  /** The refusals this directory's policy produces, with a password that triggers each for `p`. */
  readonly policy: { tooShort?: string; tooWeak?: string };
  /** The same directory with a wrong service secret. */
  withWrongSecret(): Directory;
  /** The same directory pointing at nothing. */
  unreachable(): Promise<Directory>;
  close(): Promise<void>;
}

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function ldapSubject(): Promise<Subject> {
  const slapd: RunningSlapd = await startSlapd();
  const config = (url: string, bindPassword = SERVICE_PASSWORD): LdapDirectoryConfig => slapdDirectoryConfig(url, { bindPassword });
  const bindAs = async (p: TestPerson, password: string): Promise<boolean> => {
    const client = new Client({ url: slapd.url, timeout: 3000 });
    try {
      await client.bind(`uid=${p.uid},${PEOPLE_BASE}`, password);
      return true;
    } catch (err) {
      if (err instanceof InvalidCredentialsError) return false;
      throw err;
    } finally {
      await client.unbind().catch(() => undefined);
    }
  };
  return {
    directory: new LdapDirectory({ config: config(slapd.url), logger }),
    canSignIn: bindAs,
    lookups: ['upn', 'mail', 'uid', 'objectId'],
    lockByFailures: async (p) => {
      for (let i = 0; i < MAX_FAILURES; i += 1) expect(await bindAs(p, `wrong-password-${i}`)).toBe(false);
    },
    policy: { tooShort: 'Sh0rt!' },
    withWrongSecret: () => new LdapDirectory({ config: config(slapd.url, 'not-the-service-password'), logger }),
    unreachable: async () => new LdapDirectory({ config: { ...config(`ldap://127.0.0.1:${await closedPort()}`), timeoutMs: 1000 }, logger }),
    close: () => slapd.stop(),
  };
}

async function graphSubject(): Promise<Subject> {
  const standIn: GraphStandIn = await startGraphStandIn();
  for (const p of PEOPLE) {
    standIn.addUser({
      userPrincipalName: p.upn,
      mail: p.mail,
      onPremisesSamAccountName: p.uid,
      displayName: p.displayName,
      accountEnabled: p.disabled !== true,
      password: p.password,
    });
  }
  const config = (loginBaseUrl = standIn.loginBaseUrl, apiBaseUrl = standIn.apiBaseUrl, clientSecret = standIn.clientSecret): GraphDirectoryConfig => ({
    kind: 'graph',
    tenantId: standIn.tenantId,
    clientId: standIn.clientId,
    clientSecret,
    loginBaseUrl,
    apiBaseUrl,
    timeoutMs: 3000,
  });
  return {
    directory: new GraphDirectory({ config: config(), logger }),
    canSignIn: async (p, password) => standIn.users.find((u) => u.userPrincipalName === p.upn)?.password === password,
    lookups: ['upn', 'mail', 'uid', 'objectId'],
    policy: { tooWeak: 'alllowercaseletters' },
    withWrongSecret: () => new GraphDirectory({ config: config(undefined, undefined, 'wrong-secret'), logger }),
    unreachable: async () => {
      const dead = `http://127.0.0.1:${await closedPort()}`;
      return new GraphDirectory({ config: config(dead, `${dead}/v1.0`), logger });
    },
    close: () => standIn.close(),
  };
}

async function memorySubject(): Promise<Subject> {
  const directory = new MemoryDirectory({ minLength: MIN_LENGTH, history: IN_HISTORY, maxFailures: MAX_FAILURES });
  for (const p of PEOPLE) {
    directory.add({ upn: p.upn, mail: p.mail, uid: p.uid, displayName: p.displayName, password: p.password, enabled: p.disabled !== true });
  }
  const canSignIn = async (p: TestPerson, password: string) => directory.signIn({ by: 'uid', value: p.uid }, password);
  return {
    directory,
    canSignIn,
    lookups: ['upn', 'mail', 'uid', 'objectId'],
    lockByFailures: async (p) => {
      for (let i = 0; i < MAX_FAILURES; i += 1) expect(await canSignIn(p, `wrong-password-${i}`)).toBe(false);
    },
    policy: { tooShort: 'Sh0rt!' },
    withWrongSecret: () => {
      throw new Error('the memory directory has no service credentials');
    },
    unreachable: async () => {
      throw new Error('the memory directory is always reachable');
    },
    close: async () => undefined,
  };
}

const lookupValue = (p: TestPerson, by: DirectoryLookupKind): string => ({ upn: p.upn, mail: p.mail, uid: p.uid, objectId: '' })[by];

interface Capabilities {
  /** Reached over the network with service credentials (LDAP, Graph). */
  readonly remote: boolean;
  /** Keeps a password history (ppolicy pwdInHistory, the memory policy); Entra ID does not on an admin reset. */
  readonly history: boolean;
  /** Has a minimum password age for one of the test people (the LDAP "slow" policy). */
  readonly minimumAge: boolean;
  /** Exposes lockout after failed sign-ins (Graph does not). */
  readonly lockout: boolean;
}

function conformance(name: string, make: () => Promise<Subject>, options: Capabilities): void {
  describe(`${name} directory`, () => {
    let s: Subject;
    beforeAll(async () => {
      s = await make();
    });
    afterAll(async () => {
      await s?.close();
    });

    const idOf = async (p: TestPerson): Promise<string> => {
      const found = await s.directory.find({ by: 'upn', value: p.upn });
      if (!found.ok) throw new Error(`${p.upn} not found: ${found.refusal.kind}`);
      return found.value.id;
    };
    const refusalOf = (result: { ok: boolean; refusal?: { kind: DirectoryRefusalKind } }): DirectoryRefusalKind | 'ok' =>
      result.ok ? 'ok' : result.refusal!.kind;

    it.each<DirectoryLookupKind>(['upn', 'mail', 'uid'])('when Ada is looked up by %s, then her entry comes back', async (by) => {
      const found = await s.directory.find({ by, value: lookupValue(ada, by) });
      expect(found).toEqual({
        ok: true,
        value: { id: expect.stringMatching(/^[0-9a-f-]{36}$/), upn: ada.upn, mail: ada.mail, displayName: ada.displayName, locked: false, enabled: true },
      });
    });

    it('when Ada is looked up by her object id, then the same entry comes back', async () => {
      const id = await idOf(ada);
      const found = await s.directory.find({ by: 'objectId', value: id });
      expect(found.ok && found.value.upn).toBe(ada.upn);
    });

    it.each<[DirectoryLookupKind, string]>([
      ['uid', '*)(uid=*'],
      ['uid', '*'],
      ['mail', '*)(|(mail=*'],
      ['upn', 'ada@signet.test)(uid=*'],
      ['upn', "ada@signet.test' or '1' eq '1"],
      ['mail', "x' or mail eq 'ada.lovelace@mail.signet.test"],
      ['objectId', '*'],
      ['upn', 'nobody@signet.test'],
      ['mail', SHARED_MAIL],
      ['upn', ''],
      ['uid', 'a'.repeat(5000)],
    ])('when the %s typed is %j (injection-shaped, unknown or shared), then nobody is found', async (by, value) => {
      expect(await s.directory.find({ by, value })).toEqual({ ok: false, refusal: { kind: 'notFound' } });
    });

    it('when a password is set, then the person signs in with it and no longer with the old one', async () => {
      const id = await idOf(ada);
      const fresh = 'Correct-Horse-Battery-42';
      expect(await s.directory.setPassword(id, fresh)).toEqual({ ok: true, value: undefined });
      expect(await s.canSignIn(ada, fresh)).toBe(true);
      expect(await s.canSignIn(ada, ada.password)).toBe(false);
    });

    it('when a password is set for an id nobody has, then notFound', async () => {
      expect(refusalOf(await s.directory.setPassword('00000000-0000-4000-8000-000000000000', 'Correct-Horse-Battery-42'))).toBe('notFound');
      expect(refusalOf(await s.directory.setPassword('not-an-id', 'Correct-Horse-Battery-42'))).toBe('notFound');
    });

    it('when the account is disabled, then neither a new password nor an unlock is accepted, and it stays disabled', async () => {
      const id = await idOf(barbara);
      expect(refusalOf(await s.directory.setPassword(id, 'Correct-Horse-Battery-42'))).toBe('accountDisabled');
      expect(refusalOf(await s.directory.unlock(id))).toBe('accountDisabled');
      const found = await s.directory.find({ by: 'objectId', value: id });
      expect(found.ok && found.value.enabled).toBe(false);
      expect(await s.canSignIn(barbara, 'Correct-Horse-Battery-42')).toBe(false);
    });

    it('when a new password breaks the policy, then the refusal says which rule, and the old password still works', async () => {
      const id = await idOf(alan);
      if (s.policy.tooShort !== undefined) {
        const result = await s.directory.setPassword(id, s.policy.tooShort);
        expect(refusalOf(result)).toBe('tooShort');
      }
      if (s.policy.tooWeak !== undefined) {
        expect(refusalOf(await s.directory.setPassword(id, s.policy.tooWeak))).toBe('tooWeak');
      }
      expect(s.policy.tooShort ?? s.policy.tooWeak).toBeDefined();
      expect(await s.canSignIn(alan, alan.password)).toBe(true);
    });

    if (options.history) {
      it('when a password was used recently, then it is refused as inHistory and the current one stays', async () => {
        const id = await idOf(grace);
        const first = 'Nanosecond-Wire-11.8';
        expect(await s.directory.setPassword(id, first)).toEqual({ ok: true, value: undefined });
        expect(refusalOf(await s.directory.setPassword(id, grace.password))).toBe('inHistory');
        expect(refusalOf(await s.directory.setPassword(id, first))).toBe('inHistory');
        expect(await s.canSignIn(grace, first)).toBe(true);
      });
    }

    if (options.minimumAge) {
      it('when the policy forbids changing a password again so soon, then tooYoung', async () => {
        const john = person(MINIMUM_AGE_UID);
        const id = await idOf(john);
        expect(refusalOf(await s.directory.setPassword(id, 'Changed-Too-Soon-2'))).toBe('tooYoung');
        expect(await s.canSignIn(john, john.password)).toBe(true);
      });
    }

    if (options.lockout) {
      it('when failed sign-ins lock an account, then find says locked, unlock clears it, and the password works again', async () => {
        const id = await idOf(edsger);
        expect(await s.canSignIn(edsger, edsger.password)).toBe(true);
        await s.lockByFailures!(edsger);
        expect(await s.canSignIn(edsger, edsger.password)).toBe(false);
        const locked = await s.directory.find({ by: 'uid', value: edsger.uid });
        expect(locked.ok && locked.value.locked).toBe(true);
        expect(await s.directory.unlock(id)).toEqual({ ok: true, value: undefined });
        const unlocked = await s.directory.find({ by: 'uid', value: edsger.uid });
        expect(unlocked.ok && unlocked.value).toMatchObject({ locked: false, enabled: true });
        expect(await s.canSignIn(edsger, edsger.password)).toBe(true);
        // Unlocking an account that is not locked is not an error.
        expect(await s.directory.unlock(id)).toEqual({ ok: true, value: undefined });
      });
    } else {
      it('when the directory exposes no lockout, then unlock of an enabled account succeeds and changes nothing', async () => {
        const id = await idOf(edsger);
        expect(await s.directory.unlock(id)).toEqual({ ok: true, value: undefined });
        expect(await s.canSignIn(edsger, edsger.password)).toBe(true);
      });
    }

    if (options.remote) {
      it('when the directory cannot be reached, then every call is unavailable, never a throw', async () => {
        const dead = await s.unreachable();
        expect(refusalOf(await dead.find({ by: 'upn', value: ada.upn }))).toBe('unavailable');
        expect(refusalOf(await dead.setPassword('00000000-0000-4000-8000-000000000000', 'Correct-Horse-Battery-42'))).toBe('unavailable');
        await expect(dead.verifyConfiguration()).rejects.toBeInstanceOf(DirectoryConfigurationError);
      });

      it('when the service credentials are wrong, then start-up fails with a configuration error naming the keys', async () => {
        await expect(s.directory.verifyConfiguration()).resolves.toBeUndefined();
        const wrong = s.withWrongSecret();
        const failure = await wrong.verifyConfiguration().then(() => undefined, (err: unknown) => err);
        expect(failure).toBeInstanceOf(DirectoryConfigurationError);
        expect((failure as Error).message).toMatch(/PASSWORD|SECRET/);
        expect(refusalOf(await wrong.find({ by: 'upn', value: ada.upn }))).toBe('unavailable');
      });
    }

    it('when all of this was logged, then no password or service secret appears in the log', () => {
      const log = logLines.join('\n');
      for (const secret of [...PEOPLE.map((p) => p.password), 'Correct-Horse-Battery-42', 'Nanosecond-Wire-11.8', 'Changed-Too-Soon-2', SERVICE_PASSWORD]) {
        expect(log).not.toContain(secret);
      }
    });
  });
}

conformance('OpenLDAP (slapd with ppolicy)', ldapSubject, { remote: true, history: true, minimumAge: true, lockout: true });
conformance('Microsoft Graph (stand-in)', graphSubject, { remote: true, history: false, minimumAge: false, lockout: false });
conformance('memory', memorySubject, { remote: false, history: true, minimumAge: false, lockout: true });
