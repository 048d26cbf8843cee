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

  test('when the memory stores are created with ledger options, then the ledger follows them', async () => {
    const stores = createMemoryStores({ webhookLedger: { maxEntries: 1 } });
    await stores.webhooks.claim('SM1', T0);
    await stores.webhooks.claim('SM2', T0 + 1);
    await expect(stores.webhooks.get('SM1')).resolves.toBeNull();
  });
});
