// "My methods" transcripts in en-US and en-GB: the list (default marked, numbers masked), default, removal with
// confirmation, the refusal to remove the last sign-in method (with the help-desk contact), and changing a phone.
import { generateTotp } from '../../src/security/totp';
import { allText, createTeamsHarness, secretShown, submit, submitPicked, type Chat, type TeamsHarness } from './teamsHarness';

async function registerAppAndPhone(h: TeamsHarness, chat: Chat, withPhone = true): Promise<void> {
  await chat.say('set up MFA');
  const app = await chat.say('authenticator app');
  await chat.say(generateTotp(secretShown(app), h.core.clock.now()));
  if (!withPhone) return;
  await chat.say('2'); // by number: the second choice on the card, the alternate phone
  await chat.say('+1 425 555 0123');
  await chat.say('text me');
  await chat.say(h.core.lastCode());
}

describe.each(['en-US', 'en-GB'])('my methods in Teams, %s', (locale) => {
  let h: TeamsHarness;
  let chat: Chat;
  const t = (key: string, params?: Record<string, string | number>): string => h.i18n.t(locale, key, params);
  beforeEach(async () => {
    h = await createTeamsHarness();
    chat = h.chat(locale);
  });

  it('when the person lists their methods, then the default is marked and the phone number is masked', async () => {
    await registerAppAndPhone(h, chat);
    const list = allText(await chat.say('my methods'));
    expect(list).toContain(t('teams.manage.defaultMarker', { method: t('teams.methodLabels.authenticatorApp') }));
    expect(list).toContain('+1 ••• ••• ••23');
    expect(list).not.toContain('555 0123');
  });

  it('when the person makes the phone the default, then it is marked as the default', async () => {
    await registerAppAndPhone(h, chat);
    const list = await chat.say('my methods');
    const changed = await chat.say(submitPicked(list, t('teams.buttons.makeDefault'), 2));
    expect(allText(changed)).toContain(t('manage.default.done', { method: t('methods.alternatePhone') }));
    const user = await h.core.stores.users.get('user-1');
    expect(user!.defaultMethodId).toBe(user!.methods[1]!.id);
  });

  it('when the person removes a method, then it is confirmed first; "no" keeps it and "yes" removes it', async () => {
    await registerAppAndPhone(h, chat);
    await chat.say('my methods');
    const confirm = await chat.say('remove 2');
    expect(allText(confirm)).toContain(t('teams.buttons.yesRemove'));
    expect(allText(await chat.say('no'))).toContain(t('teams.manage.keptAsIs'));
    expect((await h.core.stores.users.get('user-1'))!.methods).toHaveLength(2);
    await chat.say('remove 2');
    expect(allText(await chat.say('yes'))).toContain(t('manage.remove.done', { method: t('methods.alternatePhone') }));
    expect((await h.core.stores.users.get('user-1'))!.methods.map((m) => m.kind)).toEqual(['authenticatorApp']);
  });

  it('when the person removes their last sign-in method, then it is refused at once (no "Remove …?" first) with the help-desk contact', async () => {
    await registerAppAndPhone(h, chat, false);
    const list = await chat.say('my methods');
    const refused = allText(await chat.say(submitPicked(list, t('teams.buttons.remove'), 1)));
    expect(refused).not.toContain(t('teams.buttons.yesRemove'));
    expect(refused).toContain(t('manage.remove.lastMfaMethod'));
    expect(refused).toContain(t('common.helpDesk.phone', { phone: '+1 555 0100' }));
    expect(refused).toContain(t('common.helpDesk.url', { url: 'https://help.signet-demo.example' }));
    expect((await h.core.stores.users.get('user-1'))!.methods).toHaveLength(1);
  });

  it('when the person changes their phone number, then the new number is verified before it replaces the old one', async () => {
    await registerAppAndPhone(h, chat);
    await chat.say('my methods');
    const ask = await chat.say('change 2');
    expect(allText(ask)).toContain(t('enrollment.phone.askNumber', { country: 'US' }));
    await chat.say('+1 425 555 0199');
    await chat.say('text me');
    let user = await h.core.stores.users.get('user-1');
    expect(user!.methods.find((m) => m.kind === 'alternatePhone')).toMatchObject({ number: '+14255550123' });
    const done = await chat.say(h.core.lastCode());
    expect(allText(done)).toContain(t('enrollment.verified.phoneReplaced', { phone: '+1 425 555 0199' }));
    user = await h.core.stores.users.get('user-1');
    expect(user!.methods.filter((m) => 'number' in m).map((m) => ('number' in m ? m.number : ''))).toEqual(['+14255550199']);
  });

  it('when the phone is the only sign-in method and the person changes it, then a second method is suggested first', async () => {
    await chat.say('set up MFA');
    await chat.say('1'); // the app
    await chat.say('different method');
    await chat.say(t('teams.methodLabels.mobilePhone'));
    await chat.say('+1 425 555 0123');
    await chat.say('text me');
    await chat.say(h.core.lastCode());
    await chat.say('cancel'); // stop registration of the second method
    await chat.say('my methods');
    const suggestion = await chat.say('change phone');
    const phone = t('teams.manage.defaultMarker', { method: `${t('teams.methodLabels.mobilePhone')} +1 ••• ••• ••23` });
    expect(allText(suggestion)).toContain(t('teams.manage.secondMethodFirst', { method: phone }));
    expect(allText(suggestion)).toContain(t('teams.buttons.changeAnyway'));
    const add = await chat.say(submit(suggestion, t('teams.buttons.addFirst')));
    expect(allText(add)).toContain(t('enrollment.chooseMethod', { position: 2, required: 2 }));
  });
});
