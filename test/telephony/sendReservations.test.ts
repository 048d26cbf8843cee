// Checking a text's sending rules ahead (RuleCheckedTelephony.reserve): the sign-in's own limit and the send's
// hourly limits taken together, and the permit that lets exactly that send through once without checking again.
import type { Telephony } from '../../src/ports/deliveryPorts';
import { FixedClock } from '../../src/ports/clock';
import { createMemoryStores } from '../../src/stores/memoryStores';
import { RuleCheckedTelephony, SEND_LIMIT_SCOPES } from '../../src/telephony/sendingRules';

const HOUR = 60 * 60 * 1000;
const PHONE = '+14255550123';
const purpose = { kind: 'verification', userId: 'u1', refId: 'c1' } as const;
const allowance = { scope: 'challenge:user', key: 'u1', limit: 2, windowMs: 15 * 60_000 };

function world(perNumberPerHour = 5) {
  const stores = createMemoryStores();
  const sent: string[] = [];
  const takes: string[] = [];
  const inner: Telephony = { sendSms: async (m) => (sent.push(m.to), { ok: true, ref: 'SM1' }), placeCall: async (c) => (sent.push(c.to), { ok: true, ref: 'CA1' }) };
  // Every limit operation the rules make, so a send that "checks nothing again" can be seen to.
  const rateLimits = {
    take: (...args: Parameters<typeof stores.rateLimits.take>) => (takes.push('take'), stores.rateLimits.take(...args)),
    takeAll: (...args: Parameters<typeof stores.rateLimits.takeAll>) => (takes.push(`takeAll ${args[0].map((r) => r.scope).join(',')}`), stores.rateLimits.takeAll(...args)),
  };
  const telephony = new RuleCheckedTelephony(inner, { stores: { ...stores, rateLimits }, clock: new FixedClock(0), rules: { allowedCountries: [], perNumberPerHour, perUserPerHour: 10 } });
  /** Sends left this hour to the number (taking them). */
  const numberLeft = async (): Promise<number> => {
    let n = 0;
    while ((await stores.rateLimits.take(SEND_LIMIT_SCOPES.perNumber, PHONE, perNumberPerHour, HOUR, 0)).allowed) n++;
    return n;
  };
  return { stores, sent, takes, telephony, numberLeft };
}

describe('send reservations', () => {
  it('when a text is reserved, then its allowances and the caller\'s are one take, and the text then goes out without another', async () => {
    const w = world();
    const reserved = await w.telephony.reserve({ to: PHONE, userId: 'u1', channel: 'sms' }, allowance, 0);
    expect(reserved).toMatchObject({ kind: 'reserved', permit: { refusal: null } });
    const permit = reserved.kind === 'reserved' ? reserved.permit : undefined;
    await expect(w.telephony.sendSms({ to: PHONE, body: 'x', locale: 'en-US', purpose, permit })).resolves.toEqual({ ok: true, ref: 'SM1' });
    expect(w.takes).toEqual(['takeAll challenge:user,send:user,send:number']);
    expect(await w.numberLeft()).toBe(4);
  });

  it('when a permit is used twice, or for another number, then that send is checked as any other', async () => {
    const w = world();
    const reserved = await w.telephony.reserve({ to: PHONE, userId: 'u1', channel: 'sms' }, allowance, 0);
    const permit = reserved.kind === 'reserved' ? reserved.permit : undefined;
    await w.telephony.sendSms({ to: PHONE, body: 'x', locale: 'en-US', purpose, permit });
    await w.telephony.sendSms({ to: PHONE, body: 'x', locale: 'en-US', purpose, permit });
    await w.telephony.sendSms({ to: '+14255550199', body: 'x', locale: 'en-US', purpose, permit: { ...permit!, to: '+14255550199' } });
    expect(w.takes).toEqual(['takeAll challenge:user,send:user,send:number', 'takeAll send:user,send:number', 'takeAll send:user,send:number']);
    expect(await w.numberLeft()).toBe(3);
  });

  it('when the number\'s hourly limit is used up, then the caller\'s limit is still taken, the permit refuses the text, and the person\'s send is given back', async () => {
    const w = world(1);
    await w.stores.rateLimits.take(SEND_LIMIT_SCOPES.perNumber, PHONE, 1, HOUR, 0);
    const reserved = await w.telephony.reserve({ to: PHONE, userId: 'u1', channel: 'sms' }, allowance, 0);
    expect(reserved).toMatchObject({ kind: 'reserved', permit: { refusal: 'rateLimited' } });
    const permit = reserved.kind === 'reserved' ? reserved.permit : undefined;
    await expect(w.telephony.sendSms({ to: PHONE, body: 'x', locale: 'en-US', purpose, permit })).resolves.toEqual({ ok: false, failure: 'rateLimited' });
    expect(w.sent).toEqual([]);
    await expect(w.stores.rateLimits.take('challenge:user', 'u1', 2, allowance.windowMs, 0)).resolves.toMatchObject({ allowed: true });
    await expect(w.stores.rateLimits.take('challenge:user', 'u1', 2, allowance.windowMs, 0)).resolves.toMatchObject({ allowed: false });
    await expect(w.stores.rateLimits.take(SEND_LIMIT_SCOPES.perUser, 'u1', 10, HOUR, 0)).resolves.toMatchObject({ allowed: true });
    let userLeft = 1;
    while ((await w.stores.rateLimits.take(SEND_LIMIT_SCOPES.perUser, 'u1', 10, HOUR, 0)).allowed) userLeft++;
    expect(userLeft).toBe(10);
  });

  it('when the caller\'s own limit is used up, then nothing is taken and it is told when to retry', async () => {
    const w = world();
    for (let i = 0; i < allowance.limit; i++) await w.stores.rateLimits.take(allowance.scope, allowance.key, allowance.limit, allowance.windowMs, 0);
    await expect(w.telephony.reserve({ to: PHONE, userId: 'u1', channel: 'sms' }, allowance, 60_000)).resolves.toEqual({ kind: 'refused', retryAfterMs: 14 * 60_000 });
    expect(await w.numberLeft()).toBe(5);
  });

  it('when the number opted out, then only the caller\'s limit is taken and the permit refuses the text as opted out', async () => {
    const w = world();
    await w.stores.optOuts.record({ number: PHONE, optedOut: true, keyword: 'STOP', at: 0 });
    const reserved = await w.telephony.reserve({ to: PHONE, userId: 'u1', channel: 'sms' }, allowance, 0);
    expect(reserved).toMatchObject({ kind: 'reserved', permit: { refusal: 'optedOut' } });
    expect(w.takes).toEqual(['takeAll challenge:user']);
    expect(await w.numberLeft()).toBe(5);
  });
});
