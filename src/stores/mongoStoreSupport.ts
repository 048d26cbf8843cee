// What every MongoDB repository shares: input guards (no operator smuggled into a filter), driver faults mapped
// to the store errors of the ports, last-writer-wins puts, and the compare-and-set on `version`.
import { MongoError, MongoServerError, type Collection, type Filter, type WithoutId } from 'mongodb';
import { DuplicateKeyError, StoreUnavailableError } from '../ports/storeErrors';
import { compareAndSet, type ClaimDocument } from './mongoVersionClaims';

/** Console-compatible; details never carry secrets or the connection string. */
export interface MongoStoresLogger {
  info(message: string, details?: Readonly<Record<string, unknown>>): void;
  warn(message: string, details?: Readonly<Record<string, unknown>>): void;
}

// ---- input guards: every value that reaches a filter must be the primitive its type says, so that an
// object such as { $gt: '' } smuggled in through an untyped caller is refused instead of read as an operator.

export function requireString(value: unknown, name: string): string {
  if (typeof value !== 'string') throw new TypeError(`${name} must be a string`);
  return value;
}

export function requireTime(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new TypeError(`${name} must be a finite number`);
  return value;
}

export function requireCount(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new TypeError(`${name} must be a non-negative integer`);
  return value;
}

// ---- error mapping

/** A unique-index collision. FerretDB 1.x reports one met by an update as InternalError with SQLite's text. */
export function isDuplicateKeyError(error: unknown): boolean {
  if (!(error instanceof MongoServerError)) return false;
  return error.code === 11000 || (error.code === 1 && /UNIQUE constraint failed/.test(error.message));
}

/** Driver and server faults become StoreUnavailableError; anything else (our own TypeErrors) passes through. */
export function toStoreError(error: unknown): unknown {
  if (error instanceof StoreUnavailableError || !(error instanceof MongoError)) return error;
  return new StoreUnavailableError(`The data store is unavailable (${error.name})`, { cause: error });
}

/**
 * Stores `doc` under `_id`, replacing whatever is there: last writer wins. Two first writes at once make one
 * upsert hit the unique _id (a server inserts for both); that one is retried as a plain replace.
 */
export async function putDocument<TDoc extends { _id: string }>(collection: Collection<TDoc>, _id: string, doc: WithoutId<TDoc>): Promise<void> {
  const filter = { _id } as Filter<TDoc>;
  try {
    await guarded(() => collection.replaceOne(filter, doc, { upsert: true }));
  } catch (error) {
    if (!isDuplicateKeyError((error as { cause?: unknown }).cause ?? error)) throw error;
    await guarded(() => collection.replaceOne(filter, doc));
  }
}

export async function guarded<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw toStoreError(error);
  }
}

/** Runs an insert or replace, turning a unique-key collision into DuplicateKeyError(key()). */
export async function writeGuarded<T>(operation: () => Promise<T>, key: () => Promise<string>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (isDuplicateKeyError(error)) throw new DuplicateKeyError(await key());
    throw toStoreError(error);
  }
}

/** Compare-and-set on `version`, by the strategy mongoVersionClaims chose for this server. */
export async function replaceIfVersion<TDoc extends { _id: string; version: number }>(
  collection: Collection<TDoc>,
  claims: Collection<ClaimDocument>,
  _id: string,
  version: number,
  replacement: WithoutId<TDoc>,
): Promise<boolean> {
  const result = await compareAndSet({ target: collection, claims, scope: collection.collectionName, id: _id, expectedVersion: version, replacement });
  return result === 'saved';
}

/** Name and message only: a driver error's other properties can hold the connection string. */
export function describeFailure(error: unknown): Record<string, string> {
  const cause = error instanceof StoreUnavailableError && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? { error: cause.name, reason: cause.message } : { error: String(cause) };
}
