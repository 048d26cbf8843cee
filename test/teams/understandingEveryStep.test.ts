// Issue 10, "understood at every step": typed messages go through the NLU with the step as context. A question
// mid-step is answered and the same step shown again; commands work mid-step; nothing understood says "I didn't
// catch that" and what can be said there (never the welcome, never silence); the issue's fresh-chat sentences get
// their answer or action; the usage table is a table; "español" / "English" switch the language. Before this,
// every one of these got the welcome again or "Please pick one of these methods".
import type { MethodKind } from '../../src/domain/methodKinds';
import { testOrg } from '../support/coreHarness';
import { actions, allText, createTeamsHarness, optionTitles, type Chat, type Said, type TeamsHarness } from './teamsHarness';

// Buttons (also stacked or behind "More options") and the options of choice lists.
const titles = (said: readonly Said[]): string[] => [...actions(said).map((a) => a.title), ...optionTitles(said)];

describe.each(['en-US', 'en-GB'])('the dialogs understand typed messages at every step, %s', (locale) => {
  let h: TeamsHarness;
  let chat: Chat;
  const t = (key: string, params?: Record<string, string | number>): string => h.i18n.t(locale, key, params);
  const step = async (): Promise<string | undefined> => (await h.core.stores.users.get('user-1'))?.enrollment?.step.name;
  const methodLabel = (kind: MethodKind): string => t(`teams.methodLabels.${kind}`);

  async function atCodeStep(): Promise<void> {
    await chat.say('set up MFA');
    await chat.say('mobile phone');
    await chat.say('+1 425 555 0123, text me');
    expect(await step()).toBe('codeSent');
  }

  beforeEach(async () => {
    h = await createTeamsHarness({ org: { phone: { defaultCountry: 'US', allowedCountries: [], blockedNumbers: [] } } });
    chat = h.chat(locale);
  });

  describe('a question mid-step', () => {
    it('when the pound key is asked about at the method choice, then it is answered and the same choice is shown again', async () => {
      await chat.say('set up MFA');
      const said = await chat.say('what is the hash key?');
      expect(allText(said)).toContain(t('faq.whatIsHashKey.answer'));
      expect(titles(said)).toContain(methodLabel('authenticatorApp'));
      expect(await step()).toBe('choosingMethod');
      expect(allText(said)).not.toContain(t('teams.register.pickOne'));
    });

    it('when "I didn\'t get the code" is typed at the code step, then the answer comes with the code card again and nothing is sent or counted', async () => {
      await atCodeStep();
      const sent = h.core.outbox.items.length;
      const said = await chat.say("I didn't get the code");
      expect(allText(said)).toContain(t('faq.didntGetCode.answer'));
      expect(titles(said)).toContain(t('teams.buttons.verify'));
      expect(h.core.outbox.items).toHaveLength(sent);
      expect(await step()).toBe('codeSent');
      // The code still works afterwards: the question cost no attempt and lost no progress.
      const done = await chat.say(h.core.lastCode());
      expect(allText(done)).toContain(t('enrollment.verified.phone', { phone: '+1 425 555 0123' }));
    });
  });

  describe('a command mid-step', () => {
    it('when "call me instead" is typed at the code step, then a call is placed to the same number', async () => {
      await atCodeStep();
      h.core.clock.advance(60_000);
      await chat.say('call me instead');
      expect(h.core.outbox.last()).toMatchObject({ type: 'call', to: '+14255550123' });
    });

    it('when "send it again" is typed at the code step, then a new code is texted', async () => {
      await atCodeStep();
      h.core.clock.advance(60_000);
      const before = h.core.outbox.items.length;
      await chat.say('send it again');
      expect(h.core.outbox.items).toHaveLength(before + 1);
      expect(h.core.outbox.last()).toMatchObject({ type: 'sms', to: '+14255550123' });
    });

    it('when "I want to set up a different method" is typed at the phone step, then the method choice comes back', async () => {
      await chat.say('set up MFA');
      await chat.say('mobile phone');
      const said = await chat.say('I want to set up a different method');
      expect(await step()).toBe('choosingMethod');
      expect(titles(said)).toContain(methodLabel('authenticatorApp'));
    });

    it('when "cancel" is typed at the phone step, then the enrollment stops', async () => {
      await chat.say('set up MFA');
      await chat.say('mobile phone');
      const said = await chat.say('cancel');
      // Registration's cancel says what really continues it ("set up MFA").
      expect(allText(said)).toContain(t('enrollment.cancelledSetUp'));
      expect(await step()).toBe('cancelled');
    });

    it('when help is asked at the code step, then that step is explained', async () => {
      await atCodeStep();
      const said = await chat.say('help');
      expect(allText(said)).toContain(t('help.steps.codeSent'));
    });
  });

  describe('small talk mid-step', () => {
    it.each(['thanks', 'Thank you!', 'ok thanks', 'one sec', 'great, thanks a lot for your help', 'ok thanks, got it'])('when "%s" is typed at the code step, then a word back and nothing else: no cancel, no new code, the step unchanged', async (typed) => {
      await atCodeStep();
      h.core.clock.advance(60_000);
      const before = h.core.outbox.items.length;
      const said = await chat.say(typed);
      expect(allText(said)).toBe(t('teams.smallTalk'));
      expect(await step()).toBe('codeSent');
      expect(h.core.outbox.items).toHaveLength(before);
    });

    it('when "thanks" is typed in a fresh chat, then a word back, not the menu', async () => {
      const said = await chat.say('thanks');
      expect(allText(said)).toBe(t('teams.smallTalk'));
    });
  });

  describe('nothing understood', () => {
    it('when nonsense is typed at the code step, then "I didn\'t catch that" and what can be said there, and the step again', async () => {
      await atCodeStep();
      const said = await chat.say('purple elephants dance quietly');
      expect(allText(said)).toContain(t('teams.notUnderstood'));
      expect(allText(said)).toContain(t('help.steps.codeSent'));
      expect(titles(said)).toContain(t('teams.buttons.verify'));
      expect(await step()).toBe('codeSent');
    });

    it('when nonsense is typed at the method choice, then the choice is explained, not "pick one"', async () => {
      await chat.say('set up MFA');
      const said = await chat.say('purple elephants dance quietly');
      expect(allText(said)).toContain(t('teams.notUnderstood'));
      expect(allText(said)).toContain(t('help.steps.choosingMethod'));
    });

    it('when nonsense is typed in a fresh chat, then what can be said is shown, never the welcome', async () => {
      const said = await chat.say('purple elephants dance quietly');
      expect(allText(said)).toContain(t('teams.notUnderstood'));
      expect(allText(said)).toContain(t('help.steps.idle'));
      expect(allText(said)).not.toContain(t('common.welcome', { orgName: testOrg().organisation.name }));
    });
  });

  describe("the issue's fresh-chat sentences", () => {
    const mobile = locale === 'en-GB' ? 'mobile' : 'cell';
    it.each([
      ["I didn't get the code", 'didntGetCode'],
      ['the text never came', 'didntGetCode'],
      ['what is the hash key?', 'whatIsHashKey'],
      ['someone stole my iphone', 'lostPhone'],
      [`I don't own a ${mobile} phone`, 'noMobilePhone'],
      ['can I use my school email?', 'whyNotSchoolEmail'],
      ['which methods reset my password?', 'methodUsage'],
      ['I forgot my password', 'forgotPassword'],
    ])('when "%s" is typed, then the %s answer is given', async (typed, faq) => {
      const said = await chat.say(typed);
      expect(allText(said)).toContain(t(`faq.${faq}.answer`));
    });

    it('when "add my cell number" is typed, then the mobile phone is chosen and its number asked for', async () => {
      const said = await chat.say(`add my ${mobile} number`);
      const user = await h.core.stores.users.get('user-1');
      expect(user?.enrollment?.step).toMatchObject({ name: 'enteringPhone', kind: 'mobilePhone' });
      expect(allText(said)).toContain(t('enrollment.phone.askNumber', { country: 'US' }));
    });

    it('when the lost-phone question is answered, then the help desk contact comes with it', async () => {
      const said = await chat.say('someone stole my iphone');
      expect(allText(said)).toContain(t('common.helpDesk.intro'));
    });
  });

  it('when asked which methods sign in and which reset a password, then the answer is a table of the offered methods', async () => {
    const said = await chat.say('which methods reset my password?');
    const table = said.flatMap((s) => s.card?.body ?? []).find((e) => e['type'] === 'Table') as { rows: Array<{ cells: Array<{ items: Array<{ text: string }> }> }> } | undefined;
    expect(table).toBeDefined();
    const rows = table!.rows.map((r) => r.cells.map((c) => c.items[0]!.text));
    expect(rows[0]).toEqual([t('faq.methodUsage.table.method'), t('faq.methodUsage.table.signIn'), t('faq.methodUsage.table.passwordReset')]);
    const yes = t('faq.methodUsage.table.yes');
    const no = t('faq.methodUsage.table.no');
    expect(rows).toContainEqual([methodLabel('email'), no, yes]);
    expect(rows).toContainEqual([methodLabel('authenticatorApp'), yes, yes]);
    expect(rows).toHaveLength(1 + testOrg().methods.offered.length);
  });

  it('when Spanish is asked for where the organisation offers only English, then the offered languages are named', async () => {
    const said = await chat.say('español');
    expect(allText(said)).toContain(t('teams.language.notOffered', { language: t('teams.language.names.es'), offered: t('teams.language.names.en') }));
  });
});

describe('switching language by saying it', () => {
  let h: TeamsHarness;
  let chat: Chat;

  beforeEach(async () => {
    h = await createTeamsHarness({ org: { locales: { offered: ['en-US', 'es-US'], default: 'en-US' } } });
    chat = h.chat('en-US');
  });

  it('when "español" is said, then Signet speaks Spanish from then on, and "English" switches back', async () => {
    const switched = await chat.say('español');
    expect(allText(switched)).toContain(h.i18n.t('es-US', 'teams.language.switched'));
    const help = await chat.say('ayuda');
    expect(allText(help)).toContain(h.i18n.t('es-US', 'help.steps.idle'));
    const back = await chat.say('English please');
    expect(allText(back)).toContain(h.i18n.t('en-US', 'teams.language.switched'));
    const helpAgain = await chat.say('help');
    expect(allText(helpAgain)).toContain(h.i18n.t('en-US', 'help.steps.idle'));
  });

  it('when "español" is said in Teams, then the choice is the person\'s: the next texted code and call are Spanish, and after "English" English', async () => {
    await chat.say('español');
    expect(await h.core.stores.users.get('user-1')).toMatchObject({ locale: 'es-US', localeChosen: true });
    await chat.say('quiero configurar la verificación');
    await chat.say('mi celular');
    await chat.say('(425) 555-0123');
    await chat.say('mándame un mensaje');
    expect(h.core.outbox.last('sms')).toMatchObject({ type: 'sms', locale: 'es-US' });
    // A new send waits out the resend pause.
    h.core.clock.advance(31_000);
    await chat.say('llámame mejor');
    expect(h.core.outbox.last('call')).toMatchObject({ type: 'call', locale: 'es-US' });

    await chat.say('English please');
    expect(await h.core.stores.users.get('user-1')).toMatchObject({ locale: 'en-US' });
    h.core.clock.advance(31_000);
    await chat.say('text me instead');
    expect(h.core.outbox.last('sms')).toMatchObject({ type: 'sms', locale: 'en-US' });
    h.core.clock.advance(31_000);
    await chat.say('call me instead');
    expect(h.core.outbox.last('call')).toMatchObject({ type: 'call', locale: 'en-US' });
  });

  it("when the person switches Teams itself to Spanish (no choice said), then their record and the next texted code follow it; a spoken choice then wins over Teams", async () => {
    await chat.say('hi');
    expect(await h.core.stores.users.get('user-1')).toMatchObject({ locale: 'en-US' });
    const spanishTeams = h.chat('es-US');
    await spanishTeams.say('quiero configurar la verificación');
    expect(await h.core.stores.users.get('user-1')).toMatchObject({ locale: 'es-US' });
    expect((await h.core.stores.users.get('user-1'))?.localeChosen).toBeUndefined();
    await spanishTeams.say('mi celular');
    await spanishTeams.say('(425) 555-0123');
    await spanishTeams.say('mándame un mensaje');
    expect(h.core.outbox.last('sms')).toMatchObject({ type: 'sms', locale: 'es-US' });

    await spanishTeams.say('English please');
    await spanishTeams.say('help');
    expect(await h.core.stores.users.get('user-1')).toMatchObject({ locale: 'en-US', localeChosen: true });
  });

  it('when "Spanish" is said mid-step, then the same step is shown again in Spanish', async () => {
    await chat.say('set up MFA');
    const said = await chat.say('Spanish');
    expect(allText(said)).toContain(h.i18n.t('es-US', 'teams.language.switched'));
    expect(titles(said)).toContain(h.i18n.t('es-US', 'teams.methodLabels.authenticatorApp'));
    expect((await h.core.stores.users.get('user-1'))?.enrollment?.step.name).toBe('choosingMethod');
  });
});
