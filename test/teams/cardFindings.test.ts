// The card findings of issue 10 through the real bot: the second-method list keeps every method and Cancel, a
// press-# call has no Code box or Verify, the lock card offers the ways on (another method, the help desk) and
// not Verify / a new code, and the security-questions form comes back with its questions picked and the
// refusal at the wrong field (answers are secrets and never sent back).
import { generateTotp } from '../../src/security/totp';
import { actions, allText, createTeamsHarness, optionTitles, secretShown, submit, type Chat, type Said, type TeamsHarness } from './teamsHarness';

const ORG = { helpDesk: { phone: '+1 555 0100', url: 'https://help.signet-demo.example' } };

async function registerApp(h: TeamsHarness, chat: Chat): Promise<Said[]> {
  await chat.say('set up MFA');
  const app = await chat.say('authenticator app');
  return chat.say(generateTotp(secretShown(app), h.core.clock.now()));
}

const body = (said: readonly Said[]): Array<Record<string, unknown>> => said.flatMap((s) => s.card?.body ?? []);

describe.each(['en-US', 'en-GB'])('card findings, %s', (locale) => {
  let h: TeamsHarness;
  let chat: Chat;
  const t = (key: string, params?: Record<string, string | number>): string => h.i18n.t(locale, key, params);
  beforeEach(async () => {
    h = await createTeamsHarness({ org: ORG });
    chat = h.chat(locale);
  });

  it('when the second method is chosen, then the list still offers the security key and Cancel', async () => {
    const second = await registerApp(h, chat);
    expect(optionTitles(second)).toEqual(expect.arrayContaining([t('teams.methodLabels.securityKey'), t('teams.methodLabels.email'), t('teams.methodLabels.securityQuestions')]));
    expect(actions(second).map((a) => a.title)).toEqual([t('teams.buttons.continue'), t('teams.buttons.cancel')]);
    expect(allText(await chat.say(submit(second, t('teams.methodLabels.securityKey'))))).toContain(t('enrollment.securityKey.onWeb'));
  });

  it('when the check is a press-# call, then the card has no Code box and no Verify, but calling again and the ways out', async () => {
    await registerApp(h, chat);
    await chat.say('mobile phone');
    const calling = await chat.say('+1 425 555 0123, call me');
    expect(allText(calling)).toContain(t('enrollment.phone.callingPressKey', { phone: '+1 425 555 0123', hash: t('common.hashKey.pound') }));
    expect(body(calling).filter((e) => e['type'] === 'Input.Text')).toEqual([]);
    const titles = actions(calling).map((a) => a.title);
    expect(titles).not.toContain(t('teams.buttons.verify'));
    expect(titles).toEqual(expect.arrayContaining([t('teams.buttons.callAgain'), t('teams.buttons.textInstead'), t('teams.buttons.changeNumber'), t('teams.buttons.cancel')]));
  });

  it('when a texted code still has five choices, then the ones past what Teams shows are behind "More options"', async () => {
    await registerApp(h, chat);
    await chat.say('mobile phone');
    const code = await chat.say('+1 425 555 0123, text me');
    const card = code.find((s) => s.card)!.card!;
    const inView = [...(card.actions ?? []), ...(card.body ?? []).flatMap((e) => (e['type'] === 'ActionSet' ? (e['actions'] as Array<{ type: string; title: string }>) : []))];
    expect(inView.length).toBeLessThanOrEqual(5);
    expect(inView.find((a) => a.type === 'Action.ShowCard')?.title).toBe(t('teams.buttons.moreOptions'));
    expect(actions(code).map((a) => a.title)).toEqual([t('teams.buttons.verify'), t('teams.buttons.resend'), t('teams.buttons.callInstead'), t('teams.buttons.changeNumber'), t('teams.buttons.differentMethod'), t('teams.buttons.cancel')]);
  });

  it('when wrong codes lock the step, then the card offers a different method and the help desk, not Verify or a new code, and help says so', async () => {
    await registerApp(h, chat);
    await chat.say('mobile phone');
    await chat.say('+1 425 555 0123, text me');
    const wrong = h.core.lastCode() === '000000' ? '111111' : '000000';
    let locked: Said[] = [];
    for (let i = 0; i < 5; i++) locked = await chat.say(wrong);
    expect(allText(locked)).toContain(t('enrollment.locked', { minutes: 15 }));
    const titles = actions(locked).map((a) => a.title);
    expect(titles).toEqual([t('teams.buttons.differentMethod'), t('teams.buttons.cancel')]);
    expect(body(locked).filter((e) => e['type'] === 'Input.Text')).toEqual([]);
    expect(allText(locked)).toContain(t('teams.locked.alternatives'));
    expect(allText(locked)).toContain(t('common.helpDesk.phone', { phone: '+1 555 0100' }));
    const help = allText(await chat.say('help'));
    expect(help).toContain(t('help.steps.locked'));
    expect(help).not.toContain(t('help.steps.codeSent'));
    const other = await chat.say(submit(locked, t('teams.buttons.differentMethod')));
    expect(allText(other)).toContain(t('enrollment.chooseMethod', { position: 2, required: 2 }));
  });

  it('when a security answer is refused, then the form keeps the questions picked, marks the wrong answer, and never sends the answers back', async () => {
    await registerApp(h, chat);
    const form = await chat.say('security questions');
    const lists = body(form).filter((e) => e['type'] === 'Input.ChoiceSet');
    expect(lists.map((l) => l['placeholder'])).toEqual([t('teams.questions.choosePlaceholder'), t('teams.questions.choosePlaceholder'), t('teams.questions.choosePlaceholder')]);
    expect(lists.every((l) => l['value'] === undefined)).toBe(true);
    const again = await chat.say(submit(form, t('teams.buttons.saveAnswers'), { q1: 'firstPetName', a1: 'Rex the dog', q2: 'birthCity', a2: ' rex THE  dog ', q3: 'firstSchool', a3: 'Hill Primary' }));
    const fields = body(again);
    expect(fields.filter((e) => e['type'] === 'Input.ChoiceSet').map((l) => l['value'])).toEqual(['firstPetName', 'birthCity', 'firstSchool']);
    const refusal = t('validation.answers.duplicateAnswer', { position: 2, other: 1, expected: 3 });
    const at = fields.findIndex((e) => e['type'] === 'TextBlock' && e['text'] === refusal);
    expect(fields[at]).toMatchObject({ color: 'Attention' });
    expect(fields[at + 1]).toMatchObject({ type: 'Input.Text', id: 'a2' });
    expect(allText(again)).toContain(refusal);
    expect(JSON.stringify(again.map((s) => s.card))).not.toMatch(/Rex|Hill Primary/);
  });
});
