// `npm run bench`: Signet's SMS webhook and Teams turn against a bare restify server and a botbuilder echo bot,
// each server in its own process, load from autocannon; prints req/s, p99, CPU per request, idle RSS, time to
// ready and the ratios against the goals, on the memory store and (when FerretDB can be started) on MongoDB.
// A benchmark, not a test: it prints figures and never fails on them.
//
//   npm run bench [-- --duration 10] [--connections 16] [--store memory|mongodb|both]
//   npm run bench -- --scale [--people 100000] [--requests 1000]   (see scaleBench.ts)
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import { startConnector } from './benchConnector';

const run = promisify(execFile);
// autocannon reaches for process.binding('http_parser'); its deprecation notice is noise in the figures.
(process as { noDeprecation?: boolean }).noDeprecation = true;
process.env['NODE_NO_WARNINGS'] = '1';
const ROOT = path.resolve(__dirname, '../../..');
const SERVER_JS = path.join(__dirname, 'benchServer.js');
const AUTH_TOKEN = 'signet-bench-auth-token-0123456789';
const PUBLIC_BASE_URL = 'https://signet.bench.test';
const CLOCK_TICKS_PER_SECOND = 100;
const GOALS = { smsCpuRatio: 1.5, teamsThroughputRatio: 0.8, idleRssMb: 120, readySeconds: 1.5 };

interface Options {
  readonly durationSeconds: number;
  readonly connections: number;
  readonly stores: readonly ('memory' | 'mongodb')[];
}

interface Figures {
  readonly label: string;
  readonly reqPerSec: number;
  readonly p99Ms: number;
  readonly cpuMsPerRequest: number;
  readonly requests: number;
  readonly non2xx: number;
  readonly errors: number;
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
  return {
    durationSeconds: Number(value('duration') ?? 10),
    connections: Number(value('connections') ?? 16),
    stores: store === 'both' ? ['memory', 'mongodb'] : [store as 'memory' | 'mongodb'],
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

async function startServer(kind: 'bare' | 'echo' | 'signet', env: NodeJS.ProcessEnv): Promise<Started> {
  const port = await freePort();
  const began = process.hrtime.bigint();
  const child = spawn(process.execPath, [SERVER_JS, kind], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'], ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}${kind === 'signet' ? '/readyz' : '/healthz'}`, 30_000);
  return { child, url, readySeconds: Number(process.hrtime.bigint() - began) / 1e9 };
}

async function stopServer(started: Started): Promise<void> {
  const exited = new Promise<void>((resolve) => started.child.once('exit', () => resolve()));
  started.child.kill('SIGTERM');
  const timer = setTimeout(() => started.child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

function cpuTicks(pid: number): number {
  // /proc/<pid>/stat: fields after the command name; utime and stime are the 14th and 15th fields.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const line = status.split('\n').find((l) => l.startsWith('VmRSS:')) ?? 'VmRSS: 0 kB';
  return Number(line.replace(/\D+/g, ' ').trim().split(' ')[0]) / 1024;
}


function twilioSignature(url: string, params: Record<string, string>): string {
  const data = url + Object.keys(params).sort().map((name) => name + params[name]).join('');
  return createHmac('sha1', AUTH_TOKEN).update(data, 'utf8').digest('base64');
}

let sequence = 0;

/** An inbound text from one of 1 000 numbers, with a fresh MessageSid so each is processed (not a retry). */
function smsRequest(): autocannon.Request {
  return {
    method: 'POST',
    path: '/api/twilio/sms',
    setupRequest: (request) => {
      sequence += 1;
      const params = {
        AccountSid: `AC${'0'.repeat(32)}`,
        MessageSid: `SM${sequence.toString(16).padStart(32, '0')}`,
        From: `+1206555${(1000 + (sequence % 1000)).toString().slice(-4)}`,
        To: '+12065550100',
        Body: '123456',
      };
      return {
        ...request,
        body: new URLSearchParams(params).toString(),
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': twilioSignature(`${PUBLIC_BASE_URL}/api/twilio/sms`, params) },
      };
    },
  };
}

/** A Teams message from one of 200 people (so turns load existing state), asking for help. */
function teamsRequest(serviceUrl: string): autocannon.Request {
  return {
    method: 'POST',
    path: '/api/messages',
    setupRequest: (request) => {
      sequence += 1;
      const person = sequence % 200;
      const activity = {
        type: 'message',
        id: `m-${sequence}`,
        timestamp: new Date().toISOString(),
        channelId: 'msteams',
        serviceUrl,
        from: { id: `29:bench-${person}`, aadObjectId: `6f1c2d3e-0000-4000-8000-${person.toString().padStart(12, '0')}`, name: 'Bench Person' },
        recipient: { id: '28:signet-bot', name: 'Signet' },
        conversation: { id: `a:bench-${person}`, conversationType: 'personal', tenantId: '00000000-0000-4000-8000-000000000000' },
        channelData: { tenant: { id: '00000000-0000-4000-8000-000000000000' } },
        text: 'help',
        locale: 'en-US',
      };
      return { ...request, body: JSON.stringify(activity), headers: { 'Content-Type': 'application/json' } };
    },
  };
}

async function load(label: string, started: Started, request: autocannon.Request, options: Options): Promise<Figures> {
  const pid = started.child.pid!;
  // Warm-up: JIT, first-contact records, connection pools.
  await autocannon({ url: started.url, connections: options.connections, duration: Math.min(3, options.durationSeconds), requests: [request] });
  const ticksBefore = cpuTicks(pid);
  const result = await autocannon({ url: started.url, connections: options.connections, duration: options.durationSeconds, requests: [request] });
  const ticks = cpuTicks(pid) - ticksBefore;
  const requests = result.requests.total;
  return {
    label,
    reqPerSec: result.requests.average,
    p99Ms: result.latency.p99,
    cpuMsPerRequest: requests > 0 ? (ticks * 1000) / CLOCK_TICKS_PER_SECOND / requests : Number.NaN,
    requests,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

async function measure(kind: 'bare' | 'echo' | 'signet', env: NodeJS.ProcessEnv, body: (started: Started) => Promise<Figures>): Promise<{ figures: Figures; idleRssMb: number; readySeconds: number }> {
  const started = await startServer(kind, env);
  try {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const idle = rssMb(started.child.pid!);
    return { figures: await body(started), idleRssMb: idle, readySeconds: started.readySeconds };
  } finally {
    await stopServer(started);
  }
}

function row(f: Figures): string {
  return `${f.label.padEnd(28)} ${f.reqPerSec.toFixed(0).padStart(8)} req/s   p99 ${String(f.p99Ms).padStart(5)} ms   ${f.cpuMsPerRequest.toFixed(3).padStart(7)} CPU ms/req   (${f.requests} requests, ${f.non2xx} non-2xx, ${f.errors} errors)`;
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

async function benchStore(store: 'memory' | 'mongodb', options: Options, connectorUrl: string, bare: Figures, echo: Figures): Promise<void> {
  let mongo: { uri: string; stop(): Promise<void> } | null = null;
  if (store === 'mongodb') {
    mongo = await startFerretDb();
    if (!mongo) return;
  }
  const base: NodeJS.ProcessEnv = {
    NODE_ENV: 'development',
    PUBLIC_BASE_URL,
    TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    TWILIO_FROM_NUMBER: '+12065550100',
    TWILIO_API_BASE_URL: 'http://127.0.0.1:9',
    ...(mongo ? { MONGODB_URI: mongo.uri, MONGODB_DB: `bench_${Date.now()}` } : {}),
  };
  try {
    const sms = await measure('signet', base, (s) => load(`signet sms webhook (${store})`, s, smsRequest(), options));
    const teams = await measure('signet', base, (s) => load(`signet teams turn (${store})`, s, teamsRequest(connectorUrl), options));
    process.stdout.write(`\n${store === 'memory' ? 'Memory store' : 'MongoDB (FerretDB 1.24: a protocol test bed, not a production-speed store)'}\n`);
    process.stdout.write(`${row(bare)}\n${row(sms.figures)}\n${row(echo)}\n${row(teams.figures)}\n`);
    const smsCpuRatio = sms.figures.cpuMsPerRequest / bare.cpuMsPerRequest;
    const teamsRatio = teams.figures.reqPerSec / echo.reqPerSec;
    const verdict = (ok: boolean): string => (ok ? 'meets goal' : 'MISSES goal');
    process.stdout.write(
      [
        `  SMS CPU per request vs bare restify:     ${smsCpuRatio.toFixed(2)}×  (goal ≤ ${GOALS.smsCpuRatio}×: ${verdict(smsCpuRatio <= GOALS.smsCpuRatio)})`,
        `  Teams throughput vs echo bot:            ${teamsRatio.toFixed(2)}×  (goal ≥ ${GOALS.teamsThroughputRatio}×: ${verdict(teamsRatio >= GOALS.teamsThroughputRatio)})`,
        `  Signet idle RSS:                         ${sms.idleRssMb.toFixed(0)} MB  (goal ≤ ${GOALS.idleRssMb} MB: ${verdict(sms.idleRssMb <= GOALS.idleRssMb)})`,
        `  Signet /readyz after launch:             ${sms.readySeconds.toFixed(2)} s  (goal ≤ ${GOALS.readySeconds} s: ${verdict(sms.readySeconds <= GOALS.readySeconds)})`,
      ].join('\n') + '\n',
    );
  } finally {
    await mongo?.stop();
  }
}

async function benchMain(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  process.stdout.write(`Signet benchmark: ${options.connections} connections, ${options.durationSeconds} s per run, stores: ${options.stores.join(', ')}\n`);
  const connector = await startConnector();
  try {
    const bare = await measure('bare', {}, (s) => load('bare restify (form → TwiML)', s, smsRequest(), options));
    const echo = await measure('echo', {}, (s) => load('botbuilder echo bot', s, teamsRequest(connector.url), options));
    process.stdout.write(`Baselines' idle RSS: bare restify ${bare.idleRssMb.toFixed(0)} MB, echo bot ${echo.idleRssMb.toFixed(0)} MB\n`);
    for (const store of options.stores) await benchStore(store, options, connector.url, bare.figures, echo.figures);
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
