// Prompts that say what is true (issue 10 findings): "add a method" once the policy is met is an extra method,
// not "method 2 of 2"; cancelling says what really starts again; "help" while locked names what works while
// locked, never "Type resend". Each expectation here failed before the fix.
import { generateTotp } from '../../src/security/totp';
import { allText, createTeamsHarness, secretShown, type Chat, type TeamsHarness } from './teamsHarness';

describe.each(['en-US', 'en-GB'])('honest prompts, %s', (locale) => {
  let h: TeamsHarness;
  let chat: Chat;
  const t = (key: string, params?: Record<string, string | number>): string => h.i18n.t(locale, key, params);

  beforeEach(async () => {
    h = await createTeamsHarness();
    chat = h.chat(locale);
  });

  async function registerAppAndPhone(): Promise<void> {
    await chat.say('set up MFA');
    const app = await chat.say('authenticator app');
    await chat.say(generateTotp(secretShown(app), h.core.clock.now()));
    await chat.say('mobile phone');
    await chat.say('+1 425 555 0123');
    await chat.say('text me');
    await chat.say(h.core.lastCode());
  }

  it('when the policy is met and the person adds a method, then it is an extra method, not "method 2 of 2"', async () => {
    await registerAppAndPhone();
    const add = allText(await chat.say('add a method'));
    expect(add).toContain(t('enrollment.chooseExtraMethod'));
    expect(add).not.toContain(t('enrollment.chooseMethod', { position: 2, required: 2 }));
  });

  it('when an added method is cancelled, then "add a method" is what is suggested (and it works)', async () => {
    await registerAppAndPhone();
    await chat.say('add a method');
    await chat.say('email');
    expect(allText(await chat.say('cancel'))).toContain(t('enrollment.cancelled'));
    expect(allText(await chat.say('add a method'))).toContain(t('enrollment.chooseExtraMethod'));
  });

  it('when a registration is cancelled before the policy is met, then "set up MFA" is suggested, not "add a method"', async () => {
    await chat.say('set up MFA');
    await chat.say('mobile phone');
    const cancelled = allText(await chat.say('cancel'));
    expect(cancelled).toContain(t('enrollment.cancelledSetUp'));
    expect(cancelled).not.toContain(t('enrollment.cancelled'));
  });

  it('when the person is locked out and asks for help, then the help says what works while locked and not "resend"', async () => {
    await chat.say('set up MFA');
    await chat.say('mobile phone');
    await chat.say('+1 425 555 0123');
    await chat.say('text me');
    const code = h.core.lastCode();
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) await chat.say(wrong);
    const help = allText(await chat.say('help'));
    expect(help).toContain(t('help.steps.locked'));
    expect(help).not.toContain(t('help.steps.codeSent'));
    expect(help).not.toMatch(/resend/i);
  });
});
