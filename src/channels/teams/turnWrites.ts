// Knows whether a Teams turn changed anything outside its dialog state (the user record, a help-desk action), so
// a turn that lost a dialog-state race is re-run only when re-running cannot repeat a change. The record travels
// on the turn's own TurnContext, passed explicitly, never through AsyncLocalStorage: on Node 20 that switches on
// promise hooks for every promise in the process (SMS and API requests included) once the first turn used it.
import type { TurnContext } from 'botbuilder';

interface TurnRecord {
  wrote: boolean;
  /** Writing calls made so far, so a copy of the record kept mid-turn can tell it went stale. */
  writes: number;
}

const TURN_WRITES = Symbol('signet:turnWrites');

function recordOf(context: TurnContext): TurnRecord | undefined {
  return context.turnState.get(TURN_WRITES) as TurnRecord | undefined;
}

/** Marks the running `recordWrites` of this turn as having written; outside one it marks nothing. */
export function noteWrite(context: TurnContext): void {
  const record = recordOf(context);
  if (record) {
    record.wrote = true;
    record.writes++;
  }
}

/**
 * The service, for this turn, with every method except `readOnly` ones marking the turn as having written. A call
 * outside `recordWrites` marks nothing. Read-only here means "harmless to repeat" (e.g. ensureUser creates at most once).
 */
export function writeRecording<T extends object>(service: T, readOnly: ReadonlyArray<keyof T & string>, context: TurnContext): T {
  return new Proxy(service, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || (readOnly as readonly (string | symbol)[]).includes(prop)) return value;
      return (...args: unknown[]) => {
        noteWrite(context);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/** Runs `work` for this turn and tells whether it called a writing method of a `writeRecording` service (even if it threw). */
export async function recordWrites<R>(context: TurnContext, work: () => Promise<R>): Promise<{ result: R; wrote: boolean } | { error: unknown; wrote: boolean }> {
  const record: TurnRecord = { wrote: false, writes: 0 };
  context.turnState.set(TURN_WRITES, record);
  try {
    const result = await work();
    return { result, wrote: record.wrote };
  } catch (error) {
    return { error, wrote: record.wrote };
  } finally {
    // Only our own: nothing after this attempt counts as its writes.
    if (recordOf(context) === record) context.turnState.delete(TURN_WRITES);
  }
}

/** How many writing calls this turn's running `recordWrites` has made so far; 0 outside one. */
export function writesSoFar(context: TurnContext): number {
  return recordOf(context)?.writes ?? 0;
}
