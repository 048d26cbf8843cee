// What the MongoDB test suites need: the server globalSetup found (or the reason there is none, which every Mongo
// suite then fails with — a Mongo suite never skips), a fresh database name per suite, and a quiet logger.
import type { MongoStores, MongoStoresLogger } from '../../src/stores/mongoStores';

/** Set by globalSetup: the URI of the server the Mongo suites use. */
export const TEST_MONGO_URI_ENV = 'SIGNET_TEST_MONGO_URI';
/** Set by globalSetup when no server could be had: what was tried and how each attempt failed. */
export const TEST_MONGO_ERROR_ENV = 'SIGNET_TEST_MONGO_ERROR';

/** The test server's URI; throws the recorded reason when there is none, failing the suite that asked. */
export function mongoTestUri(): string {
  const uri = process.env[TEST_MONGO_URI_ENV];
  if (uri) return uri;
  throw new Error(
    process.env[TEST_MONGO_ERROR_ENV] ??
      'No MongoDB server for the tests: test/support/globalSetup.ts did not run (run them with jest and jest.config.js).',
  );
}

let counter = 0;

/** A database name no other suite, run or parallel worker uses (FerretDB allows [A-Za-z0-9_-], at most 63). */
export function freshDbName(prefix: string): string {
  const safePrefix = prefix.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 24);
  counter += 1;
  return `${safePrefix}_${process.pid}_${Date.now().toString(36)}_${counter.toString(36)}`;
}

export interface LoggedLine {
  readonly level: 'info' | 'warn';
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface RecordingLogger extends MongoStoresLogger {
  readonly lines: LoggedLine[];
}

/** Keeps the adapters' log lines for assertions instead of printing them between test results. */
export function recordingLogger(): RecordingLogger {
  const lines: LoggedLine[] = [];
  const record = (level: LoggedLine['level']) => (message: string, details?: Readonly<Record<string, unknown>>) =>
    void lines.push(details === undefined ? { level, message } : { level, message, details });
  return { lines, info: record('info'), warn: record('warn') };
}

/** Drops the suite's database and closes the stores, even when the drop fails. */
export async function dropAndClose(stores: MongoStores): Promise<void> {
  try {
    await stores.db.dropDatabase();
  } finally {
    await stores.close();
  }
}
