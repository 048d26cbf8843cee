// "I forgot my password" in Teams through the real bot and dialogs: reset or unlock only, a check through the
// verification core (a texted code here), then a one-time link whose grant proves the method and Teams and is
// taken once; wrong codes count like a sign-in's, and a person without a way or a directory entry is told so.
import { AnswerResetCheck } from '../../src/app/answerResetCheck';
import { IssueResetLink } from '../../src/app/issueResetLink';
import { resetCheckOptions } from '../../src/app/resetCheckRules';
import { resetLinkPolicyFrom } from '../../src/app/resetLinkPolicy';
import { StartResetCheck } from '../../src/app/startResetCheck';
import { MemoryDirectory } from '../../src/directory/memoryDirectory';
import { seededRandom } from '../../src/security/random';
import { resetLinkTokenHash } from '../../src/security/resetLinkTokens';
import { MemoryResetLinks } from '../../src/stores/memoryResetLinks';
import { abusePolicyFrom } from '../../src/verification/abusePolicy';
import type { SecurityMethod } from '../../src/domain/user';
import { T0, TEST_KEY, testOrg } from '../support/coreHarness';
import { sealSecret } from '../../src/security/secretBox';
import { generateTotp, generateTotpSecret } from '../../src/security/totp';
import { allText, createTeamsHarness, submit, type Chat, type TeamsHarness } from './teamsHarness';

const BASE = 'https://signet.example.test';
const MOBILE: SecurityMethod = { id: 'm-mobile', kind: 'mobilePhone', number: '+12065550123', createdAt: T0 };

interface World {
  readonly h: TeamsHarness;
  readonly chat: Chat;
  readonly links: MemoryResetLinks;
  readonly directory: MemoryDirectory;
}

async function world(options: { linked?: boolean; methods?: SecurityMethod[] } = {}): Promise<World> {
  const links = new MemoryResetLinks();
  const directory = new MemoryDirectory({ minLength: 8, history: 3, maxFailures: 5 }, seededRandom('dir'));
  const policy = resetLinkPolicyFrom(testOrg());
  const h = await createTeamsHarness({
    passwordReset: ({ core, verification, verificationStores }) => {
      const issue = new IssueResetLink({ links, rateLimits: core.stores.rateLimits, audit: core.stores.audit, directory, policy, publicBaseUrl: BASE, clock: core.clock, random: seededRandom('links') });
      return {
        options: (user) => resetCheckOptions(user, policy),
        start: new StartResetCheck({ stores: core.stores, unlocks: verificationStores.unlocks, verification, policy, abuse: abusePolicyFrom(testOrg().verification), clock: core.clock }),
        answer: new AnswerResetCheck({ stores: core.stores, verification, links: issue, clock: core.clock }),
      };
    },
  });
  const chat = h.chat();
  await chat.say('hi'); // the first turn creates the record (UPN = the id without a Teams roster)
  const user = (await h.core.stores.users.get('user-1'))!;
  const methods = options.methods ?? [MOBILE];
  await h.core.stores.users.replace({ ...user, methods, defaultMethodId: methods[0]?.id ?? null });
  if (options.linked ?? true) directory.add({ upn: 'user-1', displayName: 'Jane Doe', password: 'Old-password-1' });
  return { h, chat, links, directory };
}

const t = (w: World, key: string, params?: Record<string, string | number>) => w.h.i18n.t('en-US', key, params);

function tokenIn(text: string): string {
  const match = new RegExp(`${BASE.replace(/[.]/g, '\\.')}/reset/link/([A-Za-z0-9_-]{43})`).exec(text);
  if (!match) throw new Error(`no link in: ${text}`);
  return match[1]!;
}

describe('password reset in Teams', () => {
  it('when the person says they forgot their password and types the texted code, then a link proving sms and teams is sent and works once', async () => {
    const w = await world();
    const intro = await w.chat.say('I forgot my password');
    expect(allText(intro)).toContain(t(w, 'teams.reset.intro'));
    const methods = await w.chat.say(submit(intro, t(w, 'teams.reset.purpose.reset')));
    expect(allText(methods)).toContain(t(w, 'teams.reset.method.sms', { hint: '23' }));
    const prompt = await w.chat.say(submit(methods, t(w, 'teams.reset.method.sms', { hint: '23' })));
    expect(allText(prompt)).toContain(t(w, 'teams.reset.enterTextedCode', { hint: '23' }));
    expect(w.h.core.outbox.last('sms')).toMatchObject({ to: MOBILE.number });

    const done = allText(await w.chat.say(w.h.core.lastCode()));
    const token = tokenIn(done);
    expect(done).toContain(t(w, 'teams.reset.link', { url: `${BASE}/reset/link/${token}`, minutes: 15 }));
    expect(await w.links.take(resetLinkTokenHash(token), T0)).toEqual({ userId: 'user-1', purpose: 'reset', proofs: ['sms', 'teams'], issuedVia: 'teams', issuedAt: T0, expiresAt: T0 + 15 * 60_000 });
    expect(await w.links.take(resetLinkTokenHash(token), T0)).toBeNull();
    const audit = await w.h.core.stores.audit.listForUser('user-1', 50);
    expect(audit.find((e) => e.action === 'reset:linkIssued')).toMatchObject({ channel: 'teams', details: { purpose: 'reset', proofs: 'sms,teams' } });
  });

  it('when the person is locked out and picks "unlock only", then a wrong code counts down and the right one gives an unlock-only link', async () => {
    const w = await world();
    const intro = await w.chat.say("I'm locked out");
    const methods = await w.chat.say(submit(intro, t(w, 'teams.reset.purpose.unlock')));
    await w.chat.say(submit(methods, t(w, 'teams.reset.method.sms', { hint: '23' })));
    const code = w.h.core.lastCode();
    const wrong = allText(await w.chat.say(code === '000000' ? '111111' : '000000'));
    expect(wrong).not.toContain('/reset/link/');
    expect(wrong).toContain(t(w, 'verification.code.wrong', { attemptsLeft: 4 }));
    const token = tokenIn(allText(await w.chat.say(code)));
    expect(await w.links.take(resetLinkTokenHash(token), T0)).toMatchObject({ purpose: 'unlock', proofs: ['sms', 'teams'] });
  });

  it('when the person cancels at the method card, then nothing is sent', async () => {
    const w = await world();
    const intro = await w.chat.say('reset my password');
    const methods = await w.chat.say(submit(intro, t(w, 'teams.reset.purpose.reset')));
    const cancelled = await w.chat.say(submit(methods, t(w, 'teams.reset.cancel')));
    expect(allText(cancelled)).toContain(t(w, 'teams.reset.cancelled'));
    expect(w.h.core.outbox.last('sms')).toBeUndefined();
  });

  it('when the person has no method that counts for reset, then they are sent to the help desk', async () => {
    const w = await world({ methods: [] });
    expect(allText(await w.chat.say('I forgot my password'))).toContain(t(w, 'teams.reset.noMethods'));
  });

  it('when the person has no directory entry, then the check passes but no link is issued', async () => {
    const w = await world({ linked: false });
    const intro = await w.chat.say('I forgot my password');
    const methods = await w.chat.say(submit(intro, t(w, 'teams.reset.purpose.reset')));
    await w.chat.say(submit(methods, t(w, 'teams.reset.method.sms', { hint: '23' })));
    const said = allText(await w.chat.say(w.h.core.lastCode()));
    expect(said).toContain(t(w, 'teams.reset.notLinked'));
    expect(said).not.toContain('/reset/link/');
  });
});

describe('password reset in Teams by a call', () => {
  it('when the person picks a call and presses # on it, then "I answered the call" gives the link proving voice and teams', async () => {
    const w = await world();
    const intro = await w.chat.say('I forgot my password');
    const methods = await w.chat.say(submit(intro, t(w, 'teams.reset.purpose.reset')));
    const prompt = await w.chat.say(submit(methods, t(w, 'teams.reset.method.voice', { hint: '23' })));
    expect(allText(prompt)).toContain(t(w, 'teams.reset.answerCall', { hint: '23' }));
    expect(w.h.core.outbox.last('call')).toMatchObject({ to: MOBILE.number });

    // Not answered yet: the journey waits and asks again.
    const early = await w.chat.say(submit(prompt, t(w, 'teams.reset.callAnswered')));
    expect(allText(early)).toContain(t(w, 'teams.reset.stillWaiting'));
    // The key press arrives as the voice webhook would deliver it to the core.
    const [pending] = await w.h.core.stores.challenges.findPendingByUser('user-1', T0);
    await w.h.verification.apply(pending!.id, { type: 'callKeyPressed', key: '#' }, 'voice');

    const token = tokenIn(allText(await w.chat.say(submit(early, t(w, 'teams.reset.callAnswered')))));
    expect(await w.links.take(resetLinkTokenHash(token), T0)).toMatchObject({ purpose: 'reset', proofs: ['voice', 'teams'] });
  });
});

describe('password reset in Teams with the authenticator app', () => {
  it('when the person types the app\'s code, then the link proves app and teams, and the same code cannot be replayed for another link', async () => {
    const secret = generateTotpSecret(seededRandom('totp'));
    const app: SecurityMethod = { id: 'm-app', kind: 'authenticatorApp', secret: sealSecret(TEST_KEY, seededRandom('seal'), secret, 'totp:m-app'), lastUsedTimeStep: null, createdAt: T0 };
    const w = await world({ methods: [app] });
    const intro = await w.chat.say('I forgot my password');
    const methods = await w.chat.say(submit(intro, t(w, 'teams.reset.purpose.reset')));
    const prompt = await w.chat.say(submit(methods, t(w, 'teams.reset.method.app')));
    expect(allText(prompt)).toContain(t(w, 'teams.reset.enterAppCode', { org: testOrg().organisation.name }));
    const code = generateTotp(secret, T0);
    const token = tokenIn(allText(await w.chat.say(code)));
    expect(await w.links.take(resetLinkTokenHash(token), T0)).toMatchObject({ proofs: ['app', 'teams'] });

    // A second journey with the same code: the core refuses the replayed time step, so no second link.
    const again = await w.chat.say('I forgot my password');
    const methods2 = await w.chat.say(submit(again, t(w, 'teams.reset.purpose.reset')));
    await w.chat.say(submit(methods2, t(w, 'teams.reset.method.app')));
    expect(allText(await w.chat.say(code))).not.toContain('/reset/link/');
  });
});
