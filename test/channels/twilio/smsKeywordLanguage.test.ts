// SMS keywords are answered in the number owner's language (issue 10 finding): HELP and START from a number that
// belongs to a Spanish-speaking person answer in Spanish, whatever the organisation's default (en-US); a number
// that is nobody's still gets the default. Before the fix every keyword was answered in the default language.
import { parseXml } from '../../support/twimlParser';
import { enrollPhone, lastTextedCode, OTHER_PHONE, PHONE, profile, startTwilioApp, type TwilioApp } from '../../support/twilioAppHarness';

const SMS_PATH = '/api/twilio/sms';
let sidCounter = 0;
const inbound = (body: string, from = PHONE): Record<string, string> => ({
  MessageSid: `SMkw${String(++sidCounter).padStart(30, '0')}`,
  AccountSid: 'AC0123456789abcdef0123456789abcdef',
  From: from,
  To: '+12065550100',
  Body: body,
  NumMedia: '0',
});
const messageOf = (xml: string): string | undefined => parseXml(xml).children.find((c) => c.name === 'Message')?.text;

describe('SMS keywords in the owner\'s language', () => {
  let app: TwilioApp;
  const help = (locale: string): string =>
    app.render(locale, { key: 'sms.keyword.help', params: { org: 'Signet Demo School', contact: '' } }).split(':')[0]!;
  beforeEach(async () => {
    app = await startTwilioApp({ org: { locales: { offered: ['en-US', 'en-GB', 'es-US'], default: 'en-US' } } as never });
  });
  afterEach(async () => {
    await app.close();
  });

  it('when the number is being verified for a Spanish-speaking person and HELP is texted, then the answer is in Spanish', async () => {
    await enrollPhone(app, 'sms', { user: profile({ locale: 'es-US' }) });
    const text = messageOf((await app.post(SMS_PATH, inbound('HELP'))).text)!;
    expect(text.startsWith(help('es-US'))).toBe(true);
    expect(text.startsWith(help('en-US'))).toBe(false);
  });

  it('when the number is registered to a Spanish-speaking person, then HELP and START answer in Spanish', async () => {
    await enrollPhone(app, 'sms', { user: profile({ locale: 'es-US' }) });
    await app.post(SMS_PATH, inbound(lastTextedCode(app.api)));
    expect(messageOf((await app.post(SMS_PATH, inbound('HELP'))).text)!.startsWith(help('es-US'))).toBe(true);
    expect(messageOf((await app.post(SMS_PATH, inbound('START'))).text)).toBe(app.render('es-US', { key: 'sms.keyword.started', params: { org: 'Signet Demo School' } }));
  });

  it('when the number belongs to nobody, then HELP answers in the organisation default', async () => {
    await enrollPhone(app, 'sms', { user: profile({ locale: 'es-US' }) });
    const text = messageOf((await app.post(SMS_PATH, inbound('HELP', OTHER_PHONE))).text)!;
    expect(text.startsWith(help('en-US'))).toBe(true);
  });
});
