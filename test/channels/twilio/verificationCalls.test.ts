// Sign-in challenges by call: # approves; 0 denies, is audited, and the person (Teams) and the help desk are told.
import { flatten, parseXml } from '../../support/twimlParser';
import { enrollPhone, lastTextedCode, pathOf, PHONE, startTwilioApp, type TwilioApp } from '../../support/twilioAppHarness';

describe('sign-in verification calls', () => {
  let app: TwilioApp;
  beforeEach(async () => {
    app = await startTwilioApp();
    const user = await enrollPhone(app, 'sms');
    await app.post('/api/twilio/sms', { MessageSid: 'SMsetup', From: PHONE, Body: lastTextedCode(app.api) });
    expect((await app.stores.users.get(user.id))?.methods).toHaveLength(1);
  });
  afterEach(async () => {
    await app.close();
  });

  async function startCall() {
    const challenge = await app.core.verification.start(
      { userId: 'aad-phone-1', clientId: 'vpn', method: 'voice', target: PHONE, extension: null, context: { ip: null, application: 'VPN', location: null }, locale: 'en-GB' },
      'api',
    );
    const call = app.api.calls().at(-1)!;
    const sid = call.sid!;
    const answer = await app.post(pathOf(call.params['Url']), { CallSid: sid, CallStatus: 'in-progress' });
    const gather = flatten(parseXml(answer.text)).find((e) => e.name === 'Gather')!;
    return { challenge, sid, gather, statusPath: pathOf(call.params['StatusCallback']) };
  }

  it('when # is pressed, then the sign-in is approved', async () => {
    const { challenge, sid, gather } = await startCall();
    // An en-GB person called at a +1 number: the key is named as that phone's country does.
    expect(gather.children[0]!.text).toContain('pound key');
    const res = await app.post(pathOf(gather.attributes['action']), { CallSid: sid, Digits: '#' });
    expect(flatten(parseXml(res.text)).map((e) => e.text).filter(Boolean)).toEqual([app.render('en-GB', { key: 'voice.verification.approved' })]);
    expect((await app.stores.challenges.get(challenge.id))?.status).toBe('approved');
  });

  it('when 0 is pressed, then the sign-in is denied and audited, the person is told in Teams and the help desk is reported to', async () => {
    const { challenge, sid, gather } = await startCall();
    await app.post(pathOf(gather.attributes['action']), { CallSid: sid, Digits: '0' });
    expect(await app.stores.challenges.get(challenge.id)).toMatchObject({ status: 'denied', reason: 'deniedByUser' });
    expect(app.notifications.items.map((n) => [n.channel, n.message.key])).toContainEqual(['teams', 'verification.deniedOnCall']);
    const audit = await app.stores.audit.listForUser('aad-phone-1', 20);
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['verification:denied', 'helpdesk:reported']));
    // The demo organisation has no help-desk email: the report is an audit entry, not mail.
    expect(audit.find((a) => a.action === 'helpdesk:reported')?.details).toMatchObject({ mailed: false, kind: 'verification' });
  });

  it('when the call is not answered, then the challenge fails as noAnswer', async () => {
    const { challenge, sid, statusPath } = await startCall();
    await app.post(statusPath, { CallSid: sid, CallStatus: 'no-answer' });
    expect(await app.stores.challenges.get(challenge.id)).toMatchObject({ status: 'failed', reason: 'noAnswer' });
  });
});
