// The webhook addresses Signet gives Twilio. Each carries the delivery's purpose in its query string: Twilio
// signs the full URL, so the purpose cannot be forged, and a webhook finds its record before any CallSid is saved.
import type { DeliveryPurpose } from '../domain/effects';

export type CallMode = 'pressKey' | 'readCode';

/** What a voice or status webhook learns from its own URL. */
export interface CallbackContext {
  readonly purpose: DeliveryPurpose;
  readonly locale: string;
  readonly mode: CallMode | null;
}

export const TWILIO_PATHS = {
  sms: '/api/twilio/sms',
  voiceAnswer: '/api/twilio/voice/answer',
  voiceKey: '/api/twilio/voice/key',
  callStatus: '/api/twilio/status/call',
  messageStatus: '/api/twilio/status/message',
} as const;

export function callbackQuery(context: CallbackContext, extra: Readonly<Record<string, string>> = {}): string {
  const query = new URLSearchParams({
    kind: context.purpose.kind,
    user: context.purpose.userId,
    ref: context.purpose.refId,
    locale: context.locale,
    ...(context.mode ? { mode: context.mode } : {}),
    ...extra,
  });
  return query.toString();
}

export function callbackUrl(baseUrl: string, path: string, context: CallbackContext, extra: Readonly<Record<string, string>> = {}): string {
  return `${baseUrl}${path}?${callbackQuery(context, extra)}`;
}

/** Reads the context back from a webhook's query; null when it is missing or malformed. */
export function parseCallbackContext(query: URLSearchParams): CallbackContext | null {
  const kind = query.get('kind');
  const userId = query.get('user');
  const refId = query.get('ref');
  const locale = query.get('locale');
  const mode = query.get('mode');
  if ((kind !== 'enrollment' && kind !== 'verification') || !userId || !refId || !locale) return null;
  if (mode !== null && mode !== 'pressKey' && mode !== 'readCode') return null;
  return { purpose: { kind, userId, refId }, locale, mode };
}
