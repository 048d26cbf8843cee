// A Spanish-speaking parent's journey end to end over HTTP (issue 10, "Done when"): Signet composed as src/index.ts
// composes it, Teams activities posted to /api/messages (replies at a local Bot Connector), Twilio webhooks signed as
// Twilio signs them (the real SDK places texts and calls at a local stand-in), mail in the outbox. Every word the
// person sees or hears is checked against the English catalogue, and "español" / "English" are shown to be theirs.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMemoryStores } from '../../src/stores/memoryStores';
import { flatten, parseXml, type XmlElement } from '../support/twimlParser';
import { PERSON, PUBLIC_BASE_URL, startSignet, type Signet } from '../reliability/support/signetUnderTest';
import type { ReceivedCall } from '../server/serverHarness';
import { FixedClock } from '../../src/ports/clock';
import { T0 } from '../support/fixtures';
import { callParams as twilioCallParams } from '../support/twilioAppHarness';

const SMS_PATH = '/api/twilio/sms';
const ORG = {
  locales: { offered: ['en-US', 'en-GB', 'es-US'], default: 'en-US' },
  // Hours are the organisation's own words: written per locale, each person reads theirs.
  helpDesk: { phone: '+1 555 0100', url: 'https://help.signet-demo.example', hours: { 'en-US': 'Monday to Friday, 8:00 to 16:00', 'es-US': 'de lunes a viernes, de 8:00 a 16:00' } },
};
const PHONE: string = PERSON.phone;
const PHONE_SHOWN = '+1 206 555 0123';
const OTHER_PHONE = '+12065550124';
const OTHER_SHOWN = '+1 206 555 0124';

// ---- what the person sees and hears -----------------------------------------------------------------------------

/** The words of one activity the bot sent: its text and every text, title, label and placeholder on its card. */
function wordsOf(body: Record<string, unknown>): string[] {
  const out: string[] = [];
  const walk = (value: unknown, key: string): void => {
    if (typeof value === 'string') {
      if (['text', 'title', 'label', 'placeholder', 'fallbackText', 'errorMessage', 'altText', 'speak'].includes(key) && value.trim() !== '') out.push(value);
    } else if (Array.isArray(value)) for (const v of value) walk(v, key);
    else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) if (k !== 'data' && k !== 'url') walk(v, k);
  };
  walk(body['text'], 'text');
  walk(body['attachments'], '');
  return out;
}

const sent = (calls: readonly ReceivedCall[]): ReceivedCall[] => calls.filter((c) => c.method === 'POST' && c.body['type'] === 'message');

/** Submit buttons and choice lists of the activities, for pressing them as Teams would. */
interface Control {
  readonly title: string;
  readonly data: Record<string, unknown>;
}
function controlsOf(calls: readonly ReceivedCall[]): { buttons: Control[]; choices: Array<{ id: string; options: Control[]; button: Control | undefined }> } {
  const buttons: Control[] = [];
  const choices: Array<{ id: string; options: Control[]; button: Control | undefined }> = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach((el, i) => {
        const item = el as Record<string, unknown>;
        if (item?.['type'] === 'Input.ChoiceSet') {
          const next = node[i + 1] as Record<string, unknown> | undefined;
          const button = next?.['type'] === 'ActionSet' ? (next['actions'] as Array<{ title: string; data: Record<string, unknown> }>)[0] : undefined;
          const options = (item['choices'] as Array<{ title: string; value: string }>).map((c) => ({ title: c.title, data: { [String(item['id'])]: c.value } }));
          choices.push({ id: String(item['id']), options, button });
        }
        walk(el);
      });
    } else if (node !== null && typeof node === 'object') {
      const item = node as Record<string, unknown>;
      if (item['type'] === 'Action.Submit' && typeof item['title'] === 'string') buttons.push({ title: item['title'], data: item['data'] as Record<string, unknown> });
      for (const v of Object.values(item)) walk(v);
    }
  };
  for (const c of calls) walk(c.body['attachments']);
  return { buttons, choices };
}

/** The submit of the option titled `title` in a choice list with the list's button under it. */
function pick(calls: readonly ReceivedCall[], title: string): Record<string, unknown> {
  const { choices } = controlsOf(calls);
  for (const list of [...choices].reverse()) {
    const option = list.options.find((o) => o.title === title);
    if (option && list.button) return { ...list.button.data, ...option.data };
  }
  throw new Error(`no option "${title}" in: ${choices.flatMap((l) => l.options.map((o) => o.title)).join(', ')}`);
}

// ---- English that must not reach a Spanish speaker ----------------------------------------------------------------

function flattenJson(value: unknown, prefix = ''): Array<[string, string]> {
  if (typeof value === 'string') return [[prefix, value]];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => flattenJson(v, prefix ? `${prefix}.${k}` : k));
}
function catalogue(locale: string): Map<string, string> {
  const dir = join(__dirname, '..', '..', 'locales', locale);
  // intents.json holds what people may type, not what Signet says.
  const files = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'intents.json');
  return new Map(files.flatMap((f) => flattenJson(JSON.parse(readFileSync(join(dir, f), 'utf8')), f.replace(/\.json$/, ''))));
}
/**
 * The English-only pieces of the en-US catalogue: each text's words between its {{placeholders}}, long enough to be
 * a phrase (12+ characters), and found nowhere in the Spanish catalogue (brand words, STOP, URLs are shared).
 */
function englishOnlyPhrases(): string[] {
  const english = catalogue('en-US');
  const spanish = catalogue('es-US');
  const spanishText = [...spanish.values()].join('\n');
  const phrases = new Set<string>();
  for (const [key, text] of english) {
    if (spanish.get(key) === text) continue;
    for (const piece of text.split(/\{\{[^}]*\}\}|\$t\([^)]*\)|\n/)) {
      const phrase = piece.replace(/[*_`]/g, '').trim();
      if (phrase.length >= 12 && /[a-z]{3}/i.test(phrase) && !spanishText.includes(phrase)) phrases.add(phrase);
    }
  }
  return [...phrases];
}

const ENGLISH_ONLY = englishOnlyPhrases();
/** Each text holding English-only phrases, with the phrases found. */
function englishIn(said: readonly string[]): string[] {
  return [...new Set(said)].flatMap((text) => {
    const found = ENGLISH_ONLY.filter((p) => text.includes(p));
    return found.length > 0 ? [`${text}  <-  ${found.map((p) => `"${p}"`).join(', ')}`] : [];
  });
}

// ---- the journey -------------------------------------------------------------------------------------------------

describe('a Spanish-speaking parent, end to end over HTTP', () => {
  let s: Signet;
  let clock: FixedClock;
  /** Everything the person saw, heard or read on any channel, for the English check. */
  let everything: string[];
  const es = (key: string, params?: Record<string, string | number>): string => s.i18n.t('es-US', key, params);
  const en = (key: string, params?: Record<string, string | number>): string => s.i18n.t('en-US', key, params);

  beforeEach(async () => {
    clock = new FixedClock(T0);
    s = await startSignet({ stores: createMemoryStores(), org: ORG as never, clock });
    everything = [];
  });
  afterEach(async () => {
    await s.close();
  });

  /** One Teams message from the parent (typed text, or a card's submit); what the bot sent back in that turn. */
  async function teams(input: string | Record<string, unknown>, locale = 'es-US'): Promise<{ text: string; calls: ReceivedCall[] }> {
    const before = s.connector.received.length;
    const res = await s.activity(typeof input === 'string' ? { text: input, locale } : { text: '', value: input, locale });
    expect(res.status).toBe(200);
    const calls = sent(s.connector.received.slice(before));
    const words = calls.flatMap((c) => wordsOf(c.body));
    everything.push(...words);
    return { text: words.join('\n'), calls };
  }
  /** Teams messages that reached the chat since `before` without the person writing (proactive notices). */
  function noticesSince(before: number): string {
    const words = sent(s.connector.received.slice(before)).flatMap((c) => wordsOf(c.body));
    everything.push(...words);
    return words.join('\n');
  }
  let smsCounter = 0;
  /** A text from the parent's phone; the <Message> Signet answers with. */
  async function texted(body: string, from = PHONE): Promise<string> {
    const res = await s.twilioPost(SMS_PATH, { MessageSid: `SMes${String(++smsCounter).padStart(30, '0')}`, AccountSid: 'AC0123456789abcdef0123456789abcdef', From: from, To: '+12065550100', Body: body, NumMedia: '0' });
    expect(res.status).toBe(200);
    const message = parseXml(res.text).children.find((c) => c.name === 'Message')?.text ?? '';
    if (message !== '') everything.push(message);
    return message;
  }
  /** The last text Signet asked Twilio to send, as the parent reads it. */
  function lastText(): string {
    const body = String(s.twilio.messages().at(-1)?.params['Body'] ?? '');
    everything.push(body);
    return body;
  }
  const codeIn = (text: string): string => {
    const match = /\b(\d{6})\b/.exec(text);
    if (!match) throw new Error(`no code in: ${text}`);
    return match[1]!;
  };
  /** The call Signet placed last, answered by the parent: the TwiML they hear, and the <Gather> to press keys on. */
  async function answerCall(to = PHONE): Promise<{ says: XmlElement[]; gather: XmlElement }> {
    const call = s.twilio.calls().at(-1)!;
    expect(call.params['To']).toBe(to);
    const answer = new URL(String(call.params['Url']));
    const res = await s.twilioPost(`${answer.pathname}${answer.search}`, callParams(call.sid!, { To: to }));
    const elements = flatten(parseXml(res.text));
    const says = elements.filter((e) => e.name === 'Say');
    everything.push(...says.map((e) => e.text));
    const gather = elements.find((e) => e.name === 'Gather');
    if (!gather) throw new Error(`no <Gather> in ${res.text}`);
    return { says, gather };
  }
  async function press(gather: XmlElement, digits: string, sid: string): Promise<XmlElement[]> {
    const action = new URL(gather.attributes['action']!);
    expect(`${action.origin}`).toBe(PUBLIC_BASE_URL);
    const res = await s.twilioPost(`${action.pathname}${action.search}`, callParams(sid, { Digits: digits }));
    const says = flatten(parseXml(res.text)).filter((e) => e.name === 'Say');
    everything.push(...says.map((e) => e.text));
    return says;
  }
  const callParams = (sid: string, extra: Record<string, string> = {}): Record<string, string> => twilioCallParams(sid, { To: PHONE, AnsweredBy: 'human', ...extra });

  const stored = () => s.stores.users.get(PERSON.id);

  /** Nothing the person saw or heard holds a phrase that exists only in English. */
  function expectNoEnglish(): void {
    expect(englishIn(everything)).toEqual([]);
  }

  it('when an English reply is among what was said, then the English check names it (the check can fail)', () => {
    const leaks = englishIn([es('enrollment.verified.phone', { phone: PHONE_SHOWN }), en('enrollment.phone.codeTexted', { phone: PHONE_SHOWN, minutes: 10 }), en('sms.keyword.help', { org: 'Signet Demo School', contact: '+1 555 0100' })]);
    expect(leaks).toHaveLength(2);
  });

  it('when the parent registers a mobile by a call where they press #, then their email, all in their own Spanish words, then every word is Spanish and both methods are stored', async () => {
    const hello = await teams('hola');
    expect(hello.text).toContain(es('common.welcome', { orgName: 'Signet Demo School' }));

    const choose = await teams('quiero configurar la verificación');
    expect(choose.text).toContain(es('enrollment.chooseMethod', { position: 1, required: 2 }));
    expect(controlsOf(choose.calls).choices.flatMap((l) => l.options.map((o) => o.title))).toContain(es('teams.methodLabels.mobilePhone'));

    const phone = await teams('mi celular');
    expect(phone.text).toContain(es('enrollment.phone.askNumber', { country: 'US' }).split('?')[0]!);
    const how = await teams('206 555 0123');
    expect(how.text).toContain(PHONE_SHOWN);

    const textedCode = await teams('mándame un mensaje');
    expect(textedCode.text).toContain(es('enrollment.phone.codeTexted', { phone: PHONE_SHOWN, minutes: 10 }));
    const firstText = lastText();
    expect(firstText).toContain(codeIn(firstText));
    expect(firstText).toBe(es('sms.enrollmentCode', { code: codeIn(firstText), org: 'Signet Demo School', minutes: 10 }));

    // A question mid-step is answered in Spanish and nothing more is sent.
    const textsBefore = s.twilio.messages().length;
    const missing = await teams('no me llegó el código');
    expect(missing.text).toContain(es('faq.didntGetCode.question'));
    expect(missing.text).toContain(es('common.helpDesk.hours', { hours: 'de lunes a viernes, de 8:00 a 16:00' }));
    expect(missing.text).not.toContain('Monday');
    const hash = await teams('¿qué es la tecla numeral?');
    expect(hash.text).toContain('tecla numeral (#)');
    expect(s.twilio.messages()).toHaveLength(textsBefore);

    // "Call me instead" waits out the resend pause like any new send; then Signet calls, in Spanish.
    clock.advance(31_000);
    const callsBefore = s.twilio.calls().length;
    const calling = await teams('llámame mejor');
    expect(calling.text).toContain(es('enrollment.phone.callingPressKey', { phone: PHONE_SHOWN, hash: es('common.hashKey.pound') }));
    expect(s.twilio.calls()).toHaveLength(callsBefore + 1);
    expect(String(s.twilio.calls().at(-1)!.params['Url'])).toContain('locale=es-US');

    const { says, gather } = await answerCall();
    expect(says.map((e) => [e.attributes['language'], e.attributes['voice']])).toEqual([['es-US', 'Polly.Lupe']]);
    // Heard, not read: the key's name without the symbol.
    expect(says[0]!.text).toContain('la tecla numeral');
    expect(says[0]!.text).toContain('Signet Demo School');
    const noticesFrom = s.connector.received.length;
    const verified = await press(gather, '#', s.twilio.calls().at(-1)!.sid!);
    expect(verified.map((e) => e.text)).toEqual([es('enrollment.verified.phone', { phone: PHONE_SHOWN })]);
    expect(verified.every((e) => e.attributes['language'] === 'es-US' && e.attributes['voice'] === 'Polly.Lupe')).toBe(true);
    // Teams is told in Spanish, with the next step.
    const notice = noticesFrom === s.connector.received.length ? '' : noticesSince(noticesFrom);
    expect(notice).toContain(es('enrollment.verified.phone', { phone: PHONE_SHOWN }));
    expect(notice).toContain(es('enrollment.progress.more', { done: 1, required: 2 }));

    // The second method: the email, by a code mailed in Spanish.
    const second = await teams('agregar un método');
    const email = await teams(pick(second.calls, es('teams.methodLabels.email')));
    expect(email.text).toContain(es('enrollment.email.askAddress'));
    const mailed = await teams('mama.garcia@example.com');
    // The address is shown masked in the chat.
    expect(mailed.text).toContain(es('enrollment.email.codeSent', { address: 'ma•••@example.com', minutes: 10 }));
    const mail = s.mail.last('mail');
    if (mail?.type !== 'mail') throw new Error('no code mailed');
    everything.push(mail.subject, mail.text);
    expect(mail.locale).toBe('es-US');
    expect(mail.subject).toBe(es('email.enrollmentCode.subject', { org: 'Signet Demo School' }));
    const done = await teams(codeIn(mail.text));
    expect(done.text).toContain(es('enrollment.verified.email', { address: 'ma•••@example.com' }));
    expect(done.text).toContain(es('enrollment.progress.complete', { count: 2 }));
    // The closing summary by the usage table, in Spanish, and the menu card after it.
    expect(done.text).toContain(es('teams.summary', { methods: es('methods.mobilePhone') }));
    expect(done.text).toContain(es('teams.summaryResetOnly', { methods: es('methods.email') }));
    expect(done.text).toContain(es('teams.summaryReset', { methods: `${es('methods.mobilePhone')}, ${es('methods.email')}` }));
    expect(controlsOf(done.calls).buttons.map((b) => b.title)).toEqual([es('teams.menu.register'), es('teams.menu.add'), es('teams.menu.manage'), es('teams.menu.help')]);

    const user = await stored();
    expect(user?.locale).toBe('es-US');
    expect(user?.methods.map((m) => [m.kind, 'number' in m ? m.number : 'address' in m ? m.address : null])).toEqual([
      ['mobilePhone', PHONE],
      ['email', 'mama.garcia@example.com'],
    ]);
    expectNoEnglish();
  });

  it('when the parent replies to the texted code by SMS and texts AYUDA, STOP and START, then each answer is Spanish and Teams continues in Spanish', async () => {
    await teams('quiero configurar la verificación');
    await teams('mi celular');
    await teams('206 555 0123');
    await teams('mándame un mensaje');
    const code = codeIn(lastText());

    const noticesFrom = s.connector.received.length;
    const reply = await texted(code);
    expect(reply).toBe(es('enrollment.verified.phone', { phone: PHONE_SHOWN }));
    const notice = noticesSince(noticesFrom);
    expect(notice).toContain(es('enrollment.verified.phone', { phone: PHONE_SHOWN }));
    expect(notice).toContain(es('enrollment.progress.more', { done: 1, required: 2 }));
    expect((await stored())?.methods.map((m) => m.kind)).toEqual(['mobilePhone']);

    const help = await texted('AYUDA');
    expect(help.startsWith(es('sms.keyword.help', { org: 'Signet Demo School', contact: '' }).split(':')[0]!)).toBe(true);
    expect(help).toContain('+1 555 0100');
    expect(await texted('HELP')).toBe(help);
    expect(await texted('STOP')).toBe('');
    expect(await s.stores.optOuts.get(PHONE)).toMatchObject({ optedOut: true });
    expect(await texted('START')).toBe(es('sms.keyword.started', { org: 'Signet Demo School' }));
    expect(await s.stores.optOuts.get(PHONE)).toMatchObject({ optedOut: false });
    expectNoEnglish();
  });

  it('when a parent whose Teams is English says "español", then the next texted code, call and Teams notice are Spanish; after "English", English again', async () => {
    await teams('hello', 'en-US');
    const switched = await teams('español', 'en-US');
    expect(switched.text).toContain(es('teams.language.switched'));
    expect(await stored()).toMatchObject({ locale: 'es-US', localeChosen: true });

    // Teams still sends en-US: the person's choice wins, on every channel.
    await teams('quiero configurar la verificación', 'en-US');
    await teams('mi celular', 'en-US');
    await teams('206 555 0123', 'en-US');
    const textedCode = await teams('mándame un mensaje', 'en-US');
    expect(textedCode.text).toContain(es('enrollment.phone.codeTexted', { phone: PHONE_SHOWN, minutes: 10 }));
    const code = codeIn(lastText());
    expect(lastText()).toBe(es('sms.enrollmentCode', { code, org: 'Signet Demo School', minutes: 10 }));
    await callInsteadIn('llámame mejor');
    const { says, gather } = await answerCall();
    expect(says.map((e) => [e.attributes['language'], e.attributes['voice']])).toEqual([['es-US', 'Polly.Lupe']]);
    // Heard, not read: the key's name without the symbol.
    expect(says[0]!.text).toContain('la tecla numeral');
    const spanishNotice = s.connector.received.length;
    await press(gather, '#', s.twilio.calls().at(-1)!.sid!);
    // The notice in the chat follows the person's language, not the locale Teams put in the conversation.
    expect(noticesSince(spanishNotice)).toContain(es('enrollment.verified.phone', { phone: PHONE_SHOWN }));

    const back = await teams('English please', 'en-US');
    expect(back.text).toContain(en('teams.language.switched'));
    expect(await stored()).toMatchObject({ locale: 'en-US' });
    await teams('add a method', 'en-US');
    await teams('alternate phone', 'en-US');
    await teams('206 555 0124', 'en-US');
    await callInsteadIn('call me');
    const english = await answerCall(OTHER_PHONE);
    expect(english.says.map((e) => [e.attributes['language'], e.attributes['voice']])).toEqual([['en-US', 'Polly.Joanna']]);
    expect(english.says[0]!.text).toContain('pound key');
    await callInsteadIn('text me instead');
    const englishCode = codeIn(lastText());
    expect(lastText()).toBe(en('sms.enrollmentCode', { code: englishCode, org: 'Signet Demo School', minutes: 10 }));

    // The code texted in English is replied by SMS: the answer and the Teams notice are English too.
    const noticesFrom = s.connector.received.length;
    expect(await texted(englishCode, OTHER_PHONE)).toBe(en('enrollment.verified.phone', { phone: OTHER_SHOWN }));
    expect(noticesSince(noticesFrom)).toContain(en('enrollment.verified.phone', { phone: OTHER_SHOWN }));
    expect((await stored())?.methods.map((m) => m.kind)).toEqual(['mobilePhone', 'alternatePhone']);
  });

  it('when a parent who chose Spanish in an English Teams presses an Action.Execute button, then the card Teams shows in its place is Spanish too', async () => {
    await teams('español', 'en-US');
    const choose = await teams('quiero configurar la verificación', 'en-US');
    const res = await s.activity({ type: 'invoke', name: 'adaptiveCard/action', text: undefined, locale: 'en-US', value: { action: { type: 'Action.Execute', verb: 'choose', data: pick(choose.calls, es('teams.methodLabels.mobilePhone')) }, trigger: 'manual' } });
    expect(res.status).toBe(200);
    const card = res.json<{ value: { body: Array<{ text: string }> } }>().value;
    expect(card.body.map((b) => b.text)).toEqual([es('teams.cardAnswered')]);
    expect((await stored())?.enrollment?.step.name).toBe('enteringPhone');
  });

  /** A "send it another way" command once the resend pause is over: something new goes out. */
  async function callInsteadIn(command: string): Promise<void> {
    clock.advance(31_000);
    const sentBefore = s.twilio.requests.length;
    await teams(command, 'en-US');
    expect(s.twilio.requests.length).toBeGreaterThan(sentBefore);
  }
});
