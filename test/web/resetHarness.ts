// The Entra harness's Signet server (memory stores, Twilio / Bot Connector stand-ins when asked, outboxes) with the
// /reset routes mounted over a directory: the memory one with Jane Doe by default, or any other (a real slapd).
import { MemoryDirectory } from '../../src/directory/memoryDirectory';
import type { Directory } from '../../src/ports/directory';
import type { SecurityMethod, User } from '../../src/domain/user';
import { MemoryResetLinks } from '../../src/stores/memoryResetLinks';
import { MemoryResetSessions } from '../../src/stores/memoryResetSessions';
import { createPasswordReset, type PasswordReset } from '../../src/channels/web/resetWiring';
import { createI18n } from '../../src/i18n';
import { createLogger } from '../../src/logging/logger';
import { createSecretOps } from '../../src/enrollment/enrollmentPolicy';
import { normaliseAnswer } from '../../src/domain/rules/securityAnswers';
import { cryptoRandom } from '../../src/security/random';
import type { OrgConfig } from '../../src/config/orgConfigSchema';
import { BrowserClient, KEY, OID, startEntraHarness, type EntraHarness, type EntraHarnessOptions } from './entraHarness';

export const JANE_UPN = 'jane.doe@signet-demo.example';
export const JANE_PASSWORD = 'Old-Password-Jane-2020';
export const ANSWERS: Readonly<Record<string, string>> = { firstPetName: 'Biscuit', birthCity: 'Toledo', firstSchool: 'Hillside Primary' };

export interface ResetHarness {
  readonly h: EntraHarness;
  readonly directory: Directory;
  /** The memory directory, when no other was given. */
  readonly memory: MemoryDirectory | null;
  readonly links: MemoryResetLinks;
  readonly sessions: MemoryResetSessions;
  readonly reset: PasswordReset;
  readonly user: User;
  browser(): BrowserClient;
  close(): Promise<void>;
}

export interface ResetHarnessOptions extends EntraHarnessOptions {
  readonly passwordReset?: Partial<OrgConfig['passwordReset']>;
  /** Another directory (e.g. LDAP on a real slapd); the Signet user's UPN is then `upn`. */
  readonly directory?: Directory;
  readonly upn?: string;
}

export async function startResetHarness(options: ResetHarnessOptions = {}): Promise<ResetHarness> {
  const h = await startEntraHarness(options);
  const upn = options.upn ?? JANE_UPN;
  const memory = options.directory ? null : new MemoryDirectory({ minLength: 8, history: 3, maxFailures: 3 });
  memory?.add({ upn: JANE_UPN, mail: 'jane@signet-demo.example', uid: 'jane', displayName: 'Jane Doe', password: JANE_PASSWORD });
  const directory = options.directory ?? memory!;
  // Jane also registered a personal email and three security questions (hashed as enrollment does).
  const secrets = createSecretOps(KEY, cryptoRandom);
  const extra: SecurityMethod[] = [
    { kind: 'email', id: 'e1', address: 'jane.personal@mail.example', createdAt: 0 },
    { kind: 'securityQuestions', id: 'q1', createdAt: 0, answers: Object.entries(ANSWERS).map(([questionId, answer]) => ({ questionId, answerHash: secrets.slowHash(normaliseAnswer(answer)) })) },
  ];
  const current = (await h.stores.users.get(OID))!;
  const user = (await h.stores.users.replace({ ...current, upn, methods: [...current.methods, ...extra] }))!;
  const org: OrgConfig = { ...h.config.org, passwordReset: { ...h.config.org.passwordReset, ...options.passwordReset } };
  const links = new MemoryResetLinks();
  const sessions = new MemoryResetSessions();
  const i18n = await createI18n({ supported: org.locales.offered, fallback: org.locales.default });
  const reset = createPasswordReset({
    config: { ...h.config, org },
    stores: h.stores,
    verificationStores: h.verificationStores,
    sessions,
    links,
    directory,
    core: h.core,
    i18n,
    logger: createLogger({ level: 'error', sink: () => undefined }),
  });
  // restify routes may be added to a listening server: the reset is mounted beside the Entra pages.
  reset.register(h.server);
  return { h, directory, memory, links, sessions, reset, user, browser: () => new BrowserClient(h.url), close: () => h.close() };
}

/** The CSRF token on a page. */
export function csrfOn(page: string): string {
  const match = /name="csrf" value="([^"]+)"/.exec(page);
  if (!match) throw new Error(`no csrf token on the page: ${page.slice(0, 400)}`);
  return match[1]!;
}

/** The session path the browser landed on (from the forms on the page). */
export function sessionPathOn(page: string): string {
  const match = /action="(\/reset\/s\/[A-Za-z0-9_-]+)\//.exec(page);
  if (!match) throw new Error(`no session form on the page: ${page.slice(0, 400)}`);
  return match[1]!;
}
