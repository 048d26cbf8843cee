// The webhook addresses Signet gives Twilio. Each carries the delivery's purpose in its query string (the record,
// and for an enrollment which send it is): Twilio signs the full URL, so the purpose cannot be forged, and a
// webhook finds its record and attempt without the provider's id ever being saved.
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
    ...(context.purpose.send !== undefined ? { send: String(context.purpose.send) } : {}),
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
  const send = query.get('send');
  if ((kind !== 'enrollment' && kind !== 'verification' && kind !== 'notice') || !userId || !refId || !locale) return null;
  if (mode !== null && mode !== 'pressKey' && mode !== 'readCode') return null;
  // Absent on addresses given out before sends were numbered; those still work (see isSameSend).
  if (send !== null && !/^[1-9]\d{0,8}$/.test(send)) return null;
  return { purpose: { kind, userId, refId, ...(send !== null ? { send: Number(send) } : {}) }, locale, mode };
}
