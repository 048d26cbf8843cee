// Message status callbacks: every report recorded; a failed or undelivered text becomes the specific, localized
// failure for the person (Teams) and an audit entry with Twilio's error code; retries count once.
import { parseXml } from '../../support/twimlParser';
import { enrollPhone, pathOf, PHONE, startTwilioApp, type TwilioApp } from '../../support/twilioAppHarness';
import type { DeliveryFailure } from '../../../src/enrollment/enrollmentTypes';

describe('message status callbacks', () => {
  let app: TwilioApp;
  beforeEach(async () => {
    app = await startTwilioApp();
  });
  afterEach(async () => {
    await app.close();
  });

  const sentText = () => {
    const sent = app.api.messages().at(-1)!;
    return { statusPath: pathOf(sent.params['StatusCallback']) };
  };
  const sidOf = async (userId: string) => {
    expect((await app.stores.users.get(userId))?.enrollment?.step.name).toBe('codeSent');
    return app.api.messages().at(-1)!.sid!;
  };

  it('when the text is sent then delivered, then both statuses are recorded and nothing else happens', async () => {
    const user = await enrollPhone(app, 'sms');
    const sid = await sidOf(user.id);
    for (const status of ['sent', 'delivered']) {
      const res = await app.post(sentText().statusPath, { MessageSid: sid, MessageStatus: status, To: PHONE, From: '+12065550100', AccountSid: 'AC1' });
      expect(res.status).toBe(200);
      expect(parseXml(res.text).children).toEqual([]);
    }
    expect((await app.stores.deliveryStatuses.listForRef(sid)).map((r) => r.status)).toEqual(['sent', 'delivered']);
    const step = (await app.stores.users.get(user.id))?.enrollment?.step;
    expect(step?.name === 'codeSent' && step.deliveryFailure).toBeNull();
  });

  it.each<[string, DeliveryFailure, string]>([
    ['30003', 'unreachable', "The phone couldn't be reached"],
    ['30007', 'carrierFiltered', 'The phone company blocked our message'],
    ['30006', 'landline', 'landline'],
    ['21610', 'optedOut', 'opted out'],
  ])('when the text is undelivered with error %s, then the person is told (%s) in Teams and the code is audited', async (code, failure, words) => {
    const user = await enrollPhone(app, 'sms');
    const sid = await sidOf(user.id);
    const params = { MessageSid: sid, MessageStatus: 'undelivered', ErrorCode: code, To: PHONE, From: '+12065550100', AccountSid: 'AC1' };
    await app.post(sentText().statusPath, params);
    await app.post(sentText().statusPath, params);
    const step = (await app.stores.users.get(user.id))?.enrollment?.step;
    expect(step?.name === 'codeSent' && step.deliveryFailure).toBe(failure);
    const notices = app.notifications.items.filter((n) => n.message.key === `delivery.failed.${failure}`);
    expect(notices).toHaveLength(1);
    expect(app.render('en-US', notices[0]!.message)).toContain(words);
    const audit = await app.stores.audit.listForUser(user.id, 20);
    expect(audit.find((a) => a.action === 'sms:deliveryFailed')?.details).toMatchObject({ ref: sid, errorCode: Number(code), reason: failure });
    expect(audit.find((a) => a.action === 'enrollment:deliveryFailed')?.details).toMatchObject({ reason: failure });
    expect(await app.stores.deliveryStatuses.listForRef(sid)).toHaveLength(1);
  });

  it('when Twilio reports the number opted out (21610), then the opt-out is remembered and the next text is refused before sending', async () => {
    const user = await enrollPhone(app, 'sms');
    const sid = await sidOf(user.id);
    await app.post(sentText().statusPath, { MessageSid: sid, MessageStatus: 'failed', ErrorCode: '21610', To: PHONE });
    await expect(app.stores.optOuts.get(PHONE)).resolves.toMatchObject({ optedOut: true });
    app.clock.advance(60_000);
    await app.core.enrollment.apply(user.id, { type: 'resend' }, { channel: 'teams' });
    expect(app.api.messages()).toHaveLength(1);
  });

  it('when the first text is reported undelivered after a resend, then its address (send 1) says it is an older attempt and nothing changes', async () => {
    const user = await enrollPhone(app, 'sms');
    const first = app.api.messages().at(-1)!;
    app.clock.advance(60_000);
    await app.core.enrollment.apply(user.id, { type: 'resend' }, { channel: 'teams' });
    const second = app.api.messages().at(-1)!;
    expect(String(first.params['StatusCallback'])).toContain('send=1');
    expect(String(second.params['StatusCallback'])).toContain('send=2');
    await app.post(pathOf(first.params['StatusCallback']), { MessageSid: first.sid!, MessageStatus: 'undelivered', ErrorCode: '30003', To: PHONE });
    const step = (await app.stores.users.get(user.id))?.enrollment?.step;
    expect(step).toMatchObject({ name: 'codeSent', send: 2, deliveryFailure: null });
    expect(app.notifications.items.filter((n) => n.message.key === 'delivery.failed.unreachable')).toEqual([]);
    // The live one, by its own address, does fail the attempt.
    await app.post(pathOf(second.params['StatusCallback']), { MessageSid: second.sid!, MessageStatus: 'undelivered', ErrorCode: '30003', To: PHONE });
    expect((await app.stores.users.get(user.id))?.enrollment?.step).toMatchObject({ name: 'codeSent', deliveryFailure: 'unreachable' });
  });

  it('when a status callback is forged, then 403 and nothing is recorded', async () => {
    const user = await enrollPhone(app, 'sms');
    const sid = await sidOf(user.id);
    const res = await app.post(sentText().statusPath, { MessageSid: sid, MessageStatus: 'failed', ErrorCode: '30003' }, { signature: 'bm90IGEgc2lnbmF0dXJl' });
    expect(res.status).toBe(403);
    await expect(app.stores.deliveryStatuses.listForRef(sid)).resolves.toEqual([]);
  });
});
