// The TwiML template against the twilio SDK's XML builder it replaced: the same bytes for every text a reply can
// hold (markup, quotes, whitespace, non-Latin text), and characters XML cannot carry dropped instead of a 500.
import twilio from 'twilio';
import { reply, type Reply } from '../../../src/domain/effects';
import { renderSms, renderVoice, sayAttributes, type VoiceScript } from '../../../src/channels/twilio/twiml';

const TEXTS = ['Your code is 123456.', `a < b > c & d "quoted" 'single'`, 'line one\nline two\r\nthree\tfour', 'Zoë — 東京 🎉', '&amp; already', ']]> cdata end'];
// The renderer echoes the key, so each text above is "the translation".
const render = (_locale: string, message: Reply): string => message.key;

function builderSms(texts: readonly string[]): string {
  const response = new twilio.twiml.MessagingResponse();
  if (texts.length > 0) response.message(texts.join(' '));
  return response.toString();
}

describe('TwiML template', () => {
  it.each(TEXTS)('writes the same <Message> as the XML builder for %j', (text) => {
    expect(renderSms('en-US', [reply(text), reply('and more')], render)).toBe(builderSms([text, 'and more']));
  });

  it('writes an empty <Response/> when there is nothing to say, as the builder did', () => {
    expect(renderSms('en-GB', [], render)).toBe(builderSms([]));
  });

  it.each(['en-US', 'en-GB', 'es-US', 'fr-FR'])('writes the same voice script as the XML builder in %s', (locale) => {
    const action = 'https://signet.example/api/twilio/voice/answer?call=a&b="c"\t<d>';
    for (const text of TEXTS) {
      const script: VoiceScript = {
        locale,
        steps: [{ type: 'say', message: reply(text) }, { type: 'gather', action, prompt: [reply(text), reply('press 1')] }, { type: 'gather', action, prompt: [] }, { type: 'hangup' }],
      };
      const expected = new twilio.twiml.VoiceResponse();
      const attributes = sayAttributes(locale);
      expected.say(attributes, text);
      const options: Parameters<typeof expected.gather>[0] = { input: ['dtmf'], numDigits: 1, finishOnKey: '', timeout: 8, actionOnEmptyResult: true, action, method: 'POST' };
      const gather = expected.gather(options);
      gather.say(attributes, text);
      gather.say(attributes, 'press 1');
      expected.gather(options);
      expected.hangup();
      expect(renderVoice(script, render)).toBe(expected.toString());
    }
  });

  it('when the locale is es-US, then <Say> speaks Spanish (US) with the Polly voice Twilio lists for it', () => {
    expect(sayAttributes('es-US')).toEqual({ language: 'es-US', voice: 'Polly.Lupe' });
    const twiml = renderVoice({ locale: 'es-US', steps: [{ type: 'say', message: reply('Hola') }] }, render);
    expect(twiml).toContain('<Say language="es-US" voice="Polly.Lupe">Hola</Say>');
  });

  it('drops characters XML cannot carry (the builder threw on them, a 500 for the webhook) and keeps the rest', () => {
    expect(() => builderSms(['a\u0001b'])).toThrow();
    expect(renderSms('en-US', [reply('a\u0001b\u0000c\uFFFEd\uD800e 🎉')], render)).toBe(builderSms(['abcde 🎉']));
  });
});
