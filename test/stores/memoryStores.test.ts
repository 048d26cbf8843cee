// The storage port conformance suite against the in-memory adapter, plus the memory webhook ledger's bounds.
import { createMemoryStores } from '../../src/stores/memoryStores';
import { MemoryWebhookLedger } from '../../src/stores/memoryWebhookLedger';
import { MINUTE, T0 } from '../support/fixtures';
import { describeStoreConformance } from './storeConformance';

describeStoreConformance(
  'memory stores',
  async () => createMemoryStores(),
  (stores) => stores.close(),
);

describe('memory webhook ledger: retention', () => {
  const DAY = 24 * 60 * MINUTE;

  test('when more ids are claimed than the bound, then the oldest go first and the ledger never holds more', async () => {
    const ledger = new MemoryWebhookLedger({ maxEntries: 3 });
    for (let i = 1; i <= 5; i += 1) await ledger.claim(`SM${i}`, T0 + i);
    const kept = await Promise.all([1, 2, 3, 4, 5].map(async (i) => (await ledger.get(`SM${i}`)) !== null));
    expect(kept).toEqual([false, false, true, true, true]);
  });

  test('when an entry is older than the retention, then the next claim removes it', async () => {
    const ledger = new MemoryWebhookLedger({ retentionMs: 7 * DAY });
    await ledger.claim('SM-old', T0);
    await ledger.complete('SM-old', '<Response/>');
    await ledger.claim('SM-recent', T0 + 6 * DAY);
    await expect(ledger.get('SM-old')).resolves.not.toBeNull();
    await ledger.claim('SM-new', T0 + 7 * DAY + 1);
    await expect(ledger.get('SM-old')).resolves.toBeNull();
    await expect(ledger.get('SM-recent')).resolves.not.toBeNull();
  });

  test('when the bound is reached, then a claim evicts the oldest without walking the ledger', async () => {
    // A Map walk steps over every deleted slot until V8 compacts the table: thousands per claim at the bound.
    const ledger = new MemoryWebhookLedger({ maxEntries: 100 });
    for (let i = 0; i < 300; i += 1) await ledger.claim(`SM${i}`, T0 + i);
    const walk = Map.prototype[Symbol.iterator];
    let walks = 0;
    Map.prototype[Symbol.iterator] = function (this: Map<unknown, unknown>) {
      walks += 1;
      return walk.call(this);
    };
    try {
      for (let i = 300; i < 400; i += 1) await ledger.claim(`SM${i}`, T0 + i);
    } finally {
      Map.prototype[Symbol.iterator] = walk;
    }
    expect(walks).toBe(0);
    await expect(ledger.get('SM299')).resolves.toBeNull();
    await expect(ledger.get('SM300')).resolves.not.toBeNull();
  });

  test('when a claim was taken over or pruned and claimed again, then it counts as the newest', async () => {
    const ledger = new MemoryWebhookLedger({ maxEntries: 3 });
    await ledger.claim('SM-taken', T0);
    await ledger.claim('SM-pruned', T0 + 1);
    await ledger.claim('SM-b', T0 + 2);
    await expect(ledger.takeOver('SM-taken', T0, T0 + 3)).resolves.toBe(true);
    await expect(ledger.prune(T0 + 2, 1)).resolves.toBe(1);
    await ledger.claim('SM-pruned', T0 + 4);
    await ledger.complete('SM-pruned', '<Response/>');
    await ledger.claim('SM-c', T0 + 5);
    // SM-b is the oldest claim still current: the taken-over and re-claimed ids keep their new places.
    await expect(ledger.get('SM-b')).resolves.toBeNull();
    await expect(ledger.get('SM-taken')).resolves.toMatchObject({ at: T0 + 3 });
    await expect(ledger.get('SM-pruned')).resolves.toEqual({ id: 'SM-pruned', response: '<Response/>', at: T0 + 4 });
    await expect(ledger.get('SM-c')).resolves.not.toBeNull();
  });

  test('when the memory stores are created with ledger options, then the ledger follows them', async () => {
    const stores = createMemoryStores({ webhookLedger: { maxEntries: 1 } });
    await stores.webhooks.claim('SM1', T0);
    await stores.webhooks.claim('SM2', T0 + 1);
    await expect(stores.webhooks.get('SM1')).resolves.toBeNull();
  });
});
