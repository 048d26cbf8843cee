// A start given the person's whole history claims the next challenge turn without reading the turns when the
// history shows the latest turn ended, and still does it the long way whenever the history cannot be sure.
import { createCore, type Core } from '../../src/core';
import type { Challenge } from '../../src/domain/challenge';
import { CHALLENGE_TURN_RETENTION_MS, type Stores } from '../../src/ports/repositories';
import { FixedClock } from '../../src/ports/clock';
import { seededRandom } from '../../src/security/random';
import { createMemoryStores } from '../../src/stores/memoryStores';
import { NotificationOutbox, Outbox } from '../../src/telephony/outboxes';
import { ABANDONED_TURN_MS } from '../../src/verification/verificationService';
import type { NewChallenge } from '../../src/verification/challengeMachine';
import { keyRenderer, PROFILE, T0, TEST_KEY, testOrg } from '../support/coreHarness';

interface World {
  readonly core: Core;
  readonly stores: Stores;
  readonly clock: FixedClock;
  /** How often the turns were read. */
  readonly latestReads: () => number;
  start(): Promise<Challenge>;
  history(): Promise<Challenge[]>;
}

function world(): World {
  const inner = createMemoryStores();
  let reads = 0;
  const stores: Stores = { ...inner, challengeTurns: { latest: (userId) => (reads++, inner.challengeTurns.latest(userId)), claim: (turn) => inner.challengeTurns.claim(turn) } };
  const clock = new FixedClock(T0);
  const outbox = new Outbox();
  const core = createCore({ config: { org: testOrg(), encryptionKey: TEST_KEY }, stores, telephony: outbox, mailer: outbox, notifier: new NotificationOutbox(), render: keyRenderer, clock, random: seededRandom('turns') });
  const input: NewChallenge = { userId: PROFILE.id, clientId: 'portal', method: 'sms', target: '+14255550123', extension: null, context: { ip: null, application: 'Portal', location: null }, locale: 'en-US', callbackUrl: null };
  const history = () => stores.challenges.listRecentByUser(PROFILE.id, 50);
  return { core, stores, clock, latestReads: () => reads, history, start: async () => core.verification.start(input, 'api', { history: await history() }) };
}

describe('challenge turns taken from the history', () => {
  it("when a person's first challenge starts, then turn 1 is claimed without reading the turns", async () => {
    const w = world();
    expect((await w.start()).turn).toBe(1);
    expect(w.latestReads()).toBe(0);
  });

  it('when the previous challenge ended or is still pending, then the next turn is claimed without reading the turns and one challenge is pending', async () => {
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

  it('when a later turn was claimed and its challenge never created, then the claim loses, the turns are read and that turn is recorded as superseded', async () => {
    const w = world();
    const first = await w.start();
    await w.core.verification.apply(first.id, { type: 'cancel' }, 'api');
    const orphan: Challenge = { ...first, id: 'orphan', status: 'pending', reason: null, endedAt: null, endedVia: null, codeHash: null, sealedCode: null, turn: 2 };
    expect(await w.stores.challengeTurns.claim({ userId: PROFILE.id, seq: 2, challenge: orphan, at: T0 })).toBe(true);
    w.clock.advance(ABANDONED_TURN_MS);
    const next = await w.start();
    expect(next.turn).toBe(3);
    expect(w.latestReads()).toBeGreaterThan(0);
    expect((await w.stores.challenges.get('orphan'))?.status).not.toBe('pending');
  });

  it("when the latest turn's challenge expired long ago (its turn may be purged), then the turns are read", async () => {
    const w = world();
    const first = await w.start();
    w.clock.set(first.expiresAt + CHALLENGE_TURN_RETENTION_MS);
    expect((await w.start()).turn).toBe(2);
    expect(w.latestReads()).toBe(1);
  });
});
