// Help-desk commands in Teams through the real bot: look-up (masked), issuing a passcode (shown once, verifiable
// with the API's key, replacing the old one), revoke, unlock, re-registration with confirmation, never for
// oneself, refusals (audited) for everyone else, and the commands in help for staff only; en-US and en-GB.
import { checkTemporaryAccessPass } from '../../src/helpdesk/temporaryAccessPass';
import { deriveKey } from '../../src/security/derivedKeys';
import { parseHelpDeskCommand } from '../../dialogs/helpDeskDialog';
import { PROFILE, T0, TEST_KEY } from '../support/coreHarness';
import { actions, allText, createTeamsHarness, submit, testI18n, type TeamsHarness } from './teamsHarness';

const AGENT_ID = 'agent-1';
const AGENT_UPN = 'agent.one@signet-demo.example';
const ORG = { helpDesk: { phone: '+1 555 0100', members: ['Agent.One@signet-demo.example'] } };
const PASSCODE = /\*\*([2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{2})\*\*/;

async function setup(): Promise<TeamsHarness> {
  const h = await createTeamsHarness({ org: ORG });
  const { users } = h.core.stores;
  const person = await users.create(PROFILE, T0);
  await users.replace({
    ...person,
    methods: [
      { kind: 'mobilePhone', id: 'm1', number: '+14255550123', createdAt: T0 },
      { kind: 'authenticatorApp', id: 'a1', createdAt: T0, secret: { iv: 'x', tag: 'x', data: 'x' }, lastUsedTimeStep: null },
    ],
    defaultMethodId: 'm1',
  });
  // Staff are recognised by the UPN on their record (from the Teams roster) as well as by id.
  await users.create({ id: AGENT_ID, tenantId: null, upn: AGENT_UPN, displayName: 'Agent One', locale: 'en-US' }, T0);
  return h;
}

function passcodeIn(text: string): string {
  const match = PASSCODE.exec(text);
  if (!match) throw new Error(`no passcode in: ${text}`);
  return match[1]!;
}

describe.each(['en-US', 'en-GB'] as const)('help desk in Teams (%s)', (locale) => {
  let h: TeamsHarness;
  beforeEach(async () => {
    h = await setup();
  });
  const t = (key: string, params?: Record<string, string | number>) => h.i18n.t(locale, key, params);
  const agent = () => h.chat(locale, AGENT_ID);

  it('when a member looks a person up, then methods are masked with the default marked, and recent outcomes and pass status are shown', async () => {
    const challenge = await h.verification.start(
      { userId: PROFILE.id, clientId: null, method: 'teams', target: null, extension: null, context: { ip: null, application: 'VPN', location: null }, locale: 'en-US' },
      'api',
    );
    await h.verification.apply(challenge.id, { type: 'cardAnswered', answer: { kind: 'deny' } }, 'teams');
    const text = allText(await agent().say(`look up ${PROFILE.upn}`));
    expect(text).toContain(`Jane Doe (${PROFILE.upn})`);
    expect(text).toContain(t('helpdesk.lookUp.registered'));
    expect(text).toContain(`${t('teams.methodLabels.mobilePhone')} +1 ••• ••• ••23 (default)`);
    expect(text).toContain(`- ${t('teams.methodLabels.authenticatorApp')}\n`);
    expect(text).toContain(`${t('helpdesk.challengeMethods.teams')}, ${t('helpdesk.status.denied')}`);
    expect(text).toContain(t('helpdesk.lookUp.passNone'));
    expect(text).not.toMatch(/4255550123|555[ -]?0123/);
  });

  it('when the person reset or unlocked by themselves, then the look-up lists each: what, how verified, how it started, from where', async () => {
    expect(allText(await agent().say(`look up ${PROFILE.upn}`))).toContain(t('helpdesk.lookUp.noResets'));
    const { audit } = h.core.stores;
    // The entries the reset journeys write (src/app/resetNotices.ts, resetAnswerSubmitted.ts).
    await audit.append({ userId: PROFILE.id, actor: 'self-service', action: 'reset:passwordChanged', channel: 'web', details: { sessionId: 's1', verifiedBy: 'sms,questions', via: 'web', ip: '203.0.113.9' } }, T0 + 1000);
    await audit.append({ userId: PROFILE.id, actor: 'self-service', action: 'reset:unlocked', channel: 'web', details: { sessionId: 's2', verifiedBy: 'sms', via: 'sms', ip: null } }, T0 + 2000);
    await audit.append({ userId: PROFILE.id, actor: 'self-service', action: 'reset:locked', channel: 'web', details: { sessionId: 's3', reason: 'tooManyWrongAnswers', via: 'teams', ip: '198.51.100.4' } }, T0 + 3000);
    const text = allText(await agent().say(`look up ${PROFILE.upn}`));
    /** The line after its time, which depends on the reader's zone. */
    const line = (key: string, params: Record<string, string>): string => t(key, { at: '@', ...params }).split('@')[1]!;
    expect(text).toContain(t('helpdesk.lookUp.resets'));
    expect(text).toContain(
      line('helpdesk.lookUp.reset', {
        action: t('helpdesk.resetActions.passwordChanged'),
        via: t('helpdesk.resetVia.web'),
        verifiedBy: `${t('helpdesk.resetProofs.sms')} + ${t('helpdesk.resetProofs.questions')}`,
        ip: '203.0.113.9',
      }),
    );
    expect(text).toContain(
      line('helpdesk.lookUp.reset', { action: t('helpdesk.resetActions.unlocked'), via: t('helpdesk.resetVia.sms'), verifiedBy: t('helpdesk.resetProofs.sms'), ip: t('helpdesk.lookUp.unknownAddress') }),
    );
    expect(text).toContain(line('helpdesk.lookUp.resetUnverified', { action: t('helpdesk.resetActions.locked'), via: t('helpdesk.resetVia.teams'), ip: '198.51.100.4' }));
    // Newest first, as the API lists them.
    expect(text.indexOf(t('helpdesk.resetActions.locked'))).toBeLessThan(text.indexOf(t('helpdesk.resetActions.passwordChanged')));
    expect(text).not.toContain(t('helpdesk.lookUp.noResets'));
  });

  it('when a member issues a passcode, then it is shown once, verifies with the API key, and a second one replaces it', async () => {
    const chat = agent();
    const first = allText(await chat.say(`issue passcode for ${PROFILE.upn}`));
    const code1 = passcodeIn(first);
    expect(first).toContain(t('helpdesk.use.oneTime'));
    const stored1 = (await h.verificationStores.passes.getForUser(PROFILE.id))!;
    expect(stored1).toMatchObject({ oneTime: true, expiresAt: T0 + 60 * 60_000, issuedBy: AGENT_ID });
    // The same derivation the API uses, from the same configured key.
    const apiKey = deriveKey(TEST_KEY, 'temporary access passes');
    expect(checkTemporaryAccessPass(stored1, code1, T0, apiKey)).toBe('valid');
    expect(JSON.stringify(stored1)).not.toContain(code1.replace(/-/g, ''));

    const lookUp = allText(await chat.say(`look up ${PROFILE.upn}`));
    expect(lookUp).not.toContain(code1);
    expect(lookUp).toContain(t('helpdesk.use.oneTime'));

    const second = allText(await chat.say(`issue passcode for ${PROFILE.upn} for 2 hours reusable`));
    const code2 = passcodeIn(second);
    const stored2 = (await h.verificationStores.passes.getForUser(PROFILE.id))!;
    expect(stored2).toMatchObject({ oneTime: false, expiresAt: T0 + 2 * 60 * 60_000 });
    expect(checkTemporaryAccessPass(stored2, code1, T0, apiKey)).toBe('wrong');
    expect(checkTemporaryAccessPass(stored2, code2, T0, apiKey)).toBe('valid');
    const audit = await h.core.stores.audit.listForUser(PROFILE.id, 10);
    expect(audit.filter((a) => a.action === 'helpdesk:passIssued').map((a) => a.actor)).toEqual([AGENT_ID, AGENT_ID]);
  });

  it('when the lifetime is out of range or unreadable, then no passcode is issued and the range is explained', async () => {
    const chat = agent();
    expect(allText(await chat.say(`issue passcode for ${PROFILE.upn} for 5 minutes`))).toBe(t('helpdesk.issue.lifetimeOutOfRange'));
    expect(allText(await chat.say(`issue passcode for ${PROFILE.upn} for 31 days`))).toBe(t('helpdesk.issue.lifetimeOutOfRange'));
    expect(allText(await chat.say(`issue passcode for ${PROFILE.upn} for a while`))).toBe(t('helpdesk.issue.badOptions'));
    expect(await h.verificationStores.passes.getForUser(PROFILE.id)).toBeNull();
  });

  it('when a member asks for a passcode for themselves, then it is refused', async () => {
    expect(allText(await agent().say(`issue passcode for ${AGENT_UPN}`))).toBe(t('helpdesk.issue.selfIssue'));
    expect(await h.verificationStores.passes.getForUser(AGENT_ID)).toBeNull();
  });

  it('when a member revokes the passcode, then it stops working; a second revoke says there is none', async () => {
    const chat = agent();
    const code = passcodeIn(allText(await chat.say(`issue passcode for ${PROFILE.upn}`)));
    expect(allText(await chat.say(`revoke passcode for ${PROFILE.upn}`))).toBe(t('helpdesk.revoke.revoked', { upn: PROFILE.upn }));
    expect(checkTemporaryAccessPass((await h.verificationStores.passes.getForUser(PROFILE.id))!, code, T0, h.passKey)).toBe('revoked');
    expect(allText(await chat.say(`revoke passcode for ${PROFILE.upn}`))).toBe(t('helpdesk.revoke.noPass', { upn: PROFILE.upn }));
  });

  it("when a member unlocks a person, then the unlock is recorded with who did it", async () => {
    expect(allText(await agent().say(`unlock ${PROFILE.upn}`))).toBe(t('helpdesk.unlock.unlocked', { upn: PROFILE.upn }));
    expect(await h.verificationStores.unlocks.lastUnlock(PROFILE.id)).toBe(T0);
    expect((await h.core.stores.audit.listForUser(PROFILE.id, 5)).map((a) => [a.action, a.actor])).toContainEqual(['helpdesk:unlocked', AGENT_ID]);
  });

  it('when re-registration is required, then nothing happens until it is confirmed; "no" keeps the methods, Confirm removes them', async () => {
    const chat = agent();
    const ask = await chat.say(`require re-registration for ${PROFILE.upn}`);
    expect(allText(ask)).toContain(t('helpdesk.reRegister.confirm', { name: 'Jane Doe', upn: PROFILE.upn, count: 2 }));
    expect(actions(ask).map((a) => a.title)).toEqual([t('helpdesk.reRegister.confirmButton'), t('helpdesk.reRegister.cancelButton')]);
    expect((await h.core.stores.users.get(PROFILE.id))!.methods).toHaveLength(2);
    expect(allText(await chat.say('no'))).toBe(t('helpdesk.reRegister.cancelled'));
    expect((await h.core.stores.users.get(PROFILE.id))!.methods).toHaveLength(2);

    const again = await chat.say(`require re-registration for ${PROFILE.upn}`);
    expect(allText(await chat.say('what?'))).toContain(t('helpdesk.reRegister.askAgain'));
    expect(allText(await chat.say(submit(again, t('helpdesk.reRegister.confirmButton'))))).toBe(t('helpdesk.reRegister.done', { upn: PROFILE.upn, count: 2 }));
    const person = (await h.core.stores.users.get(PROFILE.id))!;
    expect(person).toMatchObject({ methods: [], defaultMethodId: null });
    expect((await h.core.stores.audit.listForUser(PROFILE.id, 5)).map((a) => [a.action, a.actor])).toContainEqual(['helpdesk:reRegistrationRequired', AGENT_ID]);
    // The old card cannot confirm anything once the question is answered.
    expect(allText(await chat.say(submit(again, t('helpdesk.reRegister.confirmButton'))))).toContain(t('teams.staleCard'));
  });

  it('when re-registration is confirmed by typing yes, then the methods are removed', async () => {
    const chat = agent();
    await chat.say(`require re-registration for ${PROFILE.upn}`);
    expect(allText(await chat.say('yes'))).toBe(t('helpdesk.reRegister.done', { upn: PROFILE.upn, count: 2 }));
    expect((await h.core.stores.users.get(PROFILE.id))!.methods).toEqual([]);
  });

  it('when the person is unknown, then the member is told so', async () => {
    expect(allText(await agent().say('look up nobody@signet-demo.example'))).toBe(t('helpdesk.notFound', { query: 'nobody@signet-demo.example' }));
  });

  it('when someone who is not on the help desk tries a command, then it is refused politely and the attempt is audited', async () => {
    const stranger = h.chat(locale, 'user-9');
    expect(allText(await stranger.say(`look up ${PROFILE.upn}`))).toBe(t('helpdesk.notMember'));
    expect(allText(await stranger.say(`issue passcode for ${PROFILE.upn}`))).toBe(t('helpdesk.notMember'));
    const reRegister = await stranger.say(`require re-registration for ${PROFILE.upn}`);
    expect(allText(reRegister)).toBe(t('helpdesk.notMember'));
    expect(actions(reRegister)).toEqual([]);
    expect((await h.core.stores.users.get(PROFILE.id))!.methods).toHaveLength(2);
    expect(await h.verificationStores.passes.getForUser(PROFILE.id)).toBeNull();
    const audit = await h.core.stores.audit.listForUser('user-9', 10);
    expect(audit.map((a) => [a.action, a.details?.['attempted']])).toEqual([
      ['helpdesk:refusedNotMember', 'helpdesk:requireReRegistration'],
      ['helpdesk:refusedNotMember', 'helpdesk:issuePass'],
      ['helpdesk:refusedNotMember', 'helpdesk:lookUp'],
    ]);
  });

  it('when help is asked for, then staff see the help-desk commands and others do not', async () => {
    expect(allText(await agent().say('help'))).toContain(t('helpdesk.help'));
    expect(allText(await h.chat(locale, 'user-9').say('help'))).not.toContain(t('helpdesk.help'));
  });
});

describe('help desk membership by directory id', () => {
  it('when the configured member is the directory id of the person talking, then the commands work', async () => {
    const h = await createTeamsHarness({ org: { helpDesk: { phone: '+1 555 0100', members: ['agent-7'] } } });
    await h.core.stores.users.create(PROFILE, T0);
    expect(allText(await h.chat('en-US', 'agent-7').say(`unlock ${PROFILE.upn}`))).toBe(h.i18n.t('en-US', 'helpdesk.unlock.unlocked', { upn: PROFILE.upn }));
  });
});

describe('reading help-desk commands', () => {
  it.each([
    ['look up jane@contoso.com', { kind: 'lookUp', query: 'jane@contoso.com' }],
    ['Look up <jane@contoso.com>.', { kind: 'lookUp', query: 'jane@contoso.com' }],
    ['issue passcode for jane@contoso.com', { kind: 'issue', query: 'jane@contoso.com', options: {} }],
    ['issue a passcode for jane@contoso.com for 2 hours', { kind: 'issue', query: 'jane@contoso.com', options: { lifetimeMs: 2 * 3_600_000 } }],
    ['issue passcode for jane@contoso.com 30 minutes reusable', { kind: 'issue', query: 'jane@contoso.com', options: { lifetimeMs: 30 * 60_000, oneTime: false } }],
    ['issue passcode for jane@contoso.com for 3 days one-time', { kind: 'issue', query: 'jane@contoso.com', options: { lifetimeMs: 3 * 86_400_000, oneTime: true } }],
    ['issue passcode for jane@contoso.com tomorrow', { kind: 'issue', query: 'jane@contoso.com', options: 'unreadable' }],
    ['revoke passcode for jane@contoso.com', { kind: 'revoke', query: 'jane@contoso.com' }],
    ['unlock 6f1c2d3e-0000-4000-8000-000000000001', { kind: 'unlock', query: '6f1c2d3e-0000-4000-8000-000000000001' }],
    ['require re-registration for jane@contoso.com', { kind: 'reRegister', query: 'jane@contoso.com' }],
    ['unlock my account', null],
    ['look up jane@contoso.com please', null],
    ['set up MFA', null],
  ])('when "%s" is typed, then it reads as %j', async (typed, expected) => {
    expect(parseHelpDeskCommand(await testI18n(), 'en-US', typed)).toEqual(expected);
  });
});
