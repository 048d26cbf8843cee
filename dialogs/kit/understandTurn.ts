// The one place a dialog asks what a typed message means: the NLU (src/nlu) with the step the person is at, so a
// question, a command or the step's own answer is told apart the same way at every step, and "nothing understood"
// always says what can be said there.
import type { TurnContext } from 'botbuilder';
import type { Understanding } from '../../src/nlu/intentRecognizer';
import type { DialogServices } from './dialogServices';
import { isMadeOfPhrases, matchesPhrase } from '../typed/choiceMatcher';
import { phrases } from './turnInput';
import { turnUser } from './turnUser';

/** The `help.steps.*` key a step explains itself with, to the NLU's step name ("help.steps.codeSent" → "codeSent"). */
export function stepOfHelpKey(helpKey: string): string {
  const prefix = 'help.steps.';
  return helpKey.startsWith(prefix) ? helpKey.slice(prefix.length) : helpKey;
}

/** What the typed `text` means where the person is (`helpKey` of the step; none in a fresh chat). */
export function understandTyped(services: DialogServices, context: TurnContext, text: string, helpKey?: string): Promise<Understanding> {
  const step = helpKey === undefined ? undefined : stepOfHelpKey(helpKey);
  return services.nlu.understand(text, turnUser(context).locale, step === undefined ? {} : { step });
}

/** "I didn't catch that" and what can be said at this step: never silence, never the welcome again. */
export function notUnderstoodTexts(services: DialogServices, locale: string, helpKey: string): string[] {
  return [services.i18n.t(locale, 'teams.notUnderstood'), services.i18n.t(locale, helpKey), services.i18n.t(locale, 'help.everywhere')];
}

/**
 * "thanks", "ok", "one sec": words that ask for nothing, matched against the locale's closed list before the
 * classifier, which knows "thanks" only from "no thanks, stop" and read it as cancel (measured: "thanks" → cancel
 * 0.98, "gracias" → cancel 1.00, "one sec" → resend). A trained intent for them was measured too: it cost the held-out
 * accuracy about a point in every locale, as such one-word fillers share no words to learn from. Strung together
 * ("ok thanks, got it", "great, thanks a lot for your help") they are small talk too.
 */
export function isSmallTalk(services: DialogServices, locale: string, text: string): boolean {
  const smallTalk = phrases(services.i18n, locale, 'smallTalk');
  return matchesPhrase(text, smallTalk) || isMadeOfPhrases(text, smallTalk);
}
