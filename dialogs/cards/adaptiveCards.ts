// Adaptive Card (1.5, Action.Submit) builders for the Teams dialogs. Every card carries a plain-text fallback
// (the card's own fallbackText, used by clients without cards) that lists the choices by number for typing.
// Cards fit Teams at phone width: at most MAX_VISIBLE_ACTIONS buttons in view (a choice set or "More options"
// for the rest), and two or more buttons are stacked one per row, so no title is cut at the right edge.
import type { Attachment } from 'botbuilder';

export type CardElement = Readonly<Record<string, unknown>>;

export interface CardChoice {
  /** Stable id the dialog matches on (not shown). */
  readonly id: string;
  readonly title: string;
  /** Merged into activity.value on submit, together with the card's inputs. */
  readonly data: Readonly<Record<string, unknown>>;
  /** Teams shows a destructive action in red (e.g. "Deny — this wasn't me"). */
  readonly style?: 'positive' | 'destructive';
  /** Shown behind the card's "More options" button (an Action.ShowCard) rather than in view. */
  readonly secondary?: boolean;
}

/**
 * A list to pick one from (radio buttons) and the button that sends the pick: for lists longer than a card's
 * buttons allow. Each option's `data` is what pressing it would send (its `data[inputId]` is the value), so typing
 * the option's number works like picking it and pressing `submit`.
 */
export interface CardPicker {
  readonly inputId: string;
  readonly label: string;
  /** Shown by the client when a button is pressed with nothing picked. */
  readonly errorMessage: string;
  readonly options: readonly CardChoice[];
  /** Send the pick (the first is what typing an option's number does): data without `inputId`, merged by the client with the picked value. */
  readonly submits: readonly CardChoice[];
}

export interface CardSpec {
  /** Paragraphs shown at the top (already translated). */
  readonly texts: readonly string[];
  /** Further elements (images, inputs) after the texts. */
  readonly body?: readonly CardElement[];
  /** A pick-one list under the body, before the buttons. */
  readonly picker?: CardPicker;
  readonly choices: readonly CardChoice[];
  /** Title of the button that shows the secondary choices (required when a choice is secondary). */
  readonly moreTitle?: string;
  /** Extra lines for the text fallback (e.g. the secret key when the image cannot be shown). */
  readonly fallbackExtra?: readonly string[];
  /** Replaces the numbered text version, where typing a position would mean something else. */
  readonly fallback?: string;
}

export const ADAPTIVE_CARD_VERSION = '1.5';
/** Teams shows at most this many actions of a card (or of one opened "More options"); the rest are lost. */
export const MAX_VISIBLE_ACTIONS = 5;

export function textBlock(text: string, options: { weight?: 'Bolder'; size?: 'Medium' | 'Small'; isSubtle?: boolean; color?: 'Attention' } = {}): CardElement {
  return { type: 'TextBlock', text, wrap: true, ...options };
}

export function textInput(id: string, label: string, options: { placeholder?: string; isRequired?: boolean; maxLength?: number } = {}): CardElement {
  return { type: 'Input.Text', id, label, ...options };
}

export function choiceSetInput(
  id: string,
  label: string,
  choices: readonly { title: string; value: string }[],
  /** Shown by the client when nothing is picked (a required input needs one). */
  errorMessage: string,
  options: { placeholder?: string; value?: string; style?: 'compact' | 'expanded' } = {},
): CardElement {
  const { style = 'compact', ...rest } = options;
  return { type: 'Input.ChoiceSet', id, label, style, isRequired: true, errorMessage, wrap: true, choices: choices.map((c) => ({ title: c.title, value: c.value })), ...rest };
}

export function imageElement(url: string, altText: string, size: 'Medium' | 'Large' = 'Medium'): CardElement {
  return { type: 'Image', url, altText, size };
}

/** Choices beyond what a card shows in view go behind "More options" (the last ones: the ways out). */
export function fitInView(choices: readonly CardChoice[], inView: number = MAX_VISIBLE_ACTIONS): CardChoice[] {
  if (choices.length <= inView) return [...choices];
  const shown = inView - 1; // one place is the "More options" button
  return choices.map((c, i) => (i < shown ? c : { ...c, secondary: true }));
}

/** Every choice of a card in the order the text fallback numbers them: the picker's options first. */
export function numberedChoices(spec: CardSpec): CardChoice[] {
  return [...(spec.picker?.options ?? []), ...spec.choices];
}

/** The numbered text version of a card, for clients without cards and for the transcript tests. */
export function fallbackText(spec: CardSpec): string {
  const lines = [...spec.texts, ...(spec.fallbackExtra ?? [])];
  numberedChoices(spec).forEach((c, i) => lines.push(`${i + 1}. ${c.title}`));
  return lines.join('\n');
}

const submitAction = (c: CardChoice): CardElement => ({ type: 'Action.Submit', title: c.title, data: c.data, ...(c.style ? { style: c.style } : {}) });
/** One button per row: a row of several would share the width and cut long titles at phone width. */
const stacked = (actions: readonly CardElement[]): CardElement[] => actions.map((a) => ({ type: 'ActionSet', actions: [a] }));

function pickerElements(picker: CardPicker): CardElement[] {
  const options = picker.options.map((o) => ({ title: o.title, value: String(o.data[picker.inputId]) }));
  // The buttons straight under the list (test/teams/teamsHarness.ts `submit` relies on this order).
  return [choiceSetInput(picker.inputId, picker.label, options, picker.errorMessage, { style: 'expanded' }), ...stacked(picker.submits.map(submitAction))];
}

export function adaptiveCard(spec: CardSpec): Attachment {
  const fallback = spec.fallback ?? fallbackText(spec);
  const primary = spec.choices.filter((c) => !c.secondary).map(submitAction);
  const secondary = spec.choices.filter((c) => c.secondary).map(submitAction);
  if (secondary.length > 0) {
    if (spec.moreTitle === undefined) throw new Error('a card with secondary choices needs moreTitle');
    primary.push({ type: 'Action.ShowCard', title: spec.moreTitle, card: { type: 'AdaptiveCard', body: stacked(secondary) } });
  }
  const inView = primary.length + (spec.picker?.submits.length ?? 0);
  if (inView > MAX_VISIBLE_ACTIONS || secondary.length > MAX_VISIBLE_ACTIONS) throw new Error(`a card may show at most ${MAX_VISIBLE_ACTIONS} actions (Teams drops the rest)`);
  // A lone button spans the card's width anyway; it stays the card's own action.
  const alone = primary.length === 1 && !spec.picker;
  return adaptiveCardAttachment({
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: ADAPTIVE_CARD_VERSION,
    fallbackText: fallback,
    speak: spec.texts.join(' '),
    body: [...spec.texts.map((t) => textBlock(t)), ...(spec.body ?? []), ...(spec.picker ? pickerElements(spec.picker) : []), ...(alone ? [] : stacked(primary))],
    actions: alone ? primary : [],
  });
}

/** What botbuilder's CardFactory.adaptiveCard makes. Written here because the notifier, loaded at start-up, imports
 * this file, and start-up must not require botbuilder (~40 MB) for one constant. */
function adaptiveCardAttachment(content: Record<string, unknown>): Attachment {
  return { contentType: ADAPTIVE_CARD_CONTENT_TYPE, content };
}

const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';
