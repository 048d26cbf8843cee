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

/** The phrases of a command in a locale: `<flow>.commands.<name>` holds them separated by "|". */
export function phrases(i18n: I18n, locale: string, name: string, flow: 'teams' | 'helpdesk' = 'teams'): string[] {
  return i18n.t(locale, `${flow}.commands.${name}`).split('|');
}

/** The global command a card button carries, or null. */
export function cardCommand(input: TurnInput): GlobalCommand | null {
  const action = input.value?.action;
  return action !== undefined && (GLOBAL_COMMANDS as readonly string[]).includes(action) ? (action as GlobalCommand) : null;
}
