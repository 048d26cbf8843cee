// Whole enrollment journeys through the service with a fixed clock: persistence after every step, effects run
// after the save, races settled by the version check, and a store that fails leaves nothing half-written.
import { createCoreHarness, keys, PROFILE, type CoreHarness } from '../support/coreHarness';
import { UnknownUserError } from '../../src/enrollment/enrollmentService';
import { ConcurrentUpdateError } from '../../src/serviceKit/compareAndSet';
import { createMemoryStores } from '../../src/stores/memoryStores';
import { type Stores } from '../../src/ports/repositories';
import { StoreUnavailableError } from '../../src/ports/storeErrors';
import type { User } from '../../src/domain/user';

const TEAMS = { channel: 'teams' } as const;
const SMS = { channel: 'sms' } as const;

async function startPhone(h: CoreHarness): Promise<string> {
  await h.enrollment.ensureUser(PROFILE);
  await h.enrollment.apply(PROFILE.id, { type: 'start', purpose: 'register' }, TEAMS);
  await h.enrollment.apply(PROFILE.id, { type: 'chooseMethod', kind: 'mobilePhone' }, TEAMS);
  const replies = await h.enrollment.apply(PROFILE.id, { type: 'submitPhone', number: '+1 425 555 0123', delivery: 'sms' }, TEAMS);
  expect(keys(replies)).toEqual(['enrollment.phone.codeTexted', 'enrollment.phone.enterCode']);
  return h.lastCode();
}

describe('enrollment service', () => {
  it('when a code is texted, then it goes out after one save, numbered so its callbacks find it (no second save for the provider id)', async () => {
    const h = createCoreHarness();
    await h.enrollment.ensureUser(PROFILE);
    await h.enrollment.apply(PROFILE.id, { type: 'start', purpose: 'register', kind: 'mobilePhone' }, TEAMS);
    const before = (await h.stores.users.get(PROFILE.id))!.version;
    await h.enrollment.apply(PROFILE.id, { type: 'submitPhone', number: '+1 425 555 0123', delivery: 'sms' }, TEAMS);
    const code = h.lastCode();
    const sms = h.outbox.last('sms');
    expect(sms).toMatchObject({ type: 'sms', to: '+14255550123', purpose: { kind: 'enrollment', userId: PROFILE.id, send: 1 } });
    const user = (await h.stores.users.get(PROFILE.id))!;
    expect(user.version).toBe(before + 1);
    expect(user.enrollment?.step).toMatchObject({ name: 'codeSent', send: 1 });
    expect(user.enrollment?.step).not.toHaveProperty('deliveryRef');
    expect(JSON.stringify(user)).not.toContain(code);
  });

  it('when the person replies by SMS with the code, then the phone is verified and the Teams chat is told', async () => {
    const h = createCoreHarness();
    const code = await startPhone(h);
    const replies = await h.enrollment.apply(PROFILE.id, { type: 'submitCode', code }, SMS);
    expect(keys(replies)).toEqual(['enrollment.verified.phone']);
    expect(h.notifications.items.map((n) => [n.channel, n.message.key])).toEqual([
      ['teams', 'enrollment.verified.phone'],
      ['teams', 'enrollment.progress.more'],
    ]);
    const user = (await h.stores.users.get(PROFILE.id))!;
    expect(user.methods).toHaveLength(1);
    const audit = await h.stores.audit.listForUser(PROFILE.id, 10);
    expect(audit.map((a) => a.action)).toEqual(['method:added']);
    expect(audit[0]).toMatchObject({ channel: 'sms', actor: PROFILE.id });
    expect(JSON.stringify(audit)).not.toContain(code);
  });

  it('when a text is refused by the provider, then the machine hears of it and the person is told why', async () => {
    const h = createCoreHarness();
    h.outbox.refusals.set('+14255550123', { ok: false, failure: 'optedOut' });
    await h.enrollment.ensureUser(PROFILE);
    await h.enrollment.apply(PROFILE.id, { type: 'start', purpose: 'register', kind: 'mobilePhone' }, TEAMS);
    const replies = await h.enrollment.apply(PROFILE.id, { type: 'submitPhone', number: '4255550123', delivery: 'sms' }, TEAMS);
    expect(keys(replies)).toEqual(['enrollment.phone.codeTexted', 'enrollment.phone.enterCode', 'delivery.failed.optedOut', 'enrollment.code.resendOrChange']);
    const user = (await h.stores.users.get(PROFILE.id))!;
    expect(user.enrollment?.step).toMatchObject({ name: 'codeSent', deliveryFailure: 'optedOut' });
  });

  it('when the same right code arrives twice at once (Teams and SMS), then exactly one wins', async () => {
    const h = createCoreHarness();
    const code = await startPhone(h);
    const [a, b] = await Promise.all([
      h.enrollment.apply(PROFILE.id, { type: 'submitCode', code }, TEAMS),
      h.enrollment.apply(PROFILE.id, { type: 'submitCode', code }, SMS),
    ]);
    const all = [...keys(a), ...keys(b)];
    expect(all.filter((k) => k === 'enrollment.verified.phone')).toHaveLength(1);
    expect(all).toContain('enrollment.nothingInProgress');
    const user = (await h.stores.users.get(PROFILE.id))!;
    expect(user.methods).toHaveLength(1);
    expect((await h.stores.audit.listForUser(PROFILE.id, 10)).filter((e) => e.action === 'method:added')).toHaveLength(1);
  });

  it('when two wrong codes arrive at once, then both are counted', async () => {
    const h = createCoreHarness();
    const code = await startPhone(h);
    const wrong = code === '000000' ? '999999' : '000000';
    await Promise.all([
      h.enrollment.apply(PROFILE.id, { type: 'submitCode', code: wrong }, TEAMS),
      h.enrollment.apply(PROFILE.id, { type: 'submitCode', code: wrong }, SMS),
    ]);
    const user = (await h.stores.users.get(PROFILE.id))!;
    expect(user.enrollment?.step).toMatchObject({ name: 'codeSent', attempts: 2 });
  });

  it('when five wrong codes arrive at once, then the person is locked out and the right code no longer works', async () => {
    const h = createCoreHarness();
    const code = await startPhone(h);
    const wrong = code === '000000' ? '999999' : '000000';
    await Promise.all(Array.from({ length: 5 }, (_, i) => h.enrollment.apply(PROFILE.id, { type: 'submitCode', code: wrong }, i % 2 ? TEAMS : SMS)));
    const replies = await h.enrollment.apply(PROFILE.id, { type: 'submitCode', code }, TEAMS);
    expect(keys(replies)).toEqual(['enrollment.locked']);
    expect((await h.stores.users.get(PROFILE.id))!.lockedUntil).toBe(h.clock.now() + 15 * 60_000);
  });

  it('when the code expires on the fixed clock, then it is refused and a resend works', async () => {
    const h = createCoreHarness();
    const code = await startPhone(h);
    h.clock.advance(10 * 60_000);
    expect(keys(await h.enrollment.apply(PROFILE.id, { type: 'submitCode', code }, TEAMS))).toEqual(['enrollment.code.expired']);
    await h.enrollment.apply(PROFILE.id, { type: 'resend' }, TEAMS);
    expect(keys(await h.enrollment.apply(PROFILE.id, { type: 'submitCode', code: h.lastCode() }, TEAMS))[0]).toBe('enrollment.verified.phone');
  });

  it('when a second service on the same store takes over mid-flow, then it finishes the enrollment', async () => {
    const stores = createMemoryStores();
    const first = createCoreHarness({ stores, seed: 'one' });
    const code = await startPhone(first);
    const second = createCoreHarness({ stores, seed: 'two' });
    const replies = await second.enrollment.apply(PROFILE.id, { type: 'submitCode', code }, TEAMS);
    expect(keys(replies)[0]).toBe('enrollment.verified.phone');
  });

  it('when the user is unknown, then a typed error is raised', async () => {
    const h = createCoreHarness();
    await expect(h.enrollment.apply('nobody', { type: 'cancel' }, TEAMS)).rejects.toBeInstanceOf(UnknownUserError);
  });

  it('when ensureUser is called twice at once, then one record exists', async () => {
    const h = createCoreHarness();
    const [a, b] = await Promise.all([h.enrollment.ensureUser(PROFILE), h.enrollment.ensureUser(PROFILE)]);
    expect(a.id).toBe(b.id);
  });

  it('when the store is unreachable mid-flow, then the error surfaces and nothing is sent or half-written', async () => {
    const memory = createMemoryStores();
    let failing = false;
    const users = memory.users;
    const flaky: Stores = {
      ...memory,
      users: {
        get: (id) => (failing ? Promise.reject(new StoreUnavailableError()) : users.get(id)),
        findByUpn: (u) => users.findByUpn(u),
        findByPendingPhone: (p) => users.findByPendingPhone(p),
        findByMethodPhone: (p) => users.findByMethodPhone(p),
        findByAnsweredWebhook: (w) => users.findByAnsweredWebhook(w),
        create: (u, now) => users.create(u, now),
        replace: (u) => (failing ? Promise.reject(new StoreUnavailableError()) : users.replace(u)),
      },
    };
    const h = createCoreHarness({ stores: flaky });
    await h.enrollment.ensureUser(PROFILE);
    await h.enrollment.apply(PROFILE.id, { type: 'start', purpose: 'register', kind: 'mobilePhone' }, TEAMS);
    const before: User = (await memory.users.get(PROFILE.id))!;
    failing = true;
    await expect(h.enrollment.apply(PROFILE.id, { type: 'submitPhone', number: '4255550123', delivery: 'sms' }, TEAMS)).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(h.outbox.items).toHaveLength(0);
    expect(await memory.users.get(PROFILE.id)).toEqual(before);
  });

  it('when every save loses its race, then the caller gets a clean ConcurrentUpdateError', async () => {
    const memory = createMemoryStores();
    const stores: Stores = { ...memory, users: { ...bindAll(memory.users), replace: async () => null } };
    const h = createCoreHarness({ stores });
    await h.enrollment.ensureUser(PROFILE);
    await expect(h.enrollment.apply(PROFILE.id, { type: 'start', purpose: 'register' }, TEAMS)).rejects.toBeInstanceOf(ConcurrentUpdateError);
  });
});

function bindAll<T extends object>(obj: T): T {
  const out: Record<string, unknown> = {};
  for (const key of Object.getOwnPropertyNames(Object.getPrototypeOf(obj))) {
    const value = (obj as Record<string, unknown>)[key];
    if (typeof value === 'function' && key !== 'constructor') out[key] = value.bind(obj);
  }
  return out as T;
}
