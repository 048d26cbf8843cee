// The closing summary follows the usage table (issue 10 finding, issue 12 reminder): "You can sign in with" names
// only MFA methods, reset-only ones (email, security questions) are said to be for password reset, the methods
// that reset a password are named, and someone without enough of them is told what to add. Before the fix the
// summary read "You can sign in with: the authenticator app, email".
import { generateTotp } from '../../src/security/totp';
import { allText, createTeamsHarness, secretShown, submit, type Chat, type TeamsHarness } from './teamsHarness';

describe.each(['en-US', 'en-GB'])('the registration summary, %s', (locale) => {
  let h: TeamsHarness;
  let chat: Chat;
  const t = (key: string, params?: Record<string, string | number>): string => h.i18n.t(locale, key, params);
  const names = (...kinds: string[]): string => kinds.map((k) => t(`methods.${k}`)).join(', ');

  async function registerApp(): Promise<string> {
    await chat.say('set up MFA');
    const app = await chat.say('authenticator app');
    return allText(await chat.say(generateTotp(secretShown(app), h.core.clock.now())));
  }

  it('when the app and an email are registered, then only the app signs in and the email is for password reset only', async () => {
    h = await createTeamsHarness();
    chat = h.chat(locale);
    await registerApp();
    const asked = await chat.say('email');
    await chat.say(submit(asked, t('teams.buttons.sendCode'), { email: 'jane@home.example' }));
    const done = allText(await chat.say(h.core.lastCode()));
    expect(done).toContain(t('teams.summary', { methods: names('authenticatorApp') }));
    expect(done).not.toContain(t('teams.summary', { methods: names('authenticatorApp', 'email') }));
    expect(done).toContain(t('teams.summaryResetOnly', { methods: names('email') }));
    expect(done).toContain(t('teams.summaryReset', { methods: names('authenticatorApp', 'email') }));
    // Two reset methods: nothing more to add.
    expect(done).not.toContain(t('teams.summaryResetShort', { count: 1, methods: '' }).split(':')[0]!);
  });

  it('when one method meets the policy, then finishing registration says a password reset needs one more and which can be added', async () => {
    h = await createTeamsHarness({ org: { methods: { required: 1 } } as never });
    chat = h.chat(locale);
    const done = await registerApp();
    expect(done).toContain(t('teams.summary', { methods: names('authenticatorApp') }));
    expect(done).toContain(t('teams.summaryReset', { methods: names('authenticatorApp') }));
    expect(done).toContain(t('teams.summaryResetShort', { count: 1, methods: names('mobilePhone', 'alternatePhone', 'officePhone', 'email', 'securityQuestions', 'securityKey') }));
  });
});
