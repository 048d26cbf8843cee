// The Teams sign-in approval card (number matching): built from the machine's `verification.teams.request` reply
// for the notifier to send, and read back from the card's submit data or from what the person typed instead.
import type { Activity } from 'botbuilder';
import { reply, type Reply } from '../../domain/effects';
import type { ReplyRenderer } from '../../ports/deliveryPorts';
import type { SignInAnswer } from '../../app/answerSignInCard';
import { adaptiveCard, type CardChoice } from '../../../dialogs/cards/adaptiveCards';
import { matchesPhraseNormalised, normaliseTyped } from '../../../dialogs/typed/choiceMatcher';

/** The reply the challenge machine emits for a Teams challenge; the notifier turns it into this card. */
export const SIGN_IN_REQUEST_KEY = 'verification.teams.request';
/** `action` of the card's submit data (CardData shape, see dialogs/kit/turnInput.ts). */
export const SIGN_IN_ACTION = 'signIn:answer';

export type { SignInAnswer };

export interface SignInSubmit {
  readonly challengeId: string;
  readonly answer: SignInAnswer;
}

/** The card (with its text fallback) for a `verification.teams.request` reply; null for any other reply. */
export function signInRequestActivity(render: ReplyRenderer, locale: string, message: Reply): Partial<Activity> | null {
  if (message.key !== SIGN_IN_REQUEST_KEY) return null;
  const params = message.params ?? {};
  const challengeId = String(params['challengeId'] ?? '');
  const application = String(params['application'] ?? '');
  const location = String(params['location'] ?? '');
  const numbers = String(params['choices'] ?? '')
    .split(' ')
    .filter((n) => /^\d+$/.test(n))
    .map(Number);
  if (challengeId === '' || numbers.length === 0) return null;
  const say = (key: string, p?: Readonly<Record<string, string | number>>): string => render(locale, reply(key, p));
  const title = location === '' ? say('teams.signIn.title', { application }) : say('teams.signIn.titleNear', { application, location });
  const instruction = say('teams.signIn.chooseNumber');
  const data = (answer: SignInAnswer): Record<string, unknown> => ({ signet: 1, action: SIGN_IN_ACTION, challengeId, ...(answer.kind === 'number' ? { answer: 'number', value: answer.value } : { answer: 'deny' }) });
  const numberChoices: CardChoice[] = numbers.map((n) => ({ id: `number:${n}`, title: String(n), data: data({ kind: 'number', value: n }) }));
  const deny: CardChoice = { id: 'deny', title: say('teams.signIn.deny'), data: data({ kind: 'deny' }), style: 'destructive' };
  const card = adaptiveCard({
    texts: [title, instruction],
    // The numbers side by side under the question; "deny" apart, as the card's own action.
    body: [{ type: 'ActionSet', actions: numberChoices.map((c) => ({ type: 'Action.Submit', title: c.title, data: c.data })) }],
    choices: [deny],
    // The numbered fallback would make "1" mean the first button; here the person types the number itself.
    fallback: [title, instruction, say('teams.signIn.typeHint', { choices: numbers.join(', ') })].join('\n'),
  });
  return { type: 'message', attachments: [card] };
}

/** The challenge and answer of an approval card's submit; null when the value is not one. */
export function readSignInSubmit(value: unknown): SignInSubmit | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const v = value as Record<string, unknown>;
  if (v['signet'] !== 1 || v['action'] !== SIGN_IN_ACTION) return null;
  const challengeId = v['challengeId'];
  if (typeof challengeId !== 'string' || challengeId === '' || challengeId.length > 100) return null;
  if (v['answer'] === 'deny') return { challengeId, answer: { kind: 'deny' } };
  const n = v['value'];
  if (v['answer'] === 'number' && typeof n === 'number' && Number.isInteger(n)) return { challengeId, answer: { kind: 'number', value: n } };
  return null;
}

/**
 * Typed text that reads as an answer to an approval card: a number of up to three digits, or a "deny" phrase; null
 * otherwise. Whether the number is one the person's pending card offers is the use case's to check.
 */
export function readTypedSignInAnswer(text: string, denyPhrases: readonly string[]): SignInAnswer | null {
  const typed = normaliseTyped(text);
  if (/^\d{1,3}$/.test(typed)) return { kind: 'number', value: Number(typed) };
  return matchesPhraseNormalised(typed, denyPhrases) ? { kind: 'deny' } : null;
}
