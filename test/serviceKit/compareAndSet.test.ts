// The shared compare-and-set loop: a lost race is decided again on fresh data, an unchanged decision writes
// nothing, the caller's copy is one extra try, and only exhausted retries raise ConcurrentUpdateError.
import { compareAndSet, ConcurrentUpdateError, type VersionedRecord } from '../../src/serviceKit/compareAndSet';

interface Counter {
  readonly version: number;
  readonly n: number;
}

/** An in-memory record whose version another writer bumps `racesToLose` times, just before our write lands. */
function racingRecord(start: Counter | null, racesToLose = 0) {
  let stored = start;
  let races = racesToLose;
  const calls = { reads: 0, writes: 0 };
  const record: VersionedRecord<Counter> = {
    async read() {
      calls.reads += 1;
      return stored;
    },
    async replace(next) {
      calls.writes += 1;
      if (stored === null) return null;
      if (races > 0) {
        races -= 1;
        stored = { version: stored.version + 1, n: stored.n + 100 };
      }
      if (stored.version !== next.version) return null;
      stored = { ...next, version: next.version + 1 };
      return stored;
    },
  };
  return { record, calls, stored: () => stored };
}

const increment = (c: Counter) => ({ next: { ...c, n: c.n + 1 }, result: c.n + 1 });

describe('compareAndSet', () => {
  it('when another writer saves first, then the decision is made again on the fresh record and saved', async () => {
    const r = racingRecord({ version: 1, n: 0 }, 2);
    const committed = await compareAndSet(r.record, increment);
    expect(committed).toEqual({ saved: { version: 4, n: 201 }, result: 201 });
    expect(r.calls).toEqual({ reads: 3, writes: 3 });
  });

  it('when the decision keeps the very same record, then nothing is written', async () => {
    const r = racingRecord({ version: 1, n: 5 });
    const committed = await compareAndSet(r.record, (c) => ({ next: c, result: 'kept' }));
    expect(committed).toEqual({ saved: { version: 1, n: 5 }, result: 'kept' });
    expect(r.calls.writes).toBe(0);
  });

  it("when the caller passes the record it just read, then that copy is tried first without a read", async () => {
    const r = racingRecord({ version: 1, n: 0 });
    await compareAndSet(r.record, increment, { loaded: { version: 1, n: 0 } });
    expect(r.calls).toEqual({ reads: 0, writes: 1 });
  });

  it('when every try loses its race, then ConcurrentUpdateError is thrown after the configured attempts', async () => {
    const r = racingRecord({ version: 1, n: 0 }, 99);
    await expect(compareAndSet(r.record, increment, { attempts: 3 })).rejects.toBeInstanceOf(ConcurrentUpdateError);
    expect(r.calls).toEqual({ reads: 3, writes: 3 });
  });

  it('when the record is missing, then it resolves null, or throws the error `missing` makes', async () => {
    expect(await compareAndSet(racingRecord(null).record, increment)).toBeNull();
    await expect(compareAndSet(racingRecord(null).record, increment, { missing: () => new RangeError('gone') })).rejects.toThrow('gone');
  });

  it('when races are lost, then each fresh read after the first waits longer than the one before', async () => {
    const r = racingRecord({ version: 1, n: 0 }, 3);
    const pauses: number[] = [];
    await compareAndSet(r.record, increment, { pause: async (retry) => void pauses.push(retry) });
    expect(pauses).toEqual([1, 2, 3]);
    expect(r.calls.reads).toBe(4);
  });
});
