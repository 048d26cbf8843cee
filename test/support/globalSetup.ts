// Jest global setup: find a MongoDB server for the Mongo suites — MONGODB_URI, else FerretDB (built by
// scripts/ferretdb.sh on first use when Go is present, then reused from .cache/ferretdb), else, only when asked
// for, mongodb-memory-server — or record why none could be had. It never throws: suites that do not need MongoDB
// still run, and the Mongo suites fail with the recorded reason (see test/support/mongo.ts).
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { TEST_MONGO_ERROR_ENV, TEST_MONGO_URI_ENV } from './mongo';

const run = promisify(execFile);
const FERRETDB_SCRIPT = path.resolve(__dirname, '../../scripts/ferretdb.sh');
// A first build downloads FerretDB's modules and compiles them: about a minute on a fast machine, more on 2 busy cores.
const FERRETDB_BUILD_TIMEOUT_MS = 20 * 60_000;
const MEMORY_SERVER_TIMEOUT_MS = Number(process.env['SIGNET_TEST_MEMORY_SERVER_TIMEOUT_MS'] ?? 180_000);
/** mongodb-memory-server downloads mongod from the internet, which many machines (and CI) cannot: opt-in only. */
export const MEMORY_SERVER_OPT_IN_ENV = 'SIGNET_TEST_MEMORY_SERVER';

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

export interface ServerSource {
  readonly name: string;
  start(): Promise<Started>;
}

/** The servers to try, in order, for this environment (MONGODB_URI is handled before any of them). */
export function serverSources(env: NodeJS.ProcessEnv): ServerSource[] {
  const sources: ServerSource[] = [{ name: 'FerretDB (scripts/ferretdb.sh ensure, then start)', start: startFerretDb }];
  if (env[MEMORY_SERVER_OPT_IN_ENV] === '1') sources.push({ name: 'mongodb-memory-server', start: startMemoryServer });
  return sources;
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

  for (const source of serverSources(process.env)) {
    try {
      const started = await source.start();
      process.env[TEST_MONGO_URI_ENV] = started.uri;
      (globalThis as Record<string, unknown>)[HANDLE_KEY] = started.handle;
      process.stderr.write(`\nMongoDB for the tests: ${started.handle.description}\n`);
      return;
    } catch (error) {
      tried.push(`${source.name}: ${describe(error)}`);
    }
  }

  const message = [
    'No MongoDB server for the MongoDB test suites. Tried, in order:',
    ...tried.map((line) => `  - ${line}`),
    'Fix one of them: install Go 1.24+ (https://go.dev/dl/) so `npm test` can build FerretDB once, set MONGODB_URI',
    `to a running server, point FERRETDB_BIN at a ferretdb v1.24.2 binary, or set ${MEMORY_SERVER_OPT_IN_ENV}=1 to let`,
    'mongodb-memory-server download mongod (needs internet access).',
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
  const binary = await ensureFerretDb();
  const { stdout } = await run('bash', [FERRETDB_SCRIPT, 'start', '--owner-pid', String(process.pid)], {
    timeout: 60_000,
    env: { ...process.env, FERRETDB_BIN: binary },
  });
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

/**
 * The FerretDB binary to start: FERRETDB_BIN, the cached build or one on PATH, else one built now. The script's
 * stderr is shown as it comes (a first build takes a while and says so) and kept for the error message.
 */
function ensureFerretDb(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [FERRETDB_SCRIPT, 'ensure'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGTERM'), FERRETDB_BUILD_TIMEOUT_MS);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      process.stderr.write(chunk);
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const binary = stdout.trim().split('\n').pop() ?? '';
      if (code === 0 && binary) return resolve(binary);
      const why = signal ? `stopped by ${signal} (the ${FERRETDB_BUILD_TIMEOUT_MS / 60_000}-minute build bound?)` : `exit code ${String(code)}`;
      reject(Object.assign(new Error(`scripts/ferretdb.sh ensure failed: ${why}`), { stderr }));
    });
  });
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
  return line.length > 600 ? `${line.slice(0, 600)}…` : line;
}
