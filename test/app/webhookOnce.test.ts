// WebhookOnce on its own, with the memory ledger and a fixed clock: the paths the HTTP tests can't reach easily.
import { WebhookOnce } from '../../src/app/webhookOnce';
import { FixedClock } from '../../src/ports/clock';
import { MemoryWebhookLedger } from '../../src/stores/memoryWebhookLedger';
import { T0 } from '../support/fixtures';

const STILL = 'still-working';
const FAST = { boundMs: 200, firstPollMs: 5, maxPollMs: 10 };

describe('WebhookOnce', () => {
  it('when the entry of a delivery has been pruned while its claim was open, then a retry claims it afresh and processes it', async () => {
    const ledger = new MemoryWebhookLedger();
    await ledger.claim('SM1', T0 - 1);
    // Another instance's claim: our first claim loses, and by the time we look the entry has been pruned.
    let claims = 0;
    const racing = Object.assign(Object.create(ledger) as MemoryWebhookLedger, {
      claim: async (id: string, now: number) => {
        claims += 1;
        if (claims > 1) return ledger.claim(id, now);
        await ledger.prune(T0, 10);
        return false;
      },
    });
    const errors: unknown[] = [];
    const once = new WebhookOnce({ ledger: racing, clock: new FixedClock(T0), wait: FAST, onLedgerError: (e) => errors.push(e) });
    let runs = 0;
    await expect(once.run('SM1', async () => `answer-${(runs += 1)}`, { stillWorking: () => STILL })).resolves.toBe('answer-1');
    await expect(once.run('SM1', async () => `answer-${(runs += 1)}`, { stillWorking: () => STILL })).resolves.toBe('answer-1');
    expect(runs).toBe(1);
    expect(claims).toBe(3);
    expect(errors).toEqual([]);
  });

  it('when the answer cannot be recorded, then the first delivery still gets it and the fault is reported', async () => {
    const ledger = new MemoryWebhookLedger();
    const failing = Object.assign(Object.create(ledger) as MemoryWebhookLedger, { complete: async () => Promise.reject(new Error('store away')) });
    const errors: unknown[] = [];
    const once = new WebhookOnce({ ledger: failing, clock: new FixedClock(T0), wait: FAST, onLedgerError: (e) => errors.push(e) });
    await expect(once.run('SM2', async () => 'answer', { stillWorking: () => STILL })).resolves.toBe('answer');
    expect(errors).toHaveLength(1);
  });

  it('when a retry in the same process waits for a delivery whose answer is kept otherwise, then it gets what is kept', async () => {
    const ledger = new MemoryWebhookLedger();
    const once = new WebhookOnce({ ledger, clock: new FixedClock(T0), wait: FAST, onLedgerError: () => undefined });
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const options = { stillWorking: () => STILL, keep: () => 'goodbye' };
    const first = once.run('CA1:key:1', async () => {
      await held;
      return 'the code is 1, 2, 3';
    }, options);
    const retry = once.run('CA1:key:1', async () => 'never', options);
    release();
    await expect(first).resolves.toBe('the code is 1, 2, 3');
    await expect(retry).resolves.toBe('goodbye');
  });

  it('when the answer was saved with the record, then the ledger keeps only the claim and a retry gets the answer through recall', async () => {
    const ledger = new MemoryWebhookLedger();
    const once = new WebhookOnce({ ledger, clock: new FixedClock(T0), wait: FAST, onLedgerError: () => undefined });
    let record: string | null = null;
    const options = { stillWorking: () => STILL, recall: async () => record };
    let runs = 0;
    const work = async () => {
      runs += 1;
      record = 'answer';
      return { answer: 'answer', recorded: true };
    };
    await expect(once.run('SM3', work, options)).resolves.toBe('answer');
    await expect(ledger.get('SM3')).resolves.toMatchObject({ response: null });
    await expect(once.run('SM3', work, options)).resolves.toBe('answer');
    expect(runs).toBe(1);
  });

  it('when an answer that must be kept otherwise is said to be recorded, then the ledger still keeps what is kept', async () => {
    const ledger = new MemoryWebhookLedger();
    const once = new WebhookOnce({ ledger, clock: new FixedClock(T0), wait: FAST, onLedgerError: () => undefined });
    const options = { stillWorking: () => STILL, keep: () => 'goodbye', recall: async () => 'the code is 1, 2, 3' };
    await expect(once.run('CA2:key:1', async () => ({ answer: 'the code is 1, 2, 3', recorded: true }), options)).resolves.toBe('the code is 1, 2, 3');
    await expect(once.run('CA2:key:1', async () => 'never', options)).resolves.toBe('goodbye');
  });

  it('when the claim carries a final answer, then it is the one ledger write: nothing is completed, and a retry gets that answer', async () => {
    const ledger = new MemoryWebhookLedger();
    const completed: string[] = [];
    const watched = Object.assign(Object.create(ledger) as MemoryWebhookLedger, { complete: async (id: string) => void completed.push(id) });
    const once = new WebhookOnce({ ledger: watched, clock: new FixedClock(T0), wait: FAST, onLedgerError: () => undefined });
    const options = { stillWorking: () => STILL, carrying: { response: 'help text' } };
    await expect(once.run('SMhelp', async () => 'help text', options)).resolves.toBe('help text');
    await expect(once.run('SMhelp', async () => 'never', options)).resolves.toBe('help text');
    expect(completed).toEqual([]);
  });

  it('when a final answer is given through `answer`, then the claim is the one ledger write, a retry gets what the claim carries, and the retry options are built only for the retry', async () => {
    const ledger = new MemoryWebhookLedger();
    const completed: string[] = [];
    const watched = Object.assign(Object.create(ledger) as MemoryWebhookLedger, { complete: async (id: string) => void completed.push(id) });
    const once = new WebhookOnce({ ledger: watched, clock: new FixedClock(T0), wait: FAST, onLedgerError: () => undefined });
    let built = 0;
    const retry = () => ((built += 1), { stillWorking: () => STILL });
    await expect(once.answer('SMunknown', 'first answer', { response: 'retry answer' }, retry)).resolves.toBe('first answer');
    expect(built).toBe(0);
    await expect(once.answer('SMunknown', 'never', { response: 'never' }, retry)).resolves.toBe('retry answer');
    await expect(once.run('SMunknown', async () => 'never', { stillWorking: () => STILL })).resolves.toBe('retry answer');
    expect(built).toBe(1);
    expect(completed).toEqual([]);
    expect((await ledger.get('SMunknown'))?.response).toBe('retry answer');
  });

  it('when the claim carries a prepared answer, then nothing is completed once processed, a retry gets it only once `recall` finds the work done, and a fault is completed', async () => {
    const ledger = new MemoryWebhookLedger();
    const completed: string[] = [];
    const watched = Object.assign(Object.create(ledger) as MemoryWebhookLedger, {
      complete: async (id: string, response: string) => {
        completed.push(response);
        await ledger.complete(id, response);
      },
    });
    const once = new WebhookOnce({ ledger: watched, clock: new FixedClock(T0), wait: FAST, onLedgerError: () => undefined });
    let done = false;
    const options = { stillWorking: () => STILL, carrying: { prepared: 'started' }, recall: async (entry: { prepared?: string } | null) => (done && entry?.prepared !== undefined ? entry.prepared : null) };
    await expect(once.run('SMstart', async () => ({ answer: 'started', recorded: true }), options)).resolves.toBe('started');
    // The work's own record is not there yet: the retry waits, bounded.
    await expect(once.run('SMstart', async () => 'never', options)).resolves.toBe(STILL);
    done = true;
    await expect(once.run('SMstart', async () => 'never', options)).resolves.toBe('started');
    expect(completed).toEqual([]);

    await expect(once.run('SMfault', async () => 'sorry', options)).resolves.toBe('sorry');
    expect(completed).toEqual(['sorry']);
    await expect(once.run('SMfault', async () => 'never', options)).resolves.toBe('sorry');
  });
});
