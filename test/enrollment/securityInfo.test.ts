// Removing methods and choosing the default through the service: the last MFA method stays, the default moves
// on when its method goes, reset-only methods can't be the default, and every change is audited.
import { createCoreHarness, keys, PROFILE, T0 } from '../support/coreHarness';
import type { SecurityMethod } from '../../src/domain/user';

const TEAMS = { channel: 'teams' } as const;
const mobile: SecurityMethod = { kind: 'mobilePhone', id: 'm1', number: '+14255550123', createdAt: T0 };
const email: SecurityMethod = { kind: 'email', id: 'e1', address: 'jane@example.com', createdAt: T0 };
const office: SecurityMethod = { kind: 'officePhone', id: 'o1', number: '+14255550177', extension: '12', createdAt: T0 };

async function withMethods(methods: SecurityMethod[], defaultMethodId: string | null) {
  const h = createCoreHarness();
  const user = await h.enrollment.ensureUser(PROFILE);
  await h.stores.users.replace({ ...user, methods, defaultMethodId });
  return h;
}

describe('security info changes', () => {
  it('when the only MFA method is removed, then it is refused and nothing changes', async () => {
    const h = await withMethods([mobile, email], 'm1');
    expect(keys(await h.enrollment.changeSecurityInfo(PROFILE.id, { type: 'removeMethod', methodId: 'm1' }, TEAMS))).toEqual(['manage.remove.lastMfaMethod']);
    expect((await h.stores.users.get(PROFILE.id))!.methods).toHaveLength(2);
    expect(await h.stores.audit.listForUser(PROFILE.id, 5)).toEqual([]);
  });

  it('when the default method is removed, then the next MFA method becomes the default and it is audited', async () => {
    const h = await withMethods([mobile, email, office], 'm1');
    const replies = await h.enrollment.changeSecurityInfo(PROFILE.id, { type: 'removeMethod', methodId: 'm1' }, TEAMS);
    expect(replies).toEqual([{ key: 'manage.remove.done', params: { methodKey: 'methods.mobilePhone' } }]);
    const user = (await h.stores.users.get(PROFILE.id))!;
    expect(user.methods.map((m) => m.id)).toEqual(['e1', 'o1']);
    expect(user.defaultMethodId).toBe('o1');
    expect((await h.stores.audit.listForUser(PROFILE.id, 5)).map((a) => a.action)).toEqual(['method:removed']);
  });

  it.each([
    ['e1', 'manage.default.notMfa'],
    ['nope', 'manage.default.notFound'],
    ['m1', 'manage.default.unchanged'],
    ['o1', 'manage.default.done'],
  ])('when %s is made the default, then the reply is %s', async (methodId, key) => {
    const h = await withMethods([mobile, email, office], 'm1');
    expect(keys(await h.enrollment.changeSecurityInfo(PROFILE.id, { type: 'setDefault', methodId }, TEAMS))).toEqual([key]);
    expect((await h.stores.users.get(PROFILE.id))!.defaultMethodId).toBe(key === 'manage.default.done' ? methodId : 'm1');
  });
});
