// The use case that issues reset links, on memory stores and a memory directory: what each verification proves,
// which ones the policy refuses, the limits per person (across channels) and per phone, and the directory's answers.
import { IssueResetLink, type ResetLinkRequest } from '../../src/app/issueResetLink';
import { resetLinkPolicyFrom } from '../../src/app/resetLinkPolicy';
import { MemoryDirectory } from '../../src/directory/memoryDirectory';
import { directoryRefused, type Directory } from '../../src/ports/directory';
import { FixedClock } from '../../src/ports/clock';
import { seededRandom } from '../../src/security/random';
import { resetLinkTokenHash } from '../../src/security/resetLinkTokens';
import { createMemoryStores } from '../../src/stores/memoryStores';
import { MemoryResetLinks } from '../../src/stores/memoryResetLinks';
import type { User } from '../../src/domain/user';
import { newUser, T0, testOrg } from '../support/coreHarness';
import type { OrgConfigInput } from '../../src/config/orgConfigSchema';
import { DEFAULT_METHOD_USAGE } from '../../src/domain/methodKinds';

const MOBILE = '+12065550123';
const person: User = newUser({
  methods: [
    { id: 'm-mobile', kind: 'mobilePhone', number: MOBILE, createdAt: T0 },
    { id: 'm-office', kind: 'officePhone', number: '+12065550111', extension: null, createdAt: T0 },
    { id: 'm-app', kind: 'authenticatorApp', secret: { iv: 'aQ==', tag: 'dA==', data: 'ZA==' }, lastUsedTimeStep: null, createdAt: T0 },
  ],
});

function setUp(options: { org?: Partial<OrgConfigInput>; directory?: Pick<Directory, 'find'>; linked?: boolean } = {}) {
  const stores = createMemoryStores();
  const links = new MemoryResetLinks();
  const clock = new FixedClock(T0);
  const memoryDirectory = new MemoryDirectory({ minLength: 8, history: 3, maxFailures: 5 }, seededRandom('dir'));
  if (options.linked ?? true) memoryDirectory.add({ upn: person.upn.toUpperCase(), displayName: person.displayName, password: 'Old-password-1' });
  const issuer = new IssueResetLink({
    links,
    rateLimits: stores.rateLimits,
    audit: stores.audit,
    directory: options.directory ?? memoryDirectory,
    policy: resetLinkPolicyFrom(testOrg(options.org)),
    publicBaseUrl: 'https://signet.example.test/',
    clock,
    random: seededRandom('issue'),
  });
  return { stores, links, clock, issuer };
}

const teams = (methodId: string, how: 'text' | 'call' | 'code', purpose: 'reset' | 'unlock' = 'reset'): ResetLinkRequest => ({ via: 'teams', user: person, purpose, verified: { methodId, how } });
const sms = (phone = MOBILE): ResetLinkRequest => ({ via: 'sms', user: person, purpose: 'reset', phone });

describe('IssueResetLink', () => {
  it('when a Teams user verified with the authenticator app asks to unlock, then the link proves app and teams and is taken once', async () => {
    const { issuer, links } = setUp();
    const outcome = await issuer.issue(teams('m-app', 'code', 'unlock'));
    if (outcome.kind !== 'issued') throw new Error(outcome.kind);
    expect(outcome.url).toMatch(/^https:\/\/signet\.example\.test\/reset\/link\/[A-Za-z0-9_-]{43}$/);
    const token = new URL(outcome.url).pathname.split('/').pop()!;
    expect(await links.take(resetLinkTokenHash(token), T0)).toEqual({ userId: person.id, purpose: 'unlock', proofs: ['app', 'teams'], issuedVia: 'teams', issuedAt: T0, expiresAt: T0 + 15 * 60_000 });
    expect(await links.take(resetLinkTokenHash(token), T0)).toBeNull();
  });

  it.each([
    ['m-mobile', 'text', ['sms', 'teams']],
    ['m-mobile', 'call', ['voice', 'teams']],
    ['m-office', 'call', ['voice', 'teams']],
  ] as const)('when verified in Teams with %s by %s, then the link proves %j', async (methodId, how, proofs) => {
    const { issuer } = setUp();
    expect(await issuer.issue(teams(methodId, how))).toMatchObject({ kind: 'issued', proofs });
  });

  it.each([
    ['an app answered by text', 'm-app', 'text'],
    ['a phone answered by an app code', 'm-mobile', 'code'],
    ['an office phone answered by text', 'm-office', 'text'],
    ['a method the person does not have', 'm-gone', 'code'],
  ] as const)('when the verification claims %s, then no link is issued', async (_what, methodId, how) => {
    const { issuer, stores } = setUp();
    expect(await issuer.issue(teams(methodId, how))).toEqual({ kind: 'notAllowed' });
    expect((await stores.audit.listForUser(person.id, 5)).map((e) => [e.action, e.details?.['reason']])).toEqual([['reset:linkRefused', 'notAllowed']]);
  });

  it('when RESET comes from a number that is not one of the person\'s textable phones, then no link is issued', async () => {
    const { issuer } = setUp();
    expect(await issuer.issue(sms('+12065550111'))).toEqual({ kind: 'notAllowed' });
  });

  it('when the usage table takes the app out of password reset, then an app-verified Teams request is refused', async () => {
    const { issuer } = setUp({ org: { methods: { usage: { ...DEFAULT_METHOD_USAGE, authenticatorApp: { mfa: true, passwordReset: false } } } as OrgConfigInput['methods'] } });
    expect(await issuer.issue(teams('m-app', 'code'))).toEqual({ kind: 'notAllowed' });
  });

  it('when a person has used their links in one channel, then the other channel is refused too (the limit is per person)', async () => {
    const { issuer, clock } = setUp();
    for (let i = 0; i < 3; i += 1) expect((await issuer.issue(i % 2 === 0 ? sms() : teams('m-app', 'code'))).kind).toBe('issued');
    expect(await issuer.issue(teams('m-app', 'code'))).toEqual({ kind: 'limited', retryAfterMs: 60 * 60_000 });
    clock.advance(60 * 60_000);
    expect((await issuer.issue(sms())).kind).toBe('issued');
  });

  it('when the directory has no entry, the entry is disabled, or the directory is down, then each is told apart and no link is stored', async () => {
    expect(await setUp({ linked: false }).issuer.issue(sms())).toEqual({ kind: 'notLinked' });
    const disabled = new MemoryDirectory({ minLength: 8, history: 3, maxFailures: 5 }, seededRandom('d'));
    disabled.add({ upn: person.upn, displayName: 'x', password: 'Old-password-1', enabled: false });
    expect(await setUp({ directory: disabled }).issuer.issue(sms())).toEqual({ kind: 'notLinked' });
    const down = setUp({ directory: { find: async () => directoryRefused('unavailable') } });
    expect(await down.issuer.issue(sms())).toEqual({ kind: 'unavailable' });
  });
});
