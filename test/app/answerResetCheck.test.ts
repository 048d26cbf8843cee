// Spending an approved reset check: it gives one link, once, only to its own person, only while fresh, and a
// sign-in challenge approved elsewhere (another client) can never be turned into a reset link.
import { AnswerResetCheck } from '../../src/app/answerResetCheck';
import { IssueResetLink } from '../../src/app/issueResetLink';
import { resetLinkPolicyFrom } from '../../src/app/resetLinkPolicy';
import { StartResetCheck } from '../../src/app/startResetCheck';
import { MemoryDirectory } from '../../src/directory/memoryDirectory';
import { seededRandom } from '../../src/security/random';
import { MemoryResetLinks } from '../../src/stores/memoryResetLinks';
import { abusePolicyFrom } from '../../src/verification/abusePolicy';
import { PROFILE, T0, testOrg } from '../support/coreHarness';
import { createTeamsHarness, type TeamsHarness } from '../teams/teamsHarness';

const MOBILE = '+12065550123';

async function setUp() {
  const h: TeamsHarness = await createTeamsHarness();
  const { stores, clock } = h.core;
  await h.core.enrollment.ensureUser(PROFILE);
  const user = (await stores.users.get(PROFILE.id))!;
  await stores.users.replace({ ...user, methods: [{ id: 'm1', kind: 'mobilePhone', number: MOBILE, createdAt: T0 }], defaultMethodId: 'm1' });
  const directory = new MemoryDirectory({ minLength: 8, history: 3, maxFailures: 5 }, seededRandom('d'));
  directory.add({ upn: PROFILE.upn, displayName: PROFILE.displayName, password: 'Old-password-1' });
  const policy = resetLinkPolicyFrom(testOrg());
  const links = new MemoryResetLinks();
  const issue = new IssueResetLink({ links, rateLimits: stores.rateLimits, audit: stores.audit, directory, policy, publicBaseUrl: 'https://s.example', clock, random: seededRandom('l') });
  const start = new StartResetCheck({ stores, unlocks: h.verificationStores.unlocks, verification: h.verification, policy, abuse: abusePolicyFrom(testOrg().verification), clock });
  const answer = new AnswerResetCheck({ stores, verification: h.verification, links: issue, clock });
  return { h, start, answer };
}

describe('AnswerResetCheck', () => {
  it('when an approved check is answered twice, then the first gives a link and the second nothing', async () => {
    const { h, start, answer } = await setUp();
    const started = await start.start(PROFILE.id, 'sms');
    if (started.kind !== 'started') throw new Error(started.kind);
    const first = await answer.answer(PROFILE.id, started.challengeId, 'reset', h.core.lastCode());
    expect(first).toMatchObject({ kind: 'link', link: { kind: 'issued', proofs: ['sms', 'teams'] } });
    expect(await answer.answer(PROFILE.id, started.challengeId, 'reset', null)).toEqual({ kind: 'missing' });
  });

  it('when someone else answers the check, then it is missing for them and still good for its person', async () => {
    const { h, start, answer } = await setUp();
    const started = await start.start(PROFILE.id, 'sms');
    if (started.kind !== 'started') throw new Error(started.kind);
    expect(await answer.answer('intruder', started.challengeId, 'reset', h.core.lastCode())).toEqual({ kind: 'missing' });
    expect((await answer.answer(PROFILE.id, started.challengeId, 'reset', h.core.lastCode())).kind).toBe('link');
  });

  it('when a sign-in challenge of another client was approved, then it gives no reset link', async () => {
    const { h, answer } = await setUp();
    const challenge = await h.verification.start(
      { userId: PROFILE.id, clientId: 'vpn', method: 'sms', target: MOBILE, extension: null, context: { ip: null, application: 'VPN', location: null }, locale: 'en-US' },
      'api',
    );
    await h.verification.apply(challenge.id, { type: 'submitCode', code: h.core.lastCode() }, 'sms');
    expect((await h.verification.get(challenge.id))?.status).toBe('approved');
    expect(await answer.answer(PROFILE.id, challenge.id, 'reset', null)).toEqual({ kind: 'missing' });
  });

  it('when the approval is older than 15 minutes, then it no longer gives a link', async () => {
    const { h, start, answer } = await setUp();
    const started = await start.start(PROFILE.id, 'sms');
    if (started.kind !== 'started') throw new Error(started.kind);
    await h.verification.apply(started.challengeId, { type: 'submitCode', code: h.core.lastCode() }, 'teams');
    h.core.clock.advance(15 * 60_000 + 1);
    expect(await answer.answer(PROFILE.id, started.challengeId, 'reset', null)).toEqual({ kind: 'missing' });
  });
});
