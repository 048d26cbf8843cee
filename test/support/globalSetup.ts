// Jest global setup: find a MongoDB server for the Mongo suites — MONGODB_URI, else mongodb-memory-server, else a
// FerretDB binary started by scripts/ferretdb.sh — or record why none could be had. It never throws: suites that
// do not need MongoDB still run, and the Mongo suites fail with the recorded reason (see test/support/mongo.ts).
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { TEST_MONGO_ERROR_ENV, TEST_MONGO_URI_ENV } from './mongo';

const run = promisify(execFile);
const FERRETDB_SCRIPT = path.resolve(__dirname, '../../scripts/ferretdb.sh');
// Generous: the first run on a machine with internet downloads a mongod of ~100 MB.
const MEMORY_SERVER_TIMEOUT_MS = Number(process.env['SIGNET_TEST_MEMORY_SERVER_TIMEOUT_MS'] ?? 180_000);

/** What globalTeardown must stop; kept on globalThis, which jest shares between setup and teardown only. */
export interface TestMongoHandle {
  readonly description: string;
  stop(): Promise<void>;
}
export const HANDLE_KEY = '__signetTestMongo';

interface Started {
  readonly uri: string;
  readonly handle: TestMongoHandle;
}

export default async function globalSetup(): Promise<void> {
  delete process.env[TEST_MONGO_URI_ENV];
  delete process.env[TEST_MONGO_ERROR_ENV];
  const tried: string[] = [];

  const given = process.env['MONGODB_URI'];
  if (given) {
    process.env[TEST_MONGO_URI_ENV] = given;
    return;
  }
  tried.push('MONGODB_URI: not set');

  for (const [name, start] of [
    ['mongodb-memory-server', startMemoryServer],
    ['FerretDB (scripts/ferretdb.sh start)', startFerretDb],
  ] as const) {
    if (name === 'mongodb-memory-server' && process.env['SIGNET_TEST_SKIP_MEMORY_SERVER'] === '1') {
      tried.push(`${name}: skipped (SIGNET_TEST_SKIP_MEMORY_SERVER=1)`);
      continue;
    }
    try {
      const started = await start();
      process.env[TEST_MONGO_URI_ENV] = started.uri;
      (globalThis as Record<string, unknown>)[HANDLE_KEY] = started.handle;
      process.stderr.write(`\nMongoDB for the tests: ${started.handle.description}\n`);
      return;
    } catch (error) {
      tried.push(`${name}: ${describe(error)}`);
    }
  }

  const message = [
    'No MongoDB server for the MongoDB test suites. Tried, in order:',
    ...tried.map((line) => `  - ${line}`),
    'Fix one of them: set MONGODB_URI to a running server, give mongodb-memory-server internet access to download',
    'mongod, or build FerretDB with `scripts/ferretdb.sh build` (or point FERRETDB_BIN at a ferretdb binary).',
  ].join('\n');
  process.env[TEST_MONGO_ERROR_ENV] = message;
  process.stderr.write(`\n${message}\n`);
}

async function startMemoryServer(): Promise<Started> {
  const { MongoMemoryServer } = await import('mongodb-memory-server');
  const starting = MongoMemoryServer.create();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not start within ${MEMORY_SERVER_TIMEOUT_MS} ms`)), MEMORY_SERVER_TIMEOUT_MS);
  });
  try {
    const server = await Promise.race([starting, timeout]);
    return {
      uri: server.getUri(),
      handle: { description: `mongodb-memory-server at ${server.getUri()}`, stop: async () => void (await server.stop()) },
    };
  } catch (error) {
    // A server that comes up after we gave up on it must not outlive the run.
    starting.then((late) => late.stop()).catch(() => undefined);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

async function startFerretDb(): Promise<Started> {
  const { stdout } = await run('bash', [FERRETDB_SCRIPT, 'start', '--owner-pid', String(process.pid)], { timeout: 60_000 });
  const vars = parseAssignments(stdout);
  const { FERRETDB_PID: pid, FERRETDB_DIR: dir, MONGODB_URI: uri } = vars;
  if (!pid || !dir || !uri) throw new Error(`unexpected output from scripts/ferretdb.sh start: ${stdout.trim()}`);
  return {
    uri,
    handle: {
      description: `FerretDB at ${uri} (pid ${pid})`,
      stop: async () => void (await run('bash', [FERRETDB_SCRIPT, 'stop', pid, dir], { timeout: 30_000 })),
    },
  };
}

/** Reads the KEY=value lines `ferretdb.sh start` prints (values quoted with printf %q). */
export function parseAssignments(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (match?.[1] && match[2] !== undefined) vars[match[1]] = match[2].replace(/\\(.)/g, '$1');
  }
  return vars;
}

/** An error on one line: a failed command's stderr (where ferretdb.sh explains itself), else its message. */
function describe(error: unknown): string {
  const stderr = (error as { stderr?: unknown } | null)?.stderr;
  const text = typeof stderr === 'string' && stderr.trim() ? stderr : error instanceof Error ? error.message : String(error);
  const line = text.trim().split(/\s*\n\s*/).join(' ');
  return line.length > 400 ? `${line.slice(0, 400)}…` : line;
}
