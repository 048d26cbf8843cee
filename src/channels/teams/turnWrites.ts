// Knows whether a Teams turn changed anything outside its dialog state (the user record, a help-desk action), so
// a turn that lost a dialog-state race is re-run only when re-running cannot repeat a change.
import { AsyncLocalStorage } from 'node:async_hooks';

interface TurnRecord {
  wrote: boolean;
  /** Writing calls made so far, so a copy of the record kept mid-turn can tell it went stale. */
  writes: number;
}

const current = new AsyncLocalStorage<TurnRecord>();

/**
 * The service with every method except `readOnly` ones marking the running turn as having written. A call outside
 * `recordWrites` marks nothing. Read-only here means "harmless to repeat" (e.g. ensureUser creates at most once).
 */
export function writeRecording<T extends object>(service: T, readOnly: ReadonlyArray<keyof T & string>): T {
  return new Proxy(service, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || (readOnly as readonly (string | symbol)[]).includes(prop)) return value;
      return (...args: unknown[]) => {
        const record = current.getStore();
        if (record) {
          record.wrote = true;
          record.writes++;
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/** Runs `work` and tells whether it called a writing method of a `writeRecording` service (even if it threw). */
export async function recordWrites<R>(work: () => Promise<R>): Promise<{ result: R; wrote: boolean } | { error: unknown; wrote: boolean }> {
  const record: TurnRecord = { wrote: false, writes: 0 };
  try {
    const result = await current.run(record, work);
    return { result, wrote: record.wrote };
  } catch (error) {
    return { error, wrote: record.wrote };
  }
}

/** How many writing calls the running `recordWrites` has made so far; 0 outside one. */
export function writesSoFar(): number {
  return current.getStore()?.writes ?? 0;
}
