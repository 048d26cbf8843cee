// When another channel finishes a method and registration needs more ("let's set up the next one"), the Teams
// notice carries the next step: the methods the core says may be chosen now, in a drop-down with one button that
// starts that method, so the chat goes on where the phone left off instead of showing a lone menu button.
import type { Activity } from 'botbuilder';
import { reply, type Reply } from '../../domain/effects';
import { isMethodKind } from '../../domain/methodKinds';
import type { ReplyRenderer } from '../../ports/deliveryPorts';
import { adaptiveCard, choiceSetInput } from '../../../dialogs/cards/adaptiveCards';

export const PROGRESS_MORE_KEY = 'enrollment.progress.more';

/** The Input.ChoiceSet id the chosen method comes back under (the router reads it with the menu submit). */
export const NEXT_KIND_INPUT = 'kind';

/** The notice with the next method's choice (or a "Set up MFA" button when none is named); null for other replies. */
export function nextMethodActivity(render: ReplyRenderer, locale: string, message: Reply): Partial<Activity> | null {
  if (message.key !== PROGRESS_MORE_KEY) return null;
  const text = render(locale, message);
  // The same data the main menu's "Set up MFA" sends (dialogs/routerDialog.ts), so the router opens registration.
  const register = { signet: 1, action: 'menu', item: 'register' };
  const next = typeof message.params?.['next'] === 'string' ? message.params['next'].split(',').filter(isMethodKind) : [];
  const position = message.params?.['position'];
  if (next.length === 0 || typeof position !== 'number') {
    const card = adaptiveCard({ texts: [text], choices: [{ id: 'register', title: render(locale, reply('teams.menu.register')), data: register }] });
    return { type: 'message', attachments: [card] };
  }
  const label = render(locale, reply('enrollment.chooseMethod', { position, required: message.params?.['required'] ?? position }));
  const options = next.map((kind) => ({ title: render(locale, reply(`teams.methodLabels.${kind}`)), value: kind }));
  const card = adaptiveCard({
    texts: [text],
    // One drop-down and one button: fits the five-action limit however many methods are left.
    body: [choiceSetInput(NEXT_KIND_INPUT, label, options, render(locale, reply('teams.pickOne')), { value: next[0]! })],
    choices: [{ id: 'register', title: render(locale, reply('teams.buttons.setUpChosen')), data: register }],
    fallbackExtra: [label],
  });
  return { type: 'message', attachments: [card] };
}
