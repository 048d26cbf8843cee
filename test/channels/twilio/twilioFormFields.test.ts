// The webhook route reads the form once, for the signature (every field, repeats kept) and for the handler (one
// value per field, the last of a repeat): a repeated field and a field named like a prototype key stay signed.
import { request } from '../../server/serverHarness';
import { parseXml } from '../../support/twimlParser';
import { AUTH_TOKEN, OTHER_PHONE, PUBLIC_BASE_URL, startTwilioApp, type TwilioApp } from '../../support/twilioAppHarness';
import { twilioSignature } from '../../support/twilioSigner';

const SMS_PATH = '/api/twilio/sms';

function postForm(app: TwilioApp, body: string, signature: string): ReturnType<typeof request> {
  return request(app.url, SMS_PATH, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signature }, body });
}

function messageOf(xml: string): string {
  return parseXml(xml).children.find((c) => c.name === 'Message')?.text ?? '';
}

describe('Twilio webhook form fields', () => {
  let app: TwilioApp;
  beforeEach(async () => {
    app = await startTwilioApp();
  });
  afterEach(async () => {
    await app.close();
  });

  it('when a field is repeated, then all its values are signed and the handler reads the last one', async () => {
    const fields = { MessageSid: 'SMrepeat00000000000000000000000001', From: OTHER_PHONE, Body: ['START', 'HELP'] };
    const body = `MessageSid=${fields.MessageSid}&From=${encodeURIComponent(OTHER_PHONE)}&Body=START&Body=HELP`;
    const res = await postForm(app, body, twilioSignature(AUTH_TOKEN, `${PUBLIC_BASE_URL}${SMS_PATH}`, fields));
    expect(res.status).toBe(200);
    expect(messageOf(res.text)).toContain('https://help.signet-demo.example');
    // Signed over one of the values only: refused.
    const partly = await postForm(app, body.replace('SMrepeat', 'SMrepeaT'), twilioSignature(AUTH_TOKEN, `${PUBLIC_BASE_URL}${SMS_PATH}`, { ...fields, MessageSid: 'SMrepeaT00000000000000000000000001', Body: 'HELP' }));
    expect(partly.status).toBe(403);
  });

  it('when fields are named like Object.prototype members (once, or repeated), then each is signed with its own values', async () => {
    const sid = (n: number): string => `SMprotoName00000000000000000000${n}`;
    const signedWith = (f: Record<string, string | string[]>): string => twilioSignature(AUTH_TOKEN, `${PUBLIC_BASE_URL}${SMS_PATH}`, f);
    const once = `MessageSid=${sid(1)}&From=${encodeURIComponent(OTHER_PHONE)}&Body=HELP&constructor=a&toString=b`;
    expect((await postForm(app, once, signedWith({ MessageSid: sid(1), From: OTHER_PHONE, Body: 'HELP', constructor: 'a', toString: 'b' }))).status).toBe(200);
    // Signed as if "constructor" were not there (as if it were the inherited member): refused.
    expect((await postForm(app, once.replace(sid(1), sid(2)), signedWith({ MessageSid: sid(2), From: OTHER_PHONE, Body: 'HELP', toString: 'b' }))).status).toBe(403);
    const twice = `MessageSid=${sid(3)}&From=${encodeURIComponent(OTHER_PHONE)}&Body=HELP&hasOwnProperty=a&hasOwnProperty=b`;
    expect((await postForm(app, twice, signedWith({ MessageSid: sid(3), From: OTHER_PHONE, Body: 'HELP', hasOwnProperty: ['a', 'b'] }))).status).toBe(200);
    expect((await postForm(app, twice.replace(sid(3), sid(4)), signedWith({ MessageSid: sid(4), From: OTHER_PHONE, Body: 'HELP', hasOwnProperty: 'b' }))).status).toBe(403);
  });

  it('when a field is named __proto__, then it is signed like any other field', async () => {
    const fields = { MessageSid: 'SMproto000000000000000000000000001', From: OTHER_PHONE, Body: 'HELP', ['__proto__']: 'x' };
    const body = `MessageSid=${fields.MessageSid}&From=${encodeURIComponent(OTHER_PHONE)}&Body=HELP&__proto__=x`;
    const signedWith = (f: Record<string, string>): string => twilioSignature(AUTH_TOKEN, `${PUBLIC_BASE_URL}${SMS_PATH}`, f);
    expect((await postForm(app, body, signedWith(JSON.parse(JSON.stringify(fields)) as Record<string, string>))).status).toBe(200);
    const withoutIt = { MessageSid: 'SMproto000000000000000000000000002', From: OTHER_PHONE, Body: 'HELP' };
    expect((await postForm(app, body.replace('001', '002'), signedWith(withoutIt))).status).toBe(403);
  });
});
