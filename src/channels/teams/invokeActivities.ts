// Teams `invoke` activities: reads the submit data of an Adaptive Card Action.Execute (`adaptiveCard/action`),
// builds the invoke responses the Bot Framework contract expects, and notes each unhandled invoke name once.
import type { AdaptiveCardInvokeResponse, InvokeResponse } from 'botbuilder';
import type { Logger } from '../../logging/logger';

export const ADAPTIVE_CARD_ACTION = 'adaptiveCard/action';

/**
 * What an Action.Submit would have put in `activity.value`: Action.Execute carries it in `value.action.data`.
 * Null when the invoke is not a well-formed Action.Execute with object data.
 */
export function readExecuteData(value: unknown): Record<string, unknown> | null {
  if (!isObject(value) || !isObject(value['action'])) return null;
  const action = value['action'];
  if (action['type'] !== 'Action.Execute') return null;
  const data = action['data'];
  return isObject(data) ? data : null;
}

/** 200 with an Adaptive Card that replaces the pressed card: a short acknowledgement (the answer is in the chat). */
export function cardInvokeResponse(text: string): InvokeResponse<AdaptiveCardInvokeResponse> {
  const card = { type: 'AdaptiveCard', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', version: '1.4', body: [{ type: 'TextBlock', text, wrap: true }] };
  return { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card } };
}

/** 400 in the Adaptive Card error shape, for an `adaptiveCard/action` that is not a usable Action.Execute. */
export function badExecuteResponse(): InvokeResponse<AdaptiveCardInvokeResponse> {
  return { status: 400, body: { statusCode: 400, type: 'application/vnd.microsoft.error', value: { code: 'BadRequest', message: 'Expected an Action.Execute with object data.' } } };
}

// Invoke names are chosen by the sender: cap how many distinct ones are remembered and how much of each is logged.
const MAX_REMEMBERED_NAMES = 100;
const MAX_LOGGED_NAME_LENGTH = 64;

/** Logs an invoke this app does not handle, once per name per process, with its name only (never its payload). */
export class UnhandledInvokeLog {
  private readonly seen = new Set<string>();

  constructor(private readonly logger?: Logger) {}

  note(name: unknown): void {
    const shown = typeof name === 'string' ? name.slice(0, MAX_LOGGED_NAME_LENGTH) : '(none)';
    if (this.seen.has(shown) || this.seen.size >= MAX_REMEMBERED_NAMES) return;
    this.seen.add(shown);
    this.logger?.info('Teams invoke not handled; answered 200 with no effect', { invokeName: shown });
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
