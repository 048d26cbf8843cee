// Whole registration journeys through the real bot and dialogs (TestAdapter transcripts), in en-US and en-GB:
// the app with its QR code and a TOTP computed from the secret shown, a phone by text with the code typed here,
// wrong / replayed / expired codes, lockout, email and security-question refusals, cancel, back, help.
import { generateTotp } from '../../src/security/totp';
import { createSecretOps, codePolicyFrom } from '../../src/enrollment/enrollmentPolicy';
import { EffectRunner } from '../../src/serviceKit/effectRunner';
import { VerificationService } from '../../src/verification/verificationService';
import { NotificationOutbox } from '../../src/telephony/outboxes';
import { seededRandom } from '../../src/security/random';
import { keyRenderer, TEST_KEY, testOrg } from '../support/coreHarness';
import { actions, allText, createTeamsHarness, optionTitles, secretShown, submit, type Chat, type Said, type TeamsHarness } from './teamsHarness';

const LOCALES = [
  ['en-US', { cell: 'Cell phone', organisation: 'organization' }],
  ['en-GB', { cell: 'Mobile phone', organisation: 'organisation' }],
] as const;

async function registerApp(h: TeamsHarness, chat: Chat): Promise<string> {
  await chat.say('set up MFA');
  const app = await chat.say('authenticator app');
  const secret = secretShown(app);
  await chat.say(generateTotp(secret, h.core.clock.now()));
  return secret;
}

describe.each(LOCALES)('registration in Teams, %s', (locale, words) => {
  let h: TeamsHarness;
  let chat: Chat;
  const t = (key: string, params?: Record<string, string | number>): string => h.i18n.t(locale, key, params);
  beforeEach(async () => {
    h = await createTeamsHarness();
    chat = h.chat(locale);
  });

  it('when a person registers the app then a phone by text, then both are verified and the summary lists them', async () => {
    const hello = await chat.say('hello');
    expect(allText(hello)).toContain(t('common.welcome', { orgName: 'Signet Demo School' }));
    expect(actions(hello).map((a) => a.title)).toEqual([t('teams.menu.register'), t('teams.menu.add'), t('teams.menu.manage'), t('teams.menu.help')]);

    const choose = await chat.say('set up MFA');
    expect(allText(choose)).toContain(t('enrollment.chooseMethod', { position: 1, required: 2 }));
    expect(choose[0]!.card?.version).toBe('1.5');
    // Policy: the first method is the app or a phone, so email and questions are not offered yet.
    expect(optionTitles(choose)).toContain(t('teams.methodLabels.authenticatorApp'));
    expect(optionTitles(choose)).not.toContain(t('teams.methodLabels.email'));

    const app = await chat.say(submit(choose, t('teams.methodLabels.authenticatorApp')));
    const image = app[0]!.card!.body!.find((e) => e['type'] === 'Image')!;
    expect(String(image['url'])).toMatch(/^data:image\/png;base64,/);
    expect(Buffer.from(String(image['url']).split(',')[1]!, 'base64').subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(allText(app)).toMatch(/secret key ([A-Z2-7]{4} ){7}[A-Z2-7]{4}/);
    const secret = secretShown(app);

    const appDone = await chat.say(generateTotp(secret, h.core.clock.now()));
    expect(allText(appDone)).toContain(t('enrollment.verified.authenticatorApp'));
    expect(allText(appDone)).toContain(t('enrollment.app.suggestBackupPhone'));
    expect(allText(appDone)).toContain(t('enrollment.chooseMethod', { position: 2, required: 2 }));

    const phone = await chat.say(words.cell.toLowerCase());
    expect(allText(phone)).toContain(t('enrollment.phone.askNumber', { country: 'US' }));
    const sent = await chat.say(submit(phone, t('teams.buttons.textMe'), { phone: '(425) 555-0123' }));
    expect(allText(sent)).toContain(t('enrollment.phone.codeTexted', { phone: '+1 425 555 0123', minutes: 10 }));
    expect(h.core.outbox.last()).toMatchObject({ type: 'sms', to: '+14255550123' });

    const done = await chat.say(h.core.lastCode());
    const text = allText(done);
    expect(text).toContain(t('enrollment.verified.phone', { phone: '+1 425 555 0123' }));
    expect(text).toContain(t('enrollment.progress.complete', { count: 2 }));
    expect(text).toContain(t('teams.summary', { methods: `${t('methods.authenticatorApp')}, ${t('methods.mobilePhone')}` }));
    const user = await h.core.stores.users.get('user-1');
    expect(user!.methods.map((m) => m.kind)).toEqual(['authenticatorApp', 'mobilePhone']);
  });

  it('when the app code is wrong and then right, then the attempts left are shown and the app is then set up', async () => {
    await chat.say('set up MFA');
    const app = await chat.say('app');
    const secret = secretShown(app);
    const right = generateTotp(secret, h.core.clock.now());
    const wrong = right === '000000' ? '111111' : '000000';
    expect(allText(await chat.say(wrong))).toContain(t('enrollment.app.wrongCode', { attemptsLeft: 4 }));
    expect(allText(await chat.say(right))).toContain(t('enrollment.verified.authenticatorApp'));
  });

  it('when the app code is used again, then a sign-in challenge refuses it as a replay and chat adds nothing twice', async () => {
    const secret = await registerApp(h, chat);
    const code = generateTotp(secret, h.core.clock.now());
    const again = await chat.say(code);
    expect(allText(again)).not.toContain(t('enrollment.verified.authenticatorApp'));
    const random = seededRandom('replay');
    const verification = new VerificationService({
      stores: h.core.stores,
      clock: h.core.clock,
      random,
      secrets: createSecretOps(TEST_KEY, random),
      codes: codePolicyFrom(testOrg()),
      organisationName: 'Signet Demo School',
      voiceMode: 'pressKey',
      effects: new EffectRunner({ telephony: h.core.outbox, mailer: h.core.outbox, notifier: new NotificationOutbox(), audit: h.core.stores.audit, render: keyRenderer, clock: h.core.clock }),
    });
    const challenge = await verification.start({ userId: 'user-1', clientId: 'portal', method: 'app', target: null, extension: null, context: { ip: '203.0.113.5', application: 'Portal', location: 'Leeds' }, locale }, 'api');
    const outcome = await verification.submitAppCode(challenge.id, code, 'api');
    expect(outcome.challenge.status).toBe('pending');
    // The next time step's code is fresh, so the refusal above was the replay and not a broken check.
    h.core.clock.advance(30_000);
    const next = await verification.start({ userId: 'user-1', clientId: 'portal', method: 'app', target: null, extension: null, context: { ip: '203.0.113.5', application: 'Portal', location: 'Leeds' }, locale }, 'api');
    expect((await verification.submitAppCode(next.id, generateTotp(secret, h.core.clock.now()), 'api')).challenge.status).toBe('approved');
    const user = await h.core.stores.users.get('user-1');
    expect(user!.methods.filter((m) => m.kind === 'authenticatorApp')).toHaveLength(1);
  });

  it('when wrong codes reach the maximum, then the person is locked out and even the right code waits', async () => {
    await registerApp(h, chat);
    await chat.say('mobile phone');
    await chat.say('+1 425 555 0123');
    await chat.say('text me');
    const code = h.core.lastCode();
    const wrong = code === '000000' ? '111111' : '000000';
    for (let left = 4; left >= 1; left--) expect(allText(await chat.say(wrong))).toContain(t('enrollment.code.wrong', { attemptsLeft: left }));
    expect(allText(await chat.say(wrong))).toContain(t('enrollment.locked', { minutes: 15 }));
    expect(allText(await chat.say(code))).toContain(t('enrollment.locked', { minutes: 15 }));
    expect((await h.core.stores.users.get('user-1'))!.methods).toHaveLength(1);
  });

  it('when the code has expired, then the person is told and a resend brings a code that works', async () => {
    await registerApp(h, chat);
    await chat.say('mobile phone');
    await chat.say('+1 425 555 0123');
    await chat.say('text me');
    const old = h.core.lastCode();
    h.core.clock.advance(11 * 60_000);
    const expired = await chat.say(old);
    expect(allText(expired)).toContain(t('enrollment.code.expired'));
    const resent = await chat.say(submit(expired, t('teams.buttons.resend')));
    expect(allText(resent)).toContain(t('enrollment.phone.codeTexted', { phone: '+1 425 555 0123', minutes: 10 }));
    expect(allText(await chat.say(h.core.lastCode()))).toContain(t('enrollment.verified.phone', { phone: '+1 425 555 0123' }));
  });

  it('when the person types the number of a choice on the code card, then it acts like the button', async () => {
    await registerApp(h, chat);
    await chat.say('mobile phone');
    await chat.say('+1 425 555 0123');
    const card = await chat.say('1'); // "Text me a code"
    expect(allText(card)).toContain(t('enrollment.phone.codeTexted', { phone: '+1 425 555 0123', minutes: 10 }));
    h.core.clock.advance(31_000);
    const calling = await chat.say('3'); // "Call me instead"
    expect(allText(calling)).toContain(t('enrollment.phone.callingPressKey', { phone: '+1 425 555 0123', hash: t('common.hashKey.pound') }));
    expect(h.core.outbox.last()).toMatchObject({ type: 'call', to: '+14255550123' });
  });

  it('when the number and "call me" come in one message, then the call is placed at once', async () => {
    await chat.say('set up MFA');
    await chat.say('mobile phone');
    const calling = await chat.say('+1 425 555 0123, call me');
    expect(allText(calling)).toContain(t('enrollment.phone.callingPressKey', { phone: '+1 425 555 0123', hash: t('common.hashKey.pound') }));
  });

  it('when a resend is asked for too soon, then the cool-down is explained', async () => {
    await registerApp(h, chat);
    await chat.say('mobile phone');
    await chat.say(`+1 425 555 0123`);
    await chat.say('text me');
    h.core.clock.advance(10_000);
    expect(allText(await chat.say('resend'))).toContain(t('enrollment.code.resendTooSoon', { seconds: 20 }));
  });

  it('when an email at the organisation domain is given, then it is refused with the reason, and a personal one works', async () => {
    await registerApp(h, chat);
    await chat.say('email');
    const refused = await chat.say('jane.doe@signet-demo.example');
    expect(allText(refused)).toContain(t('validation.email.blockedDomain', { domain: 'signet-demo.example' }));
    expect(allText(refused)).toContain(words.organisation);
    const sent = await chat.say(submit(refused, t('teams.buttons.sendCode'), { email: 'jane@home.example' }));
    expect(allText(sent)).toContain(t('enrollment.email.codeSent', { address: 'ja•••@home.example', minutes: 10 }));
    expect(h.core.outbox.last()).toMatchObject({ type: 'mail', to: 'jane@home.example' });
    expect(allText(await chat.say(h.core.lastCode()))).toContain(t('enrollment.verified.email', { address: 'ja•••@home.example' }));
  });

  it('when two security answers are the same, then they are refused; different ones typed one per line are saved', async () => {
    await registerApp(h, chat);
    const form = await chat.say('security questions');
    expect(form[0]!.card!.body!.filter((e) => e['type'] === 'Input.ChoiceSet')).toHaveLength(3);
    const same = await chat.say(submit(form, t('teams.buttons.saveAnswers'), { q1: 'firstPetName', a1: 'Rex the dog', q2: 'birthCity', a2: ' rex THE  dog ', q3: 'firstSchool', a3: 'Hill Primary' }));
    expect(allText(same)).toContain(t('validation.answers.duplicateAnswer', { position: 2, other: 1, expected: 3 }));
    expect(allText(same)).not.toContain('Rex the dog');
    await chat.say('1, 2, 3');
    const saved = await chat.say('Rex the dog\nLeeds\nHill Primary');
    expect(allText(saved)).toContain(t('enrollment.verified.securityQuestions'));
    expect(allText(saved)).not.toMatch(/Rex|Leeds|Hill Primary/);
    const stored = JSON.stringify(await h.core.stores.users.get('user-1'));
    expect(stored).not.toContain('Rex the dog');
  });

  it('when the person cancels mid-way and starts again, then nothing was changed and the journey resumes from the choice', async () => {
    await chat.say('set up MFA');
    await chat.say('mobile phone');
    const cancelled = await chat.say('cancel');
    expect(allText(cancelled)).toContain(t('enrollment.cancelledSetUp'));
    expect((await h.core.stores.users.get('user-1'))!.methods).toEqual([]);
    const again = await chat.say('set up MFA');
    expect(allText(again)).toContain(t('enrollment.chooseMethod', { position: 1, required: 2 }));
  });

  it('when the person says back or wants a different method, then the machine moves them there', async () => {
    await chat.say('set up MFA');
    await chat.say('mobile phone');
    await chat.say('+1 425 555 0123');
    await chat.say('text me');
    const back = await chat.say('change number');
    expect(allText(back)).toContain(t('enrollment.phone.askNumber', { country: 'US' }));
    const different = await chat.say(submit(back, t('teams.buttons.differentMethod')));
    expect(allText(different)).toContain(t('enrollment.chooseMethod', { position: 1, required: 2 }));
  });

  it('when the person asks for help at a prompt, then it explains that step and shows the prompt again', async () => {
    await chat.say('set up MFA');
    await chat.say('app');
    const help = await chat.say('help');
    expect(allText(help)).toContain(t('help.steps.scanningApp'));
    expect(allText(help)).toContain(t('enrollment.app.enterCode', { issuer: 'Signet Demo School' }));
  });

  it('when an old card is submitted after the step moved on, then it is answered as stale with the current prompt', async () => {
    const choose = await chat.say('set up MFA');
    await chat.say('mobile phone');
    const stale = await chat.say(submit(choose, t('teams.methodLabels.authenticatorApp')));
    expect(allText(stale)).toContain(t('teams.staleCard'));
    expect(allText(stale)).toContain(t('enrollment.phone.askNumber', { country: 'US' }));
    expect((await h.core.stores.users.get('user-1'))!.enrollment!.step).toEqual({ name: 'enteringPhone', kind: 'mobilePhone' });
  });

  it('when an office phone is a configured main line, then it is refused; with an extension it is called', async () => {
    await chat.say('set up MFA');
    const ask = await chat.say('office phone');
    expect(allText(ask)).toContain(t('enrollment.officePhone.askNumber', { country: 'US' }));
    expect(allText(await chat.say('+1 202 555 0100'))).toContain(t('validation.phone.blocked', { reason: t('validation.phone.blockedReason.mainLine') }));
    const calling = await chat.say('+1 425 555 0188 ext 204');
    expect(allText(calling)).toContain(t('enrollment.phone.callingPressKey', { phone: '+1 425 555 0188', hash: t('common.hashKey.pound') }));
    expect(h.core.outbox.last()).toMatchObject({ type: 'call', to: '+14255550188', extension: '204' });
  });

  it('when a security key is chosen, then it is explained that keys are added on the web', async () => {
    await registerApp(h, chat);
    expect(allText(await chat.say('security key'))).toContain(t('enrollment.securityKey.onWeb'));
  });

  it('when the main menu card is used in the middle of a step, then the person is asked to finish or cancel first', async () => {
    const menu = await chat.say('hello');
    await chat.say('set up MFA');
    await chat.say('mobile phone');
    const busy = await chat.say(submit(menu, t('teams.menu.manage')));
    expect(allText(busy)).toContain(t('teams.finishFirst'));
    expect(allText(busy)).toContain(t('enrollment.phone.askNumber', { country: 'US' }));
  });

  it('when someone who meets the policy says set up MFA, then they are told so and offered management', async () => {
    await registerApp(h, chat);
    await chat.say('mobile phone');
    await chat.say('+1 425 555 0123');
    await chat.say('text me');
    await chat.say(h.core.lastCode());
    const again = await chat.say('set up MFA');
    expect(allText(again)).toContain(t('teams.register.alreadyMeets'));
    expect(actions(again).map((a) => a.title)).toContain(t('teams.menu.manage'));
  });

  it('when the person asks a FAQ question in their own words, then the answer names the help desk', async () => {
    const answer = await chat.say('I left my phone at home');
    expect(allText(answer)).toContain(t('faq.leftPhoneAtHome.answer'));
    expect(allText(answer)).toContain(t('common.helpDesk.phone', { phone: '+1 555 0100' }));
    const signal = await chat.say(submit(await chat.say('help'), t('faq.noSignal.question')));
    expect(allText(signal)).toContain(t('faq.noSignal.answer'));
  });
});

describe('en-US and en-GB say the same things in their own words', () => {
  it('when both register a phone, then the labels differ (cell / mobile) and the same flow works', async () => {
    const texts: string[] = [];
    for (const locale of ['en-US', 'en-GB']) {
      const h = await createTeamsHarness();
      const chat = h.chat(locale);
      const said: Said[] = await chat.say('set up MFA');
      texts.push(allText(said));
    }
    expect(texts[0]).toContain('Cell phone');
    expect(texts[1]).toContain('Mobile phone');
    expect(texts[0]).not.toBe(texts[1]);
  });
});
