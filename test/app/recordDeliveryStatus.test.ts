// The use case "a text's delivery status is reported" on its own: every report kept; a failure fails only the
// live attempt, is audited without the number, and an opted-out recipient is recorded as such.
import { enrollPhone, PHONE, phoneUseCases, PROFILE, startSignIn } from './phoneUseCaseHarness';

describe('recordDeliveryStatus', () => {
  it('when a text is reported delivered, then the report is kept and nothing else happens', async () => {
    const app = phoneUseCases();
    await enrollPhone(app, 'sms');
    const sid = app.lastRef('sms');
    await app.recordDeliveryStatus.record(app.lastContext('sms'), { messageSid: sid, status: 'delivered', errorCode: null, to: PHONE, failure: null });
    expect((await app.stores.deliveryStatuses.listForRef(sid)).map((r) => r.status)).toEqual(['delivered']);
    expect((await app.stores.audit.listForUser(PROFILE.id, 20)).map((e) => e.action)).not.toContain('sms:deliveryFailed');
    expect((await app.stores.users.get(PROFILE.id))?.enrollment?.step).toMatchObject({ name: 'codeSent', deliveryFailure: null });
  });

  it('when an enrollment text is undelivered because the recipient opted out, then it is audited, the opt-out recorded and the attempt failed', async () => {
    const app = phoneUseCases();
    await enrollPhone(app, 'sms');
    const sid = app.lastRef('sms');
    await app.recordDeliveryStatus.record(app.lastContext('sms'), { messageSid: sid, status: 'undelivered', errorCode: 21610, to: PHONE, failure: 'optedOut' });
    const failed = (await app.stores.audit.listForUser(PROFILE.id, 20)).find((e) => e.action === 'sms:deliveryFailed');
    expect(failed?.details).toMatchObject({ ref: sid, errorCode: 21610, reason: 'optedOut' });
    expect(JSON.stringify(failed)).not.toContain(PHONE);
    expect(await app.stores.optOuts.get(PHONE)).toMatchObject({ optedOut: true, keyword: 'provider:21610' });
    expect((await app.stores.users.get(PROFILE.id))?.enrollment?.step).toMatchObject({ name: 'codeSent', deliveryFailure: 'optedOut' });
  });

  it('when an enrollment text fails after a resend, then the report for the older send changes nothing and the live one fails', async () => {
    const app = phoneUseCases();
    await enrollPhone(app, 'sms');
    const older = app.lastContext('sms');
    const olderRef = app.lastRef('sms');
    app.clock.advance(60_000);
    await app.core.enrollment.apply(PROFILE.id, { type: 'resend' }, { channel: 'teams' });
    expect(older.purpose.send).toBe(1);
    expect(app.lastContext('sms').purpose.send).toBe(2);
    const version = (await app.stores.users.get(PROFILE.id))!.version;
    await app.recordDeliveryStatus.record(older, { messageSid: olderRef, status: 'failed', errorCode: 30003, to: PHONE, failure: 'unreachable' });
    // Not even saved: the use case sees it is another send before asking the machine.
    expect((await app.stores.users.get(PROFILE.id))!.version).toBe(version);
    await app.recordDeliveryStatus.record(app.lastContext('sms'), { messageSid: app.lastRef('sms'), status: 'failed', errorCode: 30003, to: PHONE, failure: 'unreachable' });
    expect((await app.stores.users.get(PROFILE.id))?.enrollment?.step).toMatchObject({ name: 'codeSent', send: 2, deliveryFailure: 'unreachable' });
  });

  it('when a notice (e.g. "your password was changed") fails, then it is audited as a notice and no challenge is touched, even one with that id', async () => {
    const app = phoneUseCases();
    const challenge = await startSignIn(app, 'sms');
    const notice = { purpose: { kind: 'notice' as const, userId: PROFILE.id, refId: challenge.id }, locale: 'en-US', mode: null };
    await app.recordDeliveryStatus.record(notice, { messageSid: 'SMnotice', status: 'undelivered', errorCode: 30003, to: PHONE, failure: 'unreachable' });
    expect(await app.stores.challenges.get(challenge.id)).toMatchObject({ status: 'pending', version: challenge.version });
    const actions = (await app.stores.audit.listForUser(PROFILE.id, 20)).map((e) => e.action);
    expect(actions).toContain('notice:deliveryFailed');
    expect(actions).not.toContain('sms:deliveryFailed');
    expect((await app.stores.deliveryStatuses.listForRef('SMnotice')).map((r) => r.status)).toEqual(['undelivered']);
  });

  it('when a sign-in text fails, then its challenge (named in the address) fails, with no provider id stored', async () => {
    const app = phoneUseCases();
    const challenge = await startSignIn(app, 'sms');
    expect(challenge).not.toHaveProperty('deliveryRef');
    expect(challenge.version).toBe(1);
    await app.recordDeliveryStatus.record(app.lastContext('sms'), { messageSid: app.lastRef('sms'), status: 'failed', errorCode: 30003, to: PHONE, failure: 'unreachable' });
    expect(await app.stores.challenges.get(challenge.id)).toMatchObject({ status: 'failed', reason: 'unreachable' });
  });

  it('when a challenge saved before the upgrade holds another text\'s id, then a report for this one leaves it as it is', async () => {
    const app = phoneUseCases();
    const challenge = await startSignIn(app, 'sms');
    await app.stores.challenges.replace({ ...challenge, deliveryRef: 'SMstored-by-an-older-version' });
    await app.recordDeliveryStatus.record(app.lastContext('sms'), { messageSid: app.lastRef('sms'), status: 'failed', errorCode: 30003, to: PHONE, failure: 'unreachable' });
    expect(await app.stores.challenges.get(challenge.id)).toMatchObject({ status: 'pending' });
    await app.recordDeliveryStatus.record(app.lastContext('sms'), { messageSid: 'SMstored-by-an-older-version', status: 'failed', errorCode: 30003, to: PHONE, failure: 'unreachable' });
    expect((await app.stores.challenges.get(challenge.id))?.status).toBe('failed');
  });
});
