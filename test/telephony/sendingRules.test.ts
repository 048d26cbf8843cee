// The rules every text and call obeys before reaching Twilio: allowed countries, per-number and per-person
// limits per hour (SMS-pumping protection), opt-outs; and the outbound text's size: one GSM-7 segment in English.
import { createI18n } from '../../src/i18n';
import { createReplyRenderer } from '../../src/renderReply';
import type { Telephony } from '../../src/ports/deliveryPorts';
import { FixedClock } from '../../src/ports/clock';
import { createMemoryStores } from '../../src/stores/memoryStores';
import { RuleCheckedTelephony } from '../../src/telephony/sendingRules';
import { enrollPhone, PHONE, profile, startTwilioApp, type TwilioApp } from '../support/twilioAppHarness';

const HOUR = 60 * 60 * 1000;

describe('sending rules', () => {
  let app: TwilioApp | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  const failureOf = async (a: TwilioApp, userId: string) => {
    const step = (await a.stores.users.get(userId))?.enrollment?.step;
    return step?.name === 'codeSent' ? step.deliveryFailure : `step ${step?.name}`;
  };

  it('when the number is in a country that is not allowed, then the machine refuses it and nothing is sent', async () => {
    app = await startTwilioApp({ org: { phone: { defaultCountry: 'US', allowedCountries: ['GB'] } } });
    const user = profile();
    await app.core.enrollment.ensureUser(user);
    await app.core.enrollment.apply(user.id, { type: 'start', purpose: 'register', kind: 'mobilePhone' }, { channel: 'teams' });
    const replies = await app.core.enrollment.apply(user.id, { type: 'submitPhone', number: PHONE, delivery: 'sms' }, { channel: 'teams' });
    expect(app.api.requests).toHaveLength(0);
    expect(replies.map((r) => r.key)).toEqual(['validation.phone.countryNotAllowed']);
  });

  it('when a text or call reaches the telephony port for a country that is not allowed, then it is refused before the provider', async () => {
    const sent: string[] = [];
    const inner: Telephony = {
      sendSms: async (m) => (sent.push(m.to), { ok: true, ref: 'SM1' }),
      placeCall: async (c) => (sent.push(c.to), { ok: true, ref: 'CA1' }),
    };
    const telephony = new RuleCheckedTelephony(inner, {
      stores: createMemoryStores(),
      clock: new FixedClock(0),
      rules: { allowedCountries: ['GB'], perNumberPerHour: 5, perUserPerHour: 5 },
    });
    const purpose = { kind: 'verification', userId: 'u1', refId: 'c1' } as const;
    await expect(telephony.sendSms({ to: PHONE, body: 'x', locale: 'en-US', purpose })).resolves.toEqual({ ok: false, failure: 'regionNotAllowed' });
    await expect(telephony.placeCall({ to: PHONE, extension: null, mode: 'pressKey', locale: 'en-US', purpose })).resolves.toEqual({ ok: false, failure: 'regionNotAllowed' });
    await expect(telephony.sendSms({ to: '+447400123456', body: 'x', locale: 'en-GB', purpose })).resolves.toEqual({ ok: true, ref: 'SM1' });
    expect(sent).toEqual(['+447400123456']);
  });

  it('when a text and a call are sent, then no send log is written (the limits are the store\'s own counters)', async () => {
    const stores = createMemoryStores();
    const inner: Telephony = { sendSms: async () => ({ ok: true, ref: 'SM1' }), placeCall: async () => ({ ok: true, ref: 'CA1' }) };
    const telephony = new RuleCheckedTelephony(inner, { stores, clock: new FixedClock(0), rules: { allowedCountries: [], perNumberPerHour: 5, perUserPerHour: 5 } });
    const purpose = { kind: 'verification', userId: 'u1', refId: 'c1' } as const;
    await expect(telephony.sendSms({ to: PHONE, body: 'x', locale: 'en-US', purpose })).resolves.toEqual({ ok: true, ref: 'SM1' });
    await expect(telephony.placeCall({ to: PHONE, extension: null, mode: 'pressKey', locale: 'en-US', purpose })).resolves.toEqual({ ok: true, ref: 'CA1' });
    await expect(stores.sendLog.countForUser('u1', 0)).resolves.toBe(0);
    // The sends were counted by the limits all the same: the person has 3 of 5 left this hour.
    await expect(stores.rateLimits.take('send:user', 'u1', 3, HOUR, 0)).resolves.toMatchObject({ allowed: true });
    await expect(stores.rateLimits.take('send:user', 'u1', 3, HOUR, 0)).resolves.toMatchObject({ allowed: false });
  });

  it('when more texts than the per-number limit go to one number within an hour, then the next is refused as rateLimited, and allowed an hour later', async () => {
    app = await startTwilioApp({ org: { phone: { defaultCountry: 'US', sendLimits: { perNumberPerHour: 2, perUserPerHour: 10 } } } });
    const user = await enrollPhone(app, 'sms');
    app.clock.advance(60_000);
    await app.core.enrollment.apply(user.id, { type: 'resend' }, { channel: 'teams' });
    expect(app.api.messages()).toHaveLength(2);
    app.clock.advance(60_000);
    const replies = await app.core.enrollment.apply(user.id, { type: 'resend' }, { channel: 'teams' });
    expect(app.api.messages()).toHaveLength(2);
    expect(await failureOf(app, user.id)).toBe('rateLimited');
    expect(replies.map((r) => app!.render('en-US', r)).join(' ')).toContain('Too many codes were sent to this number recently');

    app.clock.advance(HOUR);
    await app.core.enrollment.apply(user.id, { type: 'resend' }, { channel: 'teams' });
    expect(app.api.messages()).toHaveLength(3);
  });

  it('when one person asks for more texts than the per-person limit, then the next is refused even to another number', async () => {
    app = await startTwilioApp({ org: { phone: { defaultCountry: 'US', sendLimits: { perNumberPerHour: 10, perUserPerHour: 1 } } } });
    const user = await enrollPhone(app, 'sms');
    await app.core.enrollment.apply(user.id, { type: 'back' }, { channel: 'teams' });
    // Past the enrollment's own resend cool-down, so that the per-person hourly limit is what refuses.
    app.clock.advance(60_000);
    await app.core.enrollment.apply(user.id, { type: 'submitPhone', number: '+12065550125', delivery: 'sms' }, { channel: 'teams' });
    expect(app.api.messages()).toHaveLength(1);
    expect(await failureOf(app, user.id)).toBe('rateLimited');
  });

  it('when a number opted out, then a call to it is still placed (STOP is about texts)', async () => {
    app = await startTwilioApp();
    await app.stores.optOuts.record({ number: PHONE, optedOut: true, keyword: 'STOP', at: 0 });
    await enrollPhone(app, 'voice');
    expect(app.api.calls()).toHaveLength(1);
  });
});

describe('the outbound code text', () => {
  // GSM 03.38 basic character set (no escapes): what one 160-character segment may hold.
  const GSM7 = /^[@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&'()*+,\-./0-9:;<=>?¡A-ZÄÖÑÜ§¿a-zäöñüà]*$/;
  const ORG_64 = 'Northfield Unified School District of the Greater Lakeside Count';

  it.each(['en-US', 'en-GB'])('when the organisation name is 64 characters and the code 8 digits (%s), then each code text is one GSM-7 segment', async (locale) => {
    expect(ORG_64).toHaveLength(64);
    const i18n = await createI18n({ supported: ['en-US', 'en-GB'], fallback: 'en-US' });
    const render = createReplyRenderer(i18n);
    for (const key of ['sms.enrollmentCode', 'sms.signInCode']) {
      const text = render(locale, { key, params: { org: ORG_64, code: '12345678', minutes: 60 } });
      expect(text).toContain(ORG_64);
      expect(text).toContain('12345678');
      expect(text).toContain('60');
      expect(text).toMatch(GSM7);
      expect(text.length).toBeLessThanOrEqual(160);
    }
  });
});
