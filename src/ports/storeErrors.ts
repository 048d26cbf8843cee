// What a repository may throw, in words every layer can name: the HTTP host maps them to 503s, the edge to a
// localized "try again", the services to a retry. Kept apart from the repository interfaces so that presentation
// and channels can recognise a store fault without seeing the stores.
/** The store could not be reached or answered with a fault; nothing was written by the failed call. */
export class StoreUnavailableError extends Error {
  constructor(message = 'The data store is unavailable', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/**
 * A record is held by an earlier write that has not finished — normally for milliseconds, but up to
 * `retryAfterMs` when that writer died mid-write. Nothing was written; the same request succeeds later.
 */
export class RecordBusyError extends Error {
  constructor(readonly retryAfterMs: number) {
    super('The record is held by an unfinished earlier write');
    this.name = 'RecordBusyError';
  }
}

/** An insert collided with a unique key (same id, or another user with the same UPN). */
export class DuplicateKeyError extends Error {
  constructor(readonly key: string) {
    super(`Duplicate key: ${key}`);
    this.name = 'DuplicateKeyError';
  }
}
