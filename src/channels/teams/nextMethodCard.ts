// When another channel finishes a method and registration needs more ("let's set up the next one"), the Teams
// notice carries a button that opens the next method, so the person need not know to type "Set up MFA".
import type { Activity } from 'botbuilder';
import { reply, type Reply } from '../../domain/effects';
import type { ReplyRenderer } from '../../ports/deliveryPorts';
import { adaptiveCard } from '../../../dialogs/cards/adaptiveCards';

export const PROGRESS_MORE_KEY = 'enrollment.progress.more';

/** The notice with a "Set up MFA" button (the main menu's own submit data); null for any other reply. */
export function nextMethodActivity(render: ReplyRenderer, locale: string, message: Reply): Partial<Activity> | null {
  if (message.key !== PROGRESS_MORE_KEY) return null;
  const text = render(locale, message);
  const card = adaptiveCard({
    texts: [text],
    // The same data the main menu's "Set up MFA" sends (dialogs/routerDialog.ts), so the router opens registration.
    choices: [{ id: 'register', title: render(locale, reply('teams.menu.register')), data: { signet: 1, action: 'menu', item: 'register' } }],
  });
  return { type: 'message', attachments: [card] };
}
