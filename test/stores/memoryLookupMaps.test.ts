// The memory store's look-up maps follow every write: a record is found by its new keys and no longer by the
// ones it had, and records the maps drop (settled jobs, ended challenges) stop being answered.
import { MemoryChallengeRepository } from '../../src/stores/memoryChallengeRepository';
import { MemoryUserRepository } from '../../src/stores/memoryUserRepository';
import { MemoryJobQueue } from '../../src/stores/memoryJobQueue';
import { RankedIds } from '../../src/stores/memoryIndexes';
import { MINUTE, T0, challenge, codeSentStep, enrollment, mobilePhone, newUser, withChanges } from '../support/fixtures';

describe('memory store look-up maps', () => {
  test('when a user is saved with a new UPN, pending phone and method phone, then only the new keys find them', async () => {
    const users = new MemoryUserRepository();
    const created = await users.create(newUser({ upn: 'old@contoso.com' }), T0);
    const first = await users.replace(withChanges(created, { enrollment: enrollment(codeSentStep({ phone: '+14255550101' })), methods: [mobilePhone('+14255550111')] }));
    const second = await users.replace(withChanges(first!, { upn: 'New@contoso.com', enrollment: enrollment(codeSentStep({ phone: '+14255550102' })), methods: [mobilePhone('+14255550112')] }));

    await expect(users.findByUpn('old@contoso.com')).resolves.toBeNull();
    await expect(users.findByUpn('new@CONTOSO.com')).resolves.toEqual(second);
    await expect(users.findByPendingPhone('+14255550101')).resolves.toEqual([]);
    await expect(users.findByPendingPhone('+14255550102')).resolves.toEqual([second]);
    await expect(users.findByMethodPhone('+14255550111')).resolves.toEqual([]);
    await expect(users.findByMethodPhone('+14255550112')).resolves.toEqual([second]);
    // The old UPN is free again.
    await expect(users.create(newUser({ upn: 'OLD@contoso.com' }), T0)).resolves.toMatchObject({ upn: 'OLD@contoso.com' });
  });

  test('when a pending challenge ends, then it leaves the expiry ranking but stays in the person\'s recent list', async () => {
    const challenges = new MemoryChallengeRepository();
    const ended = await challenges.create(challenge({ userId: 'u1', expiresAt: T0 + MINUTE }));
    const open = await challenges.create(challenge({ userId: 'u1', expiresAt: T0 + 2 * MINUTE, target: '+14255550199' }));
    await challenges.replace({ ...ended, status: 'approved', endedAt: T0 });

    expect((await challenges.findExpiredPending(T0 + 10 * MINUTE, 10)).map((c) => c.id)).toEqual([open.id]);
    expect((await challenges.findPendingByTarget('+14255550100', T0)).map((c) => c.id)).toEqual([]);
    expect((await challenges.findPendingByTarget('+14255550199', T0)).map((c) => c.id)).toEqual([open.id]);
    expect((await challenges.listRecentByUser('u1', 10)).map((c) => c.id).sort()).toEqual([ended.id, open.id].sort());
  });

  test('when a job is leased and settled, then findDue and listByStatus follow its status', async () => {
    const jobs = new MemoryJobQueue();
    await jobs.enqueue({ id: 'j1', kind: 'k', payload: {}, dueAt: T0 }, T0);
    const leased = await jobs.lease('j1', 'w1', T0, MINUTE);
    expect(await jobs.findDue(T0 + 1, 10)).toEqual([]);
    expect((await jobs.findDue(T0 + MINUTE, 10)).map((j) => j.id)).toEqual(['j1']);
    await jobs.settle(leased!, { status: 'done' }, T0 + 1);
    expect(await jobs.findDue(T0 + 10 * MINUTE, 10)).toEqual([]);
    expect((await jobs.listByStatus('done', 10)).map((j) => j.id)).toEqual(['j1']);
    expect(await jobs.listByStatus('leased', 10)).toEqual([]);
  });

  test('RankedIds keeps (rank, id) order through adds and removes, and stops at the rank bound and the limit', () => {
    const ranked = new RankedIds();
    for (const [rank, id] of [[5, 'b'], [1, 'z'], [5, 'a'], [3, 'm'], [9, 'q']] as const) ranked.add(rank, id);
    ranked.remove(3, 'm');
    ranked.remove(3, 'nope');
    expect(ranked.firstUpTo(5, 10)).toEqual(['z', 'a', 'b']);
    expect(ranked.firstUpTo(100, 2)).toEqual(['z', 'a']);
    expect(ranked.firstUpTo(100, 10, (id) => id !== 'a')).toEqual(['z', 'b', 'q']);
  });
});
