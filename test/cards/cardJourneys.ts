// Every Teams journey driven through the real bot (as test/teams does), collecting each Adaptive Card the person
// is shown: registration (app, phone by text and by call, office phone, email, security questions, security key),
// the second-method list, expiry and lock, "My methods" (remove, change, the only method), help and FAQ, the
// sign-in approval and "next method" notices, and the help desk's commands. Buttons are pressed by their words.
import { generateTotp } from '../../src/security/totp';
import { createI18n, type I18n } from '../../src/i18n';
import { createReplyRenderer } from '../../src/renderReply';
import { reply } from '../../src/domain/effects';
import { signInRequestActivity } from '../../src/channels/teams/signInRequestCard';
import { nextMethodActivity, PROGRESS_MORE_KEY } from '../../src/channels/teams/nextMethodCard';
import { PROFILE, T0 } from '../support/coreHarness';
import { allText, createTeamsHarness, submit, submitPicked, toSaid, type Chat, type Said, type TeamsHarness } from '../teams/teamsHarness';

export const WALK_LOCALES = ['en-US', 'en-GB', 'es-US'] as const;

let i18nPromise: Promise<I18n> | undefined;
const walkI18n = (): Promise<I18n> => (i18nPromise ??= createI18n({ supported: [...WALK_LOCALES], fallback: 'en-US' }));

const AGENT_ID = 'agent-1';
const ORG = { helpDesk: { phone: '+1 555 0100', url: 'https://help.signet-demo.example', members: ['agent.one@signet-demo.example'] } };

/** One journey's run: a fresh bot, a chat in the locale, and every card shown so far. */
class Walk {
  readonly cards: unknown[] = [];
  constructor(
    readonly h: TeamsHarness,
    readonly chat: Chat,
    readonly locale: string,
  ) {}

  t(key: string, params?: Record<string, string | number>): string {
    return this.h.i18n.t(this.locale, key, params);
  }

  /** The first phrase of a typed command (`teams.commands.resend` → "resend"). */
  phrase(key: string): string {
    return this.t(key).split('|')[0]!;
  }

  keep(said: readonly Said[]): Said[] {
    for (const s of said) if (s.card) this.cards.push(s.card);
    return [...said];
  }

  async say(input: string | Record<string, unknown>): Promise<Said[]> {
    return this.keep(await this.chat.say(input));
  }

  /** Presses the button (or picks the list option) with these words on the turn's cards. */
  press(said: readonly Said[], key: string, inputs: Record<string, string> = {}, params?: Record<string, string | number>): Promise<Said[]> {
    return this.say(submit(said, this.t(key, params), inputs));
  }

  async registerApp(): Promise<Said[]> {
    const menu = await this.say('hello');
    const choose = await this.press(menu, 'teams.menu.register');
    const app = await this.press(choose, 'teams.methodLabels.authenticatorApp');
    return this.press(app, 'teams.buttons.verify', { code: generateTotp(secretShown(app), this.h.core.clock.now()) });
  }

  /** From the method choice: a mobile phone by text, verified. */
  async addPhone(choose: readonly Said[]): Promise<Said[]> {
    const number = await this.press(choose, 'teams.methodLabels.mobilePhone');
    const code = await this.press(number, 'teams.buttons.textMe', { phone: '+1 425 555 0123' });
    return this.press(code, 'teams.buttons.verify', { code: this.h.core.lastCode() });
  }
}

/** The secret key shown under "Can't scan?" in any language: eight groups of base32 characters. */
function secretShown(said: readonly Said[]): string {
  const match = /\b([A-Z2-7]{4}(?: [A-Z2-7]{1,4}){7})\b/.exec(allText(said));
  if (!match) throw new Error('no secret key shown');
  return match[1]!.replace(/ /g, '');
}

type Journey = (w: Walk) => Promise<void>;

export const JOURNEYS: Record<string, Journey> = {
  'app then phone by text': async (w) => {
    const second = await w.registerApp();
    const number = await w.press(second, 'teams.methodLabels.mobilePhone');
    const textOrCall = await w.say('+1 425 555 0123');
    const code = await w.press(textOrCall, 'teams.buttons.textMe');
    const wrong = w.h.core.lastCode() === '000000' ? '111111' : '000000';
    await w.press(code, 'teams.buttons.verify', { code: wrong });
    w.h.core.clock.advance(11 * 60_000);
    const expired = await w.say(w.h.core.lastCode());
    const resent = await w.press(expired, 'teams.buttons.resend');
    await w.press(resent, 'teams.buttons.verify', { code: w.h.core.lastCode() });
    void number;
  },
  'second method list and security key': async (w) => {
    const second = await w.registerApp();
    await w.press(second, 'teams.methodLabels.securityKey');
    const choose = await w.say({ signet: 1, action: 'differentMethod' });
    await w.addPhone(choose.length > 0 ? choose : second);
    const menu = await w.say('hello');
    const add = await w.press(menu, 'teams.menu.add');
    await w.press(add, 'teams.buttons.cancel');
  },
  'phone by call (press #)': async (w) => {
    const second = await w.registerApp();
    const number = await w.press(second, 'teams.methodLabels.mobilePhone');
    const calling = await w.press(number, 'teams.buttons.callMe', { phone: '+1 425 555 0123' });
    await w.say(w.phrase('teams.commands.help'));
    await w.press(calling, 'teams.buttons.changeNumber');
  },
  'office phone': async (w) => {
    const menu = await w.say('hello');
    const choose = await w.press(menu, 'teams.menu.register');
    const number = await w.press(choose, 'teams.methodLabels.officePhone');
    await w.press(number, 'teams.buttons.callMe', { phone: '+1 425 555 0188', extension: '204' });
  },
  'email': async (w) => {
    const second = await w.registerApp();
    const address = await w.press(second, 'teams.methodLabels.email');
    const refused = await w.press(address, 'teams.buttons.sendCode', { email: 'jane.doe@signet-demo.example' });
    const code = await w.press(refused, 'teams.buttons.sendCode', { email: 'jane@home.example' });
    await w.press(code, 'teams.buttons.verify', { code: w.h.core.lastCode() });
  },
  'security questions': async (w) => {
    const second = await w.registerApp();
    const form = await w.press(second, 'teams.methodLabels.securityQuestions');
    const again = await w.press(form, 'teams.buttons.saveAnswers', { q1: 'firstPetName', a1: 'Rex the dog', q2: 'birthCity', a2: 'rex the dog', q3: 'firstSchool', a3: 'Hill Primary' });
    await w.say('1, 2, 3');
    void again;
  },
  'wrong codes until locked': async (w) => {
    const second = await w.registerApp();
    const number = await w.press(second, 'teams.methodLabels.mobilePhone');
    const code = await w.press(number, 'teams.buttons.textMe', { phone: '+1 425 555 0123' });
    const wrong = w.h.core.lastCode() === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) await w.press(code, 'teams.buttons.verify', { code: wrong });
    await w.say(w.phrase('teams.commands.help'));
  },
  'my methods': async (w) => {
    await w.addPhone(await w.registerApp());
    const menu = await w.say('hello');
    const list = await w.press(menu, 'teams.menu.manage');
    const confirm = await w.say(submitPicked(list, w.t('teams.buttons.remove'), 2));
    const kept = await w.press(confirm, 'teams.buttons.noKeep');
    await w.say(submitPicked(kept, w.t('teams.buttons.changeNumber'), 2));
  },
  'my methods with one method': async (w) => {
    await w.registerApp();
    await w.say({ signet: 1, action: 'cancel' });
    const menu = await w.say('hello');
    const list = await w.press(menu, 'teams.menu.manage');
    await w.say(submitPicked(list, w.t('teams.buttons.remove'), 1));
  },
  'help and FAQ': async (w) => {
    const menu = await w.say('hello');
    const help = await w.press(menu, 'teams.menu.help');
    await w.press(help, 'faq.noSignal.question');
    const choose = await w.press(menu, 'teams.menu.register');
    await w.say(w.phrase('teams.commands.help'));
    void choose;
  },
  'sign-in approval and next-method notices': async (w) => {
    await w.registerApp();
    const challenge = await w.h.verification.start(
      { userId: 'user-1', clientId: null, method: 'teams', target: null, extension: null, context: { ip: '203.0.113.9', application: 'Staff portal', location: 'Leeds' }, locale: w.locale },
      'api',
    );
    const request = w.h.core.notifications.items.filter((n) => n.userId === 'user-1').pop()?.message;
    if (!request) throw new Error('no Teams request was sent');
    const render = createReplyRenderer(w.h.i18n);
    const card = signInRequestActivity(render, w.locale, request);
    const next = nextMethodActivity(render, w.locale, reply(PROGRESS_MORE_KEY, { done: 1, required: 2 }));
    if (!card || !next) throw new Error('no notice card');
    w.keep([toSaid(card), toSaid(next)]);
    await w.say(submit([toSaid(card)], String(challenge.numberToMatch)));
  },
  'help desk': async (w) => {
    const { users } = w.h.core.stores;
    const person = await users.create(PROFILE, T0);
    await users.replace({ ...person, methods: [{ kind: 'mobilePhone', id: 'm1', number: '+14255550123', createdAt: T0 }], defaultMethodId: 'm1' });
    await users.create({ id: AGENT_ID, tenantId: null, upn: 'agent.one@signet-demo.example', displayName: 'Agent One', locale: w.locale }, T0);
    const agent = w.h.chat(w.locale, AGENT_ID);
    const say = async (text: string): Promise<Said[]> => w.keep(await agent.say(text));
    await say(w.phrase('teams.commands.help'));
    await say(`${w.phrase('helpdesk.commands.lookUp')} ${PROFILE.upn}`);
    await say(`${w.phrase('helpdesk.commands.issue')} ${PROFILE.upn}`);
    await say(`${w.phrase('helpdesk.commands.reRegister')} ${PROFILE.upn}`);
  },
};

/** Runs one journey in one locale and returns the cards it showed. */
export async function walkJourney(name: string, locale: string): Promise<unknown[]> {
  const h = await createTeamsHarness({ i18n: await walkI18n(), org: ORG });
  const w = new Walk(h, h.chat(locale), locale);
  await JOURNEYS[name]!(w);
  return w.cards;
}
