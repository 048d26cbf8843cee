// What the person sent this turn, read once: the typed text (cut to the limit) or the submit data of one of our
// cards, and the global commands (cancel, back, help, different method) pressed on any card (typed ones are
// understood by the NLU: kit/understandTurn.ts).
import type { TurnContext } from 'botbuilder';
import type { I18n } from '../../src/i18n';
import { cutStrings, cutText } from '../../src/channels/inputLimits';

/** The data our cards put in activity.value: an action, and for enrollment cards the enrollment and step. */
export interface CardData {
  readonly signet: 1;
  readonly action: string;
  readonly enrollmentId?: string;
  readonly step?: string;
  readonly [field: string]: unknown;
}

export interface TurnInput {
  readonly text: string;
  /** Our card's submit data merged with its inputs; null for typed text or someone else's card. */
  readonly value: CardData | null;
}

export function readInput(context: TurnContext): TurnInput {
  const activity = context.activity;
  // Cut again here (the bot cuts at the turn's entry) so that no dialog ever parses more than the limit.
  const text = typeof activity.text === 'string' ? cutText(activity.text).trim() : '';
  const raw: unknown = cutStrings(activity.value);
  const value =
    raw !== null && typeof raw === 'object' && !Array.isArray(raw) && (raw as { signet?: unknown }).signet === 1 && typeof (raw as { action?: unknown }).action === 'string'
      ? (raw as CardData)
      : null;
  return { text, value };
}

/** A string field of a card submit (an input's value), trimmed; '' when absent. */
export function field(value: CardData | null, name: string): string {
  const v = value?.[name];
  return typeof v === 'string' ? v.trim() : '';
}

export type GlobalCommand = 'cancel' | 'back' | 'help' | 'differentMethod';
const GLOBAL_COMMANDS: readonly GlobalCommand[] = ['cancel', 'back', 'help', 'differentMethod'];

// Translations never change once loaded, and a turn asks for several commands' phrases (sign-in "deny", the router's,
// the help desk's): each list is split once per locale and kept, frozen, per I18n (bounded: locales come from people).
const phraseLists = new WeakMap<I18n, Map<string, readonly string[]>>();
const MAX_PHRASE_LISTS = 500;

/** The phrases of a command in a locale: `<flow>.commands.<name>` holds them separated by "|". */
export function phrases(i18n: I18n, locale: string, name: string, flow: 'teams' | 'helpdesk' = 'teams'): readonly string[] {
  let lists = phraseLists.get(i18n);
  if (lists === undefined) {
    lists = new Map();
    phraseLists.set(i18n, lists);
  }
  const key = `${locale}\u0000${flow}.commands.${name}`;
  let list = lists.get(key);
  if (list === undefined) {
    list = Object.freeze(i18n.t(locale, `${flow}.commands.${name}`).split('|'));
    if (lists.size < MAX_PHRASE_LISTS) lists.set(key, list);
  }
  return list;
}

/** The global command a card button carries, or null. */
export function cardCommand(input: TurnInput): GlobalCommand | null {
  const action = input.value?.action;
  return action !== undefined && (GLOBAL_COMMANDS as readonly string[]).includes(action) ? (action as GlobalCommand) : null;
}
