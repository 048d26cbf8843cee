// Adaptive Card (1.5, Action.Submit) builders for the Teams dialogs. Every card carries a plain-text fallback
// (the card's own fallbackText, used by clients without cards) that lists the choices by number for typing.
import { CardFactory, type Attachment } from 'botbuilder';

export type CardElement = Readonly<Record<string, unknown>>;

export interface CardChoice {
  /** Stable id the dialog matches on (not shown). */
  readonly id: string;
  readonly title: string;
  /** Merged into activity.value on submit, together with the card's inputs. */
  readonly data: Readonly<Record<string, unknown>>;
  /** Teams shows a destructive action in red (e.g. "Deny — this wasn't me"). */
  readonly style?: 'positive' | 'destructive';
}

export interface CardSpec {
  /** Paragraphs shown at the top (already translated). */
  readonly texts: readonly string[];
  /** Further elements (images, inputs) after the texts. */
  readonly body?: readonly CardElement[];
  readonly choices: readonly CardChoice[];
  /** Extra lines for the text fallback (e.g. the secret key when the image cannot be shown). */
  readonly fallbackExtra?: readonly string[];
  /** Replaces the numbered text version, where typing a position would mean something else. */
  readonly fallback?: string;
}

export const ADAPTIVE_CARD_VERSION = '1.5';

export function textBlock(text: string, options: { weight?: 'Bolder'; size?: 'Medium' | 'Small'; isSubtle?: boolean } = {}): CardElement {
  return { type: 'TextBlock', text, wrap: true, ...options };
}

export function textInput(id: string, label: string, options: { placeholder?: string; isRequired?: boolean; maxLength?: number } = {}): CardElement {
  return { type: 'Input.Text', id, label, ...options };
}

export function choiceSetInput(id: string, label: string, choices: readonly { title: string; value: string }[]): CardElement {
  return { type: 'Input.ChoiceSet', id, label, style: 'compact', isRequired: true, choices: choices.map((c) => ({ title: c.title, value: c.value })) };
}

export function imageElement(url: string, altText: string, size: 'Medium' | 'Large' = 'Medium'): CardElement {
  return { type: 'Image', url, altText, size };
}

/** The numbered text version of a card, for clients without cards and for the transcript tests. */
export function fallbackText(spec: CardSpec): string {
  const lines = [...spec.texts, ...(spec.fallbackExtra ?? [])];
  spec.choices.forEach((c, i) => lines.push(`${i + 1}. ${c.title}`));
  return lines.join('\n');
}

export function adaptiveCard(spec: CardSpec): Attachment {
  const fallback = spec.fallback ?? fallbackText(spec);
  return CardFactory.adaptiveCard({
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: ADAPTIVE_CARD_VERSION,
    fallbackText: fallback,
    speak: spec.texts.join(' '),
    body: [...spec.texts.map((t) => textBlock(t)), ...(spec.body ?? [])],
    actions: spec.choices.map((c) => ({ type: 'Action.Submit', title: c.title, data: c.data, ...(c.style ? { style: c.style } : {}) })),
  });
}
