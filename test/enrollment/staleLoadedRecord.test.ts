// A caller may hand the service the record it just read (one database read fewer). When that copy is stale, it
// costs one extra try: the service still has all its fresh reads for a lost race, as without the copy.
import { createCoreHarness, keys, PROFILE } from '../support/coreHarness';
import { ConcurrentUpdateError } from '../../src/serviceKit/compareAndSet';
import { createMemoryStores } from '../../src/stores/memoryStores';
import type { Stores } from '../../src/ports/repositories';
import type { User } from '../../src/domain/user';

const TEAMS = { channel: 'teams' } as const;
/** The service's fresh reads per event (MAX_ATTEMPTS in enrollmentService.ts). */
const FRESH_TRIES = 5;

/** Memory stores whose user saves lose the race `losses` times before they go through. */
function losingSaves(losses: number): Stores {
  const stores = createMemoryStores();
  let lost = 0;
  const users = stores.users;
  return {
    ...stores,
    users: {
      ...users,
      get: (id) => users.get(id),
      findByUpn: (upn) => users.findByUpn(upn),
      findByPendingPhone: (e164) => users.findByPendingPhone(e164),
      findByMethodPhone: (e164) => users.findByMethodPhone(e164),
      create: (user, now) => users.create(user, now),
      replace: async (user: User) => (lost++ < losses ? null : users.replace(user)),
    },
  };
}

describe('a record the caller already loaded', () => {
  it('when it is stale and every fresh try but the last also loses, then the event is still applied', async () => {
    const racing = createCoreHarness({ stores: losingSaves(FRESH_TRIES) });
    await racing.enrollment.ensureUser(PROFILE);
    const loaded = (await racing.stores.users.get(PROFILE.id))!;
    // The loaded copy's save and the first four fresh saves lose; the fifth fresh save wins.
    const replies = await racing.enrollment.apply(PROFILE.id, { type: 'start', purpose: 'register' }, TEAMS, loaded);
    expect(keys(replies).length).toBeGreaterThan(0);
    expect((await racing.stores.users.get(PROFILE.id))!.enrollment).not.toBeNull();
  });

  it('when every try loses, then it ends in a concurrent-update error (no endless retry)', async () => {
    const racing = createCoreHarness({ stores: losingSaves(FRESH_TRIES + 1) });
    await racing.enrollment.ensureUser(PROFILE);
    const loaded = (await racing.stores.users.get(PROFILE.id))!;
    await expect(racing.enrollment.apply(PROFILE.id, { type: 'start', purpose: 'register' }, TEAMS, loaded)).rejects.toBeInstanceOf(ConcurrentUpdateError);
  });
});
