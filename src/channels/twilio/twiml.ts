// Pure TwiML rendering: a list of texts becomes a <Message>, a voice script becomes <Say>/<Gather>/<Hangup> in
// the locale's language and voice. No I/O, no decisions: what to say was decided before.
import twilio from 'twilio';
import type { Reply } from '../../domain/effects';
import type { ReplyRenderer } from '../../ports/deliveryPorts';

export type VoiceStep =
  | { readonly type: 'say'; readonly message: Reply }
  /** Waits for one key; `#` is a key like any other (finishOnKey=""), and no key still requests `action`. */
  | { readonly type: 'gather'; readonly action: string; readonly prompt: readonly Reply[] }
  | { readonly type: 'hangup' };

export interface VoiceScript {
  readonly locale: string;
  readonly steps: readonly VoiceStep[];
}

type SayAttributes = { language: 'en-US' | 'en-GB'; voice: 'Polly.Joanna' | 'Polly.Amy' };

/** <Say> language and voice per locale (protocols.md 2.2); an unknown locale speaks American English. */
const VOICES: Readonly<Record<string, SayAttributes>> = {
  'en-US': { language: 'en-US', voice: 'Polly.Joanna' },
  'en-GB': { language: 'en-GB', voice: 'Polly.Amy' },
};

export function sayAttributes(locale: string): SayAttributes {
  return VOICES[locale] ?? VOICES['en-US']!;
}

/** How long a caller has to press a key once the prompt has been said. */
const GATHER_TIMEOUT_SECONDS = 8;

export function renderVoice(script: VoiceScript, render: ReplyRenderer): string {
  const response = new twilio.twiml.VoiceResponse();
  const attributes = sayAttributes(script.locale);
  for (const step of script.steps) {
    switch (step.type) {
      case 'say':
        response.say(attributes, render(script.locale, step.message));
        break;
      case 'gather': {
        const gather = response.gather({
          input: ['dtmf'],
          numDigits: 1,
          // Twilio's default finishOnKey is "#", which would swallow the very key we ask for.
          finishOnKey: '',
          timeout: GATHER_TIMEOUT_SECONDS,
          actionOnEmptyResult: true,
          action: step.action,
          method: 'POST',
        });
        for (const prompt of step.prompt) gather.say(attributes, render(script.locale, prompt));
        break;
      }
      case 'hangup':
        response.hangup();
        break;
    }
  }
  return response.toString();
}

/** One <Message> with the replies joined (one text, not several), or an empty <Response/> when there are none. */
export function renderSms(locale: string, replies: readonly Reply[], render: ReplyRenderer): string {
  const response = new twilio.twiml.MessagingResponse();
  if (replies.length > 0) response.message(replies.map((r) => render(locale, r)).join(' '));
  return response.toString();
}
