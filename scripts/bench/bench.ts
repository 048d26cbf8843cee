// `npm run bench`: Signet's SMS webhook and Teams turn against a bare restify server and a botbuilder echo bot,
// each server in its own process, load from autocannon; prints req/s, p99, CPU per request, idle RSS, time to
// ready and the ratios against the goals, on the memory store and (when FerretDB can be started) on MongoDB.
// A benchmark, not a test: it prints figures and never fails on them. Other work on the machine makes wall-clock
// figures noisy, so each comparison runs in interleaved rounds (baseline, Signet, baseline, Signet, …) against
// servers started once, and reports the median round; CPU per request (the process's own CPU time over requests
// answered) is the steadier figure.
//
// Each server is warmed up first (V8 needs a few thousand requests to optimise a Teams turn; production servers
// run for days, so the steady state is what is compared).
//
// Each measured round follows a lead-in at the same load that is not measured: while one server is measured the
// other idles, and the first second or two after a pause cost up to twice the steady figure per request (new
// connections, and whatever the process did while idle). Those seconds are an artefact of the interleaving, not
// of serving webhooks; left in, they moved Signet's SMS ratio by 0.1–0.2× (scripts/bench/README.md, "Lead-in").
//
//   npm run bench [-- --duration 6] [--rounds 5] [--lead-in 2] [--warmup 10] [--connections 16] [--store memory|mongodb|both]
//                 [--only sms|teams] [--profile DIR]   (a V8 CPU profile of each server's measured rounds, in DIR)
//   npm run bench -- --scale [--people 100000] [--requests 1000]   (see scaleBench.ts)
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import { startConnector } from './benchConnector';
import { CLOCK_TICKS_PER_SECOND, cpuTicks, SIGNET_BENCH_ENV, smsRequest, teamsRequest } from './benchRequests';

const run = promisify(execFile);
// autocannon reaches for process.binding('http_parser'); its deprecation notice is noise in the figures.
(process as { noDeprecation?: boolean }).noDeprecation = true;
process.env['NODE_NO_WARNINGS'] = '1';
const ROOT = path.resolve(__dirname, '../../..');
const SERVER_JS = path.join(__dirname, 'benchServer.js');
const GOALS = { smsCpuRatio: 1.5, teamsThroughputRatio: 0.8, idleRssMb: 120, readySeconds: 1.5 };

interface Options {
  readonly durationSeconds: number;
  readonly rounds: number;
  readonly warmUpSeconds: number;
  /** Unmeasured load before each measured round (see the top of this file). */
  readonly leadInSeconds: number;
  /** Requests per second offered to both SMS servers in the measured rounds (0: as many as they answer). */
  readonly smsRate: number | undefined;
  readonly connections: number;
  readonly stores: readonly ('memory' | 'mongodb')[];
  readonly scenarios: readonly ('sms' | 'teams')[];
  readonly profileDir: string | undefined;
}

interface Round {
  readonly reqPerSec: number;
  readonly p99Ms: number;
  readonly cpuMsPerRequest: number;
  readonly requests: number;
  readonly non2xx: number;
  readonly errors: number;
}

/** A server's rounds: medians of the per-round figures, totals of the counts, and the CPU figure's range. */
interface Figures extends Round {
  readonly label: string;
  readonly cpuSpread: readonly [number, number];
}

interface Started {
  readonly child: ChildProcess;
  readonly url: string;
  readonly readySeconds: number;
}

function parseOptions(argv: readonly string[]): Options {
  const value = (name: string): string | undefined => {
    const at = argv.indexOf(`--${name}`);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const store = value('store') ?? 'both';
  if (!['memory', 'mongodb', 'both'].includes(store)) throw new Error(`--store must be memory, mongodb or both, not ${store}`);
  const only = value('only');
  if (only !== undefined && only !== 'sms' && only !== 'teams') throw new Error(`--only must be sms or teams, not ${only}`);
  const profileDir = value('profile');
  return {
    durationSeconds: Number(value('duration') ?? 6),
    rounds: Math.max(1, Number(value('rounds') ?? 5)),
    warmUpSeconds: Number(value('warmup') ?? 10),
    leadInSeconds: Number(value('lead-in') ?? 2),
    smsRate: Number(value('sms-rate') ?? 1500) || undefined,
    connections: Number(value('connections') ?? 16),
    stores: store === 'both' ? ['memory', 'mongodb'] : [store as 'memory' | 'mongodb'],
    scenarios: only === undefined ? ['sms', 'teams'] : [only],
    profileDir: profileDir === undefined ? undefined : path.resolve(profileDir),
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const req = http.get(url, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on('error', () => resolve(false));
      req.setTimeout(1000, () => req.destroy());
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function startServer(kind: 'bare' | 'echo' | 'signet', env: NodeJS.ProcessEnv, options: Options, name: string): Promise<Started> {
  const port = await freePort();
  const began = process.hrtime.bigint();
  const profile = options.profileDir === undefined ? {} : { BENCH_PROFILE: path.join(options.profileDir, `${name}.cpuprofile`) };
  const child = spawn(process.execPath, [SERVER_JS, kind], {
    cwd: ROOT,
    // BENCH_SIGNET_NODE_OPTIONS: V8/Node flags for Signet's process only (e.g. to try heap settings).
    env: { PATH: process.env['PATH'], ...env, ...profile, PORT: String(port), ...(kind === 'signet' && process.env['BENCH_SIGNET_NODE_OPTIONS'] ? { NODE_OPTIONS: process.env['BENCH_SIGNET_NODE_OPTIONS'] } : {}) },
    // Standard error is kept and shown only when the server fails to start (the development banner is noise here).
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-8000);
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(`${url}${kind === 'signet' ? '/readyz' : '/healthz'}`, 30_000);
  } catch (error) {
    child.kill('SIGKILL');
    process.stderr.write(stderr);
    throw error;
  }
  return { child, url, readySeconds: Number(process.hrtime.bigint() - began) / 1e9 };
}

async function stopServer(started: Started): Promise<void> {
  if (started.child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => started.child.once('exit', () => resolve()));
  started.child.kill('SIGTERM');
  const timer = setTimeout(() => started.child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const line = status.split('\n').find((l) => l.startsWith('VmRSS:')) ?? 'VmRSS: 0 kB';
  return Number(line.replace(/\D+/g, ' ').trim().split(' ')[0]) / 1024;
}


/** One round of load on one server: its CPU time over the requests it answered, read from /proc around the run. */
async function load(started: Started, request: autocannon.Request, options: Options, durationSeconds: number, rate: number | undefined): Promise<Round> {
  const pid = started.child.pid!;
  const ticksBefore = cpuTicks(pid);
  const result = await autocannon({
    url: started.url,
    connections: options.connections,
    duration: durationSeconds,
    requests: [request],
    ...(rate === undefined ? {} : { overallRate: rate }),
  });
  const ticks = cpuTicks(pid) - ticksBefore;
  const requests = result.requests.total;
  return {
    reqPerSec: result.requests.average,
    p99Ms: result.latency.p99,
    cpuMsPerRequest: requests > 0 ? (ticks * 1000) / CLOCK_TICKS_PER_SECOND / requests : Number.NaN,
    requests,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function summarise(label: string, rounds: readonly Round[]): Figures {
  const sum = (pick: (r: Round) => number): number => rounds.reduce((total, r) => total + pick(r), 0);
  return {
    label,
    reqPerSec: median(rounds.map((r) => r.reqPerSec)),
    p99Ms: median(rounds.map((r) => r.p99Ms)),
    cpuMsPerRequest: median(rounds.map((r) => r.cpuMsPerRequest)),
    cpuSpread: [Math.min(...rounds.map((r) => r.cpuMsPerRequest)), Math.max(...rounds.map((r) => r.cpuMsPerRequest))],
    requests: sum((r) => r.requests),
    non2xx: sum((r) => r.non2xx),
    errors: sum((r) => r.errors),
  };
}

interface Contender {
  readonly label: string;
  readonly kind: 'bare' | 'echo' | 'signet';
  readonly env: NodeJS.ProcessEnv;
}

interface Comparison {
  readonly baseline: Figures;
  readonly signet: Figures;
  /** Median over rounds of Signet's figure over the baseline's in the same round. */
  readonly cpuRatio: number;
  readonly throughputRatio: number;
  readonly signetIdleRssMb: number;
  readonly signetReadySeconds: number;
}

/**
 * Baseline and Signet, each in its own process, started once and loaded in alternating rounds after a warm-up
 * (JIT, first-contact records, connection pools), so a burst of other work on the machine lands on both alike.
 */
async function compare(baseline: Contender, signet: Contender, request: autocannon.Request, options: Options, rate: number | undefined): Promise<Comparison> {
  const base = await startServer(baseline.kind, baseline.env, options, baseline.label.replace(/\W+/g, '-'));
  let own: Started | undefined;
  try {
    // A first launch after a corpus or NLU change trains the language models and fills .cache/nlu; the figures are
    // those of a launch like every later restart, so that one is stopped and Signet is started again.
    await stopServer(await startServer(signet.kind, signet.env, { ...options, profileDir: undefined }, `${signet.label.replace(/\W+/g, '-')}-first`));
    own = await startServer(signet.kind, signet.env, options, signet.label.replace(/\W+/g, '-'));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const signetIdleRssMb = rssMb(own.child.pid!);
    await load(base, request, options, options.warmUpSeconds, undefined);
    await load(own, request, options, options.warmUpSeconds, undefined);
    if (options.profileDir !== undefined) for (const server of [base, own]) server.child.kill('SIGUSR2');
    const baseRounds: Round[] = [];
    const ownRounds: Round[] = [];
    const measured = async (server: Started): Promise<Round> => {
      if (options.leadInSeconds > 0) await load(server, request, options, options.leadInSeconds, rate);
      return load(server, request, options, options.durationSeconds, rate);
    };
    for (let round = 0; round < options.rounds; round++) {
      baseRounds.push(await measured(base));
      ownRounds.push(await measured(own));
    }
    return {
      baseline: summarise(baseline.label, baseRounds),
      signet: summarise(signet.label, ownRounds),
      cpuRatio: median(ownRounds.map((r, i) => r.cpuMsPerRequest / baseRounds[i]!.cpuMsPerRequest)),
      throughputRatio: median(ownRounds.map((r, i) => r.reqPerSec / baseRounds[i]!.reqPerSec)),
      signetIdleRssMb,
      signetReadySeconds: own.readySeconds,
    };
  } finally {
    if (own) await stopServer(own);
    await stopServer(base);
  }
}

function row(f: Figures): string {
  const spread = `${f.cpuSpread[0].toFixed(3)}–${f.cpuSpread[1].toFixed(3)}`;
  return `${f.label.padEnd(30)} ${f.reqPerSec.toFixed(0).padStart(6)} req/s   p99 ${String(f.p99Ms).padStart(5)} ms   ${f.cpuMsPerRequest.toFixed(3).padStart(6)} CPU ms/req (rounds ${spread})   ${f.requests} requests, ${f.non2xx} non-2xx, ${f.errors} errors`;
}

async function startFerretDb(): Promise<{ uri: string; stop(): Promise<void> } | null> {
  const script = path.join(ROOT, 'scripts/ferretdb.sh');
  try {
    await run('bash', [script, 'build'], { timeout: 600_000 });
    const { stdout } = await run('bash', [script, 'start', '--owner-pid', String(process.pid)], { timeout: 60_000 });
    const vars = Object.fromEntries(stdout.split('\n').map((l) => l.trim().split('=')).filter((p) => p.length >= 2).map(([k, ...v]) => [k, v.join('=').replace(/\\(.)/g, '$1')]));
    const { FERRETDB_PID: pid, FERRETDB_DIR: dir, MONGODB_URI: uri } = vars as Record<string, string>;
    if (!pid || !dir || !uri) return null;
    return { uri, stop: async () => void (await run('bash', [script, 'stop', pid, dir], { timeout: 30_000 })) };
  } catch (error) {
    process.stdout.write(`(MongoDB figures skipped: FerretDB could not be started: ${error instanceof Error ? error.message.split('\n')[0] : String(error)})\n`);
    return null;
  }
}

async function benchStore(store: 'memory' | 'mongodb', options: Options, connectorUrl: string): Promise<void> {
  let mongo: { uri: string; stop(): Promise<void> } | null = null;
  if (store === 'mongodb') {
    mongo = await startFerretDb();
    if (!mongo) return;
  }
  const env: NodeJS.ProcessEnv = {
    ...SIGNET_BENCH_ENV,
    ...(mongo ? { MONGODB_URI: mongo.uri, MONGODB_DB: `bench_${Date.now()}` } : {}),
  };
  const verdict = (ok: boolean): string => (ok ? 'meets goal' : 'MISSES goal');
  const lines: string[] = [];
  let signet: Comparison | undefined;
  try {
    if (options.scenarios.includes('sms')) {
      const sms = await compare({ label: 'bare restify (form → TwiML)', kind: 'bare', env: {} }, { label: `signet sms webhook (${store})`, kind: 'signet', env }, smsRequest(), options, options.smsRate);
      signet = sms;
      lines.push(row(sms.baseline), row(sms.signet));
      lines.push(`  SMS CPU per request vs bare restify:     ${sms.cpuRatio.toFixed(2)}×  (goal ≤ ${GOALS.smsCpuRatio}×: ${verdict(sms.cpuRatio <= GOALS.smsCpuRatio)})`);
    }
    if (options.scenarios.includes('teams')) {
      const teams = await compare({ label: 'botbuilder echo bot', kind: 'echo', env: {} }, { label: `signet teams turn (${store})`, kind: 'signet', env }, teamsRequest(connectorUrl), options, undefined);
      signet ??= teams;
      lines.push(row(teams.baseline), row(teams.signet));
      lines.push(`  Teams throughput vs echo bot:            ${teams.throughputRatio.toFixed(2)}×  (goal ≥ ${GOALS.teamsThroughputRatio}×: ${verdict(teams.throughputRatio >= GOALS.teamsThroughputRatio)})`);
      lines.push(`  Teams CPU per turn vs echo bot:          ${teams.cpuRatio.toFixed(2)}×  (no goal: the steadier figure behind the throughput)`);
    }
    if (signet) {
      lines.push(`  Signet idle RSS:                         ${signet.signetIdleRssMb.toFixed(0)} MB  (goal ≤ ${GOALS.idleRssMb} MB: ${verdict(signet.signetIdleRssMb <= GOALS.idleRssMb)})`);
      lines.push(`  Signet /readyz after launch:             ${signet.signetReadySeconds.toFixed(2)} s  (goal ≤ ${GOALS.readySeconds} s: ${verdict(signet.signetReadySeconds <= GOALS.readySeconds)})`);
    }
    process.stdout.write(`\n${store === 'memory' ? 'Memory store' : 'MongoDB (FerretDB 1.24: a protocol test bed, not a production-speed store)'}\n${lines.join('\n')}\n`);
  } finally {
    await mongo?.stop();
  }
}

async function benchMain(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  process.stdout.write(
    `Signet benchmark: ${options.connections} connections, ${options.warmUpSeconds} s warm-up, then ${options.rounds} interleaved rounds of ${options.durationSeconds} s per server, each after a ${options.leadInSeconds} s lead-in (median shown), stores: ${options.stores.join(', ')}\n`,
  );
  if (options.profileDir !== undefined) mkdirSync(options.profileDir, { recursive: true });
  const connector = await startConnector();
  try {
    for (const store of options.stores) await benchStore(store, options, connector.url);
  } finally {
    await connector.close();
  }
}

// `--scale` is the in-process scale mode (scaleBench.ts): latency at 100 and at 100 000 seeded people.
const mode = process.argv.includes('--scale') ? (require('./scaleBench') as typeof import('./scaleBench')).scaleMain(process.argv.slice(2)) : benchMain();
mode.catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
