// Pure TwiML rendering: a list of texts becomes a <Message>, a voice script becomes <Say>/<Gather>/<Hangup> in
// the locale's language and voice. No I/O, no decisions: what to say was decided before.
// Written with a small escaping template, not the twilio SDK's XML builder: the builder cost more CPU per SMS than
// the rest of the reply, and the output (same elements, attributes and escaping) is byte-for-byte what it wrote.
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

type SayAttributes =
  | { language: 'en-US'; voice: 'Polly.Joanna' }
  | { language: 'en-GB'; voice: 'Polly.Amy' }
  | { language: 'es-US'; voice: 'Polly.Lupe' };

/** <Say> language and voice per locale (protocols.md 2.2); an unknown locale speaks American English. */
const VOICES: Readonly<Record<string, SayAttributes>> = {
  'en-US': { language: 'en-US', voice: 'Polly.Joanna' },
  'en-GB': { language: 'en-GB', voice: 'Polly.Amy' },
  'es-US': { language: 'es-US', voice: 'Polly.Lupe' },
};

/** The voice of an offered locale (the channel resolves a call's locale first, as the words are). */
export function sayAttributes(locale: string): SayAttributes {
  return VOICES[locale] ?? VOICES['en-US']!;
}

/** How long a caller has to press a key once the prompt has been said. */
const GATHER_TIMEOUT_SECONDS = 8;

export function renderVoice(script: VoiceScript, render: ReplyRenderer): string {
  const attributes = sayAttributes(script.locale);
  const say = (message: Reply): string =>
    `<Say language="${escapeXmlAttribute(attributes.language)}" voice="${escapeXmlAttribute(attributes.voice)}">${escapeXmlText(render(script.locale, message))}</Say>`;
  let body = '';
  for (const step of script.steps) {
    switch (step.type) {
      case 'say':
        body += say(step.message);
        break;
      case 'gather': {
        // Twilio's default finishOnKey is "#", which would swallow the very key we ask for.
        const open =
          `<Gather input="dtmf" numDigits="1" finishOnKey="" timeout="${GATHER_TIMEOUT_SECONDS}" actionOnEmptyResult="true"` +
          ` action="${escapeXmlAttribute(step.action)}" method="POST"`;
        body += step.prompt.length === 0 ? `${open}/>` : `${open}>${step.prompt.map(say).join('')}</Gather>`;
        break;
      }
      case 'hangup':
        body += '<Hangup/>';
        break;
    }
  }
  return response(body);
}

/** One <Message> with the replies joined (one text, not several), or an empty <Response/> when there are none. */
export function renderSms(locale: string, replies: readonly Reply[], render: ReplyRenderer): string {
  if (replies.length === 0) return response('');
  return response(`<Message>${escapeXmlText(replies.map((r) => render(locale, r)).join(' '))}</Message>`);
}

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

function response(body: string): string {
  return body === '' ? `${XML_DECLARATION}<Response/>` : `${XML_DECLARATION}<Response>${body}</Response>`;
}

// Characters XML 1.0 cannot carry at all (C0 controls other than tab/LF/CR, lone surrogates, U+FFFE/U+FFFF): the
// XML builder threw on them (a 500 for the webhook); dropping them keeps the rest of the reply.
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const TEXT_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#xD;' };
const ATTRIBUTE_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '"': '&quot;', '\t': '&#x9;', '\n': '&#xA;', '\r': '&#xD;' };

/** Element text, escaped as the builder did: & < > and CR (a reference, so parsers do not fold it into LF). */
export function escapeXmlText(text: string): string {
  return text.replace(NOT_XML, '').replace(/[&<>\r]/g, (c) => TEXT_ESCAPES[c]!);
}

/** A double-quoted attribute value, escaped as the builder did (whitespace as references, so it survives parsing). */
export function escapeXmlAttribute(value: string): string {
  return value.replace(NOT_XML, '').replace(/[&<"\t\n\r]/g, (c) => ATTRIBUTE_ESCAPES[c]!);
}
