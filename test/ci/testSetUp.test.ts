// The fresh-clone test set-up: `npm test` finds (or builds) FerretDB itself without first waiting on a mongod
// download, says what to install when Go is missing, and CI's summary line counts suites that failed to run.
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { MEMORY_SERVER_OPT_IN_ENV, serverSources } from '../support/globalSetup';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const FERRETDB_SCRIPT = path.join(ROOT, 'scripts/ferretdb.sh');
const JEST_SUMMARY = path.join(ROOT, '.ci/jest-summary');

async function outcome(file: string, args: string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(file, args, { env: options.env ?? process.env, timeout: 20_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : -1) : 0;
      resolve({ code, stdout, stderr });
    });
    child.stdin?.end(options.input ?? '');
  });
}

describe('test set-up on a fresh clone', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'signet-setup-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('when nothing is configured, then FerretDB is the only server tried (no mongod download to time out on)', () => {
    expect(serverSources({}).map((s) => s.name)).toEqual(['FerretDB (scripts/ferretdb.sh ensure, then start)']);
  });

  it('when mongodb-memory-server is asked for, then it is tried after FerretDB', () => {
    expect(serverSources({ [MEMORY_SERVER_OPT_IN_ENV]: '1' }).map((s) => s.name)).toEqual([
      'FerretDB (scripts/ferretdb.sh ensure, then start)',
      'mongodb-memory-server',
    ]);
  });

  it('when there is no FerretDB binary and no Go, then ensure says what to install and fails', async () => {
    const env = { PATH: '/usr/bin:/bin', HOME: dir, FERRETDB_CACHE_DIR: path.join(dir, 'cache'), GO: path.join(dir, 'no-go') };
    const result = await outcome('bash', [FERRETDB_SCRIPT, 'ensure'], { env });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Go (1.24 or newer) is needed to build FerretDB v1.24.2');
    expect(result.stderr).toContain('https://go.dev/dl/');
  });

  it('when a FerretDB binary is given, then ensure reuses it without building', async () => {
    const fake = path.join(dir, 'ferretdb');
    writeFileSync(fake, '#!/bin/sh\necho "version: v1.24.2"\n');
    chmodSync(fake, 0o755);
    const env = { PATH: '/usr/bin:/bin', HOME: dir, FERRETDB_CACHE_DIR: path.join(dir, 'cache'), GO: path.join(dir, 'no-go'), FERRETDB_BIN: fake };
    const result = await run('bash', [FERRETDB_SCRIPT, 'ensure'], { env });
    expect(result.stdout.trim()).toBe(fake);
  });
});

describe('.ci/run', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'signet-ci-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const RELIABILITY_PASSED = 'Test Suites: 4 passed, 4 total\nTests:       17 passed, 17 total\n';

  /**
   * Runs .ci/run with an `npm` stand-in that prints `testOutput` for `npm test` and exits `testStatus`, and prints
   * `reliabilityOutput` for `npm run test:reliability` and exits `reliabilityStatus`.
   */
  async function ciRun(testOutput: string, testStatus: number, reliabilityOutput = RELIABILITY_PASSED, reliabilityStatus = 0) {
    const npm = path.join(dir, 'npm');
    writeFileSync(path.join(dir, 'test-output.txt'), testOutput);
    writeFileSync(path.join(dir, 'reliability-output.txt'), reliabilityOutput);
    writeFileSync(
      npm,
      [
        '#!/bin/sh',
        `if [ "$1" = test ]; then cat "${path.join(dir, 'test-output.txt')}"; exit ${testStatus}; fi`,
        `if [ "$1" = run ] && [ "$2" = test:reliability ]; then cat "${path.join(dir, 'reliability-output.txt')}"; exit ${reliabilityStatus}; fi`,
        `echo "npm $*" >> "${path.join(dir, 'calls.txt')}"`,
        '',
      ].join('\n'),
    );
    chmodSync(npm, 0o755);
    return outcome(path.join(ROOT, '.ci/run'), [], { env: { ...process.env, PATH: `${dir}:/usr/bin:/bin` } });
  }

  it('when npm test passes but its output shows suites that failed to run, then the run fails and says so', async () => {
    const result = await ciRun('Test Suites: 3 failed, 40 passed, 43 total\nTests:       811 passed, 811 total\n', 0);
    expect(lastLine(result.stdout)).toBe('828 passed, 3 failed');
    expect(result.code).not.toBe(0);
  });

  it('when npm test fails, then the run fails with its exit code', async () => {
    const result = await ciRun('Test Suites: 1 failed, 42 passed, 43 total\nTests:       1 failed, 810 passed, 811 total\n', 1);
    expect(lastLine(result.stdout)).toBe('827 passed, 2 failed');
    expect(result.code).toBe(1);
  });

  it('when the reliability suite fails, then the run fails and its failures are counted', async () => {
    const result = await ciRun('Test Suites: 43 passed, 43 total\nTests:       811 passed, 811 total\n', 0, 'Test Suites: 1 failed, 3 passed, 4 total\nTests:       2 failed, 15 passed, 17 total\n', 1);
    expect(lastLine(result.stdout)).toBe('826 passed, 3 failed');
    expect(result.code).toBe(1);
  });

  it('when everything passes, then the run passes and says so on its last line', async () => {
    const result = await ciRun('Test Suites: 43 passed, 43 total\nTests:       811 passed, 811 total\n', 0);
    expect(lastLine(result.stdout)).toBe('828 passed, 0 failed');
    expect(result.code).toBe(0);
  });
});

/** The plain line CI reads must stand alone, last. */
const lastLine = (text: string): string => text.trim().split('\n').pop() ?? '';

describe('CI summary line', () => {
  it('when three suites failed to run but every test that ran passed, then the line shows the failures and exits non-zero', async () => {
    const jestOutput = 'FAIL test/a.test.ts\nTest Suites: 3 failed, 40 passed, 43 total\nTests:       811 passed, 811 total\n';
    const result = await outcome(JEST_SUMMARY, [], { input: jestOutput });
    expect(lastLine(result.stdout)).toBe('811 passed, 3 failed');
    expect(result.code).toBe(1);
  });

  it('when tests failed, then the line counts them and exits non-zero', async () => {
    const jestOutput = 'Test Suites: 1 failed, 42 passed, 43 total\nTests:       2 failed, 809 passed, 811 total\n';
    const result = await outcome(JEST_SUMMARY, [], { input: jestOutput });
    expect(lastLine(result.stdout)).toBe('809 passed, 3 failed');
    expect(result.code).toBe(1);
  });

  it('when everything passed, then the line says so and exits zero', async () => {
    const result = await outcome(JEST_SUMMARY, [], { input: 'Test Suites: 43 passed, 43 total\nTests:       811 passed, 811 total\n' });
    expect(lastLine(result.stdout)).toBe('811 passed, 0 failed');
    expect(result.code).toBe(0);
  });

  it('when jest printed no summary (the type check failed), then the run fails', async () => {
    const result = await outcome(JEST_SUMMARY, [], { input: 'src/x.ts(1,1): error TS2304: Cannot find name.\n' });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('no summary');
  });
});
