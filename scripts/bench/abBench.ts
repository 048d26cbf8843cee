// Before/after on a busy machine: the baseline server and Signet built from two trees (A: e.g. a `git archive` of
// the commit before a change, compiled; B: this tree), loaded in interleaved rounds at the same offered rate, with the
// CPU per request of each process and of its main thread. The per-round ratio B/A is the figure to read: a burst of
// other work lands on both alike, where two separate `npm run bench` runs minutes apart differ by more than a cut.
//
//   node dist/scripts/bench/abBench.js --a /tmp/before [--b .] [--only sms|teams] [--rounds 6] [--duration 4]
//                                      [--warmup 8] [--lead-in 2] [--rate 1500 (sms) / 250 (teams)]
// Each tree must be compiled (dist/) and have node_modules; the baseline (bare restify or echo bot) runs from B.
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import autocannon from 'autocannon';
import { startConnector } from './benchConnector';
import { CLOCK_TICKS_PER_SECOND, cpuTicks, SIGNET_BENCH_ENV, smsRequest, teamsRequest } from './benchRequests';

(process as { noDeprecation?: boolean }).noDeprecation = true;

interface Server {
  readonly child: ChildProcess;
  readonly url: string;
}

interface Round {
  /** CPU ms per request of the whole process (GC helper threads included) and of its main thread. */
  readonly process: number;
  readonly main: number;
}

const option = (name: string, fallback: string): string => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1]! : fallback;
};

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    http.get(url, (res) => (res.resume(), resolve(res.statusCode === 200))).on('error', () => resolve(false));
  });
}

async function start(tree: string, kind: 'bare' | 'echo' | 'signet'): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(tree, 'dist/scripts/bench/benchServer.js'), kind], {
    cwd: tree,
    env: { PATH: process.env['PATH'], ...SIGNET_BENCH_ENV, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (!(await answers(`${url}${kind === 'signet' ? '/readyz' : '/healthz'}`))) {
    if (Date.now() > deadline) throw new Error(`${kind} from ${tree} did not start`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { child, url };
}

async function load(server: Server, request: autocannon.Request, seconds: number, rate: number | undefined): Promise<Round> {
  const pid = server.child.pid!;
  const [all, main] = [cpuTicks(pid), cpuTicks(pid, pid)];
  const result = await autocannon({ url: server.url, connections: 16, duration: seconds, requests: [request], ...(rate ? { overallRate: rate } : {}) });
  const perRequest = (ticks: number): number => (ticks * 1000) / CLOCK_TICKS_PER_SECOND / Math.max(1, result.requests.total);
  return { process: perRequest(cpuTicks(pid) - all), main: perRequest(cpuTicks(pid, pid) - main) };
}

const median = (values: readonly number[]): number => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;

async function abMain(): Promise<void> {
  const [a, b] = [path.resolve(option('a', '')), path.resolve(option('b', '.'))];
  if (option('a', '') === '') throw new Error('--a <tree> is required (a compiled copy of the code before the change)');
  const only = option('only', 'sms');
  const rounds = Number(option('rounds', '6'));
  const seconds = Number(option('duration', '4'));
  const rate = Number(option('rate', only === 'teams' ? '250' : '1500'));
  const connector = only === 'teams' ? await startConnector() : undefined;
  const request = connector ? teamsRequest(connector.url) : smsRequest();
  const servers: Record<'base' | 'A' | 'B', Server> = { base: await start(b, only === 'teams' ? 'echo' : 'bare'), A: await start(a, 'signet'), B: await start(b, 'signet') };
  const names = ['base', 'A', 'B'] as const;
  try {
    for (const name of names) await load(servers[name], request, Number(option('warmup', '8')), undefined);
    const measured: Record<'base' | 'A' | 'B', Round[]> = { base: [], A: [], B: [] };
    // Each measured round after an unmeasured lead-in at the same rate, as in bench.ts (the first seconds after a pause cost more).
    const leadIn = Number(option('lead-in', '2'));
    for (let round = 0; round < rounds; round++) {
      for (const name of names) {
        if (leadIn > 0) await load(servers[name], request, leadIn, rate);
        measured[name].push(await load(servers[name], request, seconds, rate));
      }
    }
    for (const name of names) {
      const figures = (pick: (r: Round) => number): string => measured[name].map((r) => pick(r).toFixed(3)).join(' ');
      process.stdout.write(`${name.padEnd(4)} CPU ms/request, process: ${figures((r) => r.process)} | main thread: ${figures((r) => r.main)}\n`);
    }
    const ratio = (x: 'A' | 'B', y: 'base' | 'A', pick: (r: Round) => number): string => median(measured[x].map((r, i) => pick(r) / pick(measured[y][i]!))).toFixed(3);
    process.stdout.write(
      `median per-round ratios (process / main thread): B/A ${ratio('B', 'A', (r) => r.process)} / ${ratio('B', 'A', (r) => r.main)}; ` +
        `A/base ${ratio('A', 'base', (r) => r.process)}; B/base ${ratio('B', 'base', (r) => r.process)} / ${ratio('B', 'base', (r) => r.main)}\n`,
    );
  } finally {
    for (const name of names) servers[name].child.kill('SIGTERM');
    await connector?.close();
  }
}

abMain().catch((error: unknown) => {
  process.stderr.write(`abBench failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
