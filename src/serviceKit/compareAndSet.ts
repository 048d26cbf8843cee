// The one load → decide → save-if-the-version-still-matches → retry loop every core service uses, and the error it
// throws when every try lost its race. Effects belong after it returns: a lost race must never send anything.

/** Every retry lost its race: the caller tells the person to try again; nothing was changed by this call. */
export class ConcurrentUpdateError extends Error {
  constructor() {
    super('The record kept changing while we tried to update it');
    this.name = 'ConcurrentUpdateError';
  }
}

/** A record saved with a version check: `replace` resolves null when the stored version moved on (or it is gone). */
export interface VersionedRecord<T> {
  read(): Promise<T | null>;
  replace(next: T): Promise<T | null>;
}

/** What to store (the very same object as `current` means "nothing changed": no write) and what to hand back. */
export interface Decision<T, R> {
  readonly next: T;
  readonly result: R;
}

export interface Committed<T, R> {
  /** The record as saved (or as read, when nothing changed). */
  readonly saved: T;
  readonly result: R;
}

export interface CompareAndSetOptions<T> {
  /** The record the caller just read: one extra try before the fresh reads (a stale one only loses the race). */
  readonly loaded?: T | undefined;
  /** Fresh reads a lost race is retried with. */
  readonly attempts?: number;
  /** Waits before fresh read n (n ≥ 1); default 2^n ms. Injected so tests of the loop itself need not wait. */
  readonly pause?: (retry: number) => Promise<void>;
}

export const DEFAULT_ATTEMPTS = 5;

// A lost race usually means another writer is mid-save (on FerretDB its version claim is held until its replace
// lands): re-reading at once only finds the same version again, so each retry waits a little longer (2+4+8+16 ms).
const backOff = (retry: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, 2 ** retry));

/**
 * Decides on the current record and saves the decision if nobody saved in between, else decides again on fresh
 * data. `decide` may run several times, so it must not change anything outside the record. Resolves null when the
 * record is missing (use `missing` to throw instead).
 */
export async function compareAndSet<T, R>(
  record: VersionedRecord<T>,
  decide: (current: T) => Decision<T, R> | Promise<Decision<T, R>>,
  options: CompareAndSetOptions<T> & { readonly missing: () => Error },
): Promise<Committed<T, R>>;
export async function compareAndSet<T, R>(
  record: VersionedRecord<T>,
  decide: (current: T) => Decision<T, R> | Promise<Decision<T, R>>,
  options?: CompareAndSetOptions<T>,
): Promise<Committed<T, R> | null>;
export async function compareAndSet<T, R>(
  record: VersionedRecord<T>,
  decide: (current: T) => Decision<T, R> | Promise<Decision<T, R>>,
  options: CompareAndSetOptions<T> & { readonly missing?: () => Error } = {},
): Promise<Committed<T, R> | null> {
  const attempts = options.attempts ?? DEFAULT_ATTEMPTS;
  const pause = options.pause ?? backOff;
  const first = options.loaded !== undefined ? -1 : 0;
  for (let attempt = first; attempt < attempts; attempt++) {
    if (attempt > Math.max(first, 0)) await pause(attempt);
    const current = attempt === -1 && options.loaded !== undefined ? options.loaded : await record.read();
    if (current === null) {
      if (options.missing) throw options.missing();
      return null;
    }
    const { next, result } = await decide(current);
    const saved = next === current ? current : await record.replace(next);
    if (saved !== null) return { saved, result };
  }
  throw new ConcurrentUpdateError();
}
