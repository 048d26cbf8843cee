// A start given the person's whole history creates its challenge in the next turn without reading the latest turn
// when the history shows that turn ended, and still does it the long way whenever the history cannot be sure.
import { createCore, type Core } from '../../src/core';
import type { Challenge } from '../../src/domain/challenge';
import type { Stores } from '../../src/ports/repositories';
import { FixedClock } from '../../src/ports/clock';
import { seededRandom } from '../../src/security/random';
import { createMemoryStores } from '../../src/stores/memoryStores';
import { NotificationOutbox, Outbox } from '../../src/telephony/outboxes';
import type { NewChallenge } from '../../src/verification/challengeMachine';
import { keyRenderer, PROFILE, T0, TEST_KEY, testOrg } from '../support/coreHarness';

interface World {
  readonly core: Core;
  readonly stores: Stores;
  readonly clock: FixedClock;
  /** How often the latest turn was read. */
  readonly latestReads: () => number;
  start(): Promise<Challenge>;
  history(): Promise<Challenge[]>;
}

function input(): NewChallenge {
  return { userId: PROFILE.id, clientId: 'portal', method: 'sms', target: '+14255550123', extension: null, context: { ip: null, application: 'Portal', location: null }, locale: 'en-US', callbackUrl: null };
}

function world(): World {
  const inner = createMemoryStores();
  let reads = 0;
  const challenges = Object.assign(Object.create(inner.challenges) as Stores['challenges'], { latestTurn: (userId: string) => (reads++, inner.challenges.latestTurn(userId)) });
  const stores: Stores = { ...inner, challenges };
  const clock = new FixedClock(T0);
  const outbox = new Outbox();
  const core = createCore({ config: { org: testOrg(), encryptionKey: TEST_KEY }, stores, telephony: outbox, mailer: outbox, notifier: new NotificationOutbox(), render: keyRenderer, clock, random: seededRandom('turns') });
  const history = () => stores.challenges.listRecentByUser(PROFILE.id, 50);
  return { core, stores, clock, latestReads: () => reads, history, start: async () => core.verification.start(input(), 'api', { history: await history() }) };
}

describe('challenge turns taken from the history', () => {
  it("when a person's first challenge starts, then it is created in turn 1 without reading the latest turn", async () => {
    const w = world();
    expect((await w.start()).turn).toBe(1);
    expect(w.latestReads()).toBe(0);
  });

  it('when the previous challenge ended or is still pending, then the next is created in the next turn without reading the latest and one challenge is pending', async () => {
    const w = world();
    const first = await w.start();
    await w.core.verification.apply(first.id, { type: 'cancel' }, 'api');
    w.clock.advance(1000);
    const second = await w.start();
    w.clock.advance(1000);
    const third = await w.start();
    expect([second.turn, third.turn]).toEqual([2, 3]);
    expect(w.latestReads()).toBe(0);
    expect((await w.stores.challenges.findPendingByUser(PROFILE.id, w.clock.now())).map((c) => c.id)).toEqual([third.id]);
    expect((await w.stores.challenges.get(second.id))?.status).not.toBe('pending');
  });

  it('when a later turn was taken since the history was read, then the insert collides, the latest turn is read and its challenge superseded', async () => {
    const w = world();
    const first = await w.start();
    await w.core.verification.apply(first.id, { type: 'cancel' }, 'api');
    const history = await w.history();
    const later: Challenge = { ...first, id: 'later', status: 'pending', reason: null, endedAt: null, endedVia: null, turn: 2 };
    await w.stores.challenges.create(later);
    const next = await w.core.verification.start(input(), 'api', { history });
    expect(next.turn).toBe(3);
    expect(w.latestReads()).toBe(1);
    expect((await w.stores.challenges.get('later'))?.status).not.toBe('pending');
    expect((await w.stores.challenges.findPendingByUser(PROFILE.id, w.clock.now())).map((c) => c.id)).toEqual([next.id]);
  });

  it('when no history is given, then the latest turn is read', async () => {
    const w = world();
    await w.start();
    expect((await w.core.verification.start(input(), 'api')).turn).toBe(2);
    expect(w.latestReads()).toBe(1);
  });
});
