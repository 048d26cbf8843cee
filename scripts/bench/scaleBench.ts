// `npm run bench -- --scale`: Signet in this process on the memory store, seeded straight into its stores with
// 100 and then 100 000 people (phone methods, pending codes, challenges, send log, audit, conversation and bot
// state), timing a signed inbound SMS and a Teams turn at each size. A benchmark: it prints, it never fails.
//
//   npm run bench -- --scale [--people 100000] [--requests 1000]
import http from 'node:http';
import { main, type RunningApp } from '../../src/index';
import { auditDraft, challenge, codeSentStep, enrollment, mobilePhone } from '../../test/support/fixtures';
import { formBody, twilioSignature } from '../../test/support/twilioSigner';
import { startConnector } from './benchConnector';

const AUTH_TOKEN = 'signet-bench-auth-token-0123456789';
const PUBLIC_BASE_URL = 'https://signet.bench.test';
const SMALL = 100;
const WARM_UP = 200;
const GOAL_RATIO = 2;
const TENANT = '00000000-0000-4000-8000-000000000000';

interface Latency {
  readonly p50: number;
  readonly p99: number;
  readonly failures: number;
}

const personId = (i: number): string => `29:scale-${i}`;
const methodPhone = (i: number): string => `+1425${5_000_000 + i}`;
const pendingPhone = (i: number): string => `+1425${6_000_000 + i}`;

/** Every kind of record a real population leaves behind, `people` times over. */
async function seed(app: RunningApp, people: number): Promise<void> {
  const { stores } = app;
  const now = Date.now();
  for (let i = 0; i < people; i++) {
    const id = personId(i);
    const created = await stores.users.create({ id, tenantId: TENANT, upn: `person${i}@contoso.com`, displayName: `Person ${i}`, locale: 'en-US' }, now);
    // One in four is half-way through adding a second phone: a code is out to it.
    const step = i % 4 === 0 ? enrollment(codeSentStep({ phone: pendingPhone(i) }, now), now) : null;
    await stores.users.replace({ ...created, methods: [mobilePhone(methodPhone(i))], enrollment: step });
    // Half have a sign-in challenge still waiting, the others one that ended.
    await stores.challenges.create(challenge({ userId: id, target: methodPhone(i), createdAt: now, expiresAt: now + 10 * 60_000, status: i % 2 === 0 ? 'pending' : 'approved' }));
    await stores.sendLog.append({ number: methodPhone(i), userId: id, channel: 'sms', at: now - 60_000 });
    await stores.audit.append(auditDraft(id, 'method:added'), now - 60_000);
    await stores.conversations.save({ userId: id, channel: 'teams', reference: JSON.stringify({ conversation: { id: `a:scale-${i}` } }), updatedAt: now });
  }
  // Dialog state as botbuilder keys it, one conversation per person, written in batches.
  for (let start = 0; start < people; start += 1000) {
    const batch: Record<string, unknown> = {};
    for (let i = start; i < Math.min(people, start + 1000); i++) batch[`msteams/conversations/a:scale-${i}/`] = { DialogState: { dialogStack: [] }, eTag: '*' };
    await app.botStorage.write(batch);
  }
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function post(url: string, path: string, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}${path}`, { method: 'POST', agent, headers: { ...headers, 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

let sequence = 0;

/** A text from a number nothing is waiting on: every look-up an inbound text makes runs, and none matches. */
function inboundSms(url: string): Promise<number> {
  sequence += 1;
  const params = {
    AccountSid: `AC${'0'.repeat(32)}`,
    MessageSid: `SM${sequence.toString(16).padStart(32, '0')}`,
    From: `+1206${2_000_000 + sequence}`,
    To: '+12065550100',
    Body: '123456',
  };
  const signature = twilioSignature(AUTH_TOKEN, `${PUBLIC_BASE_URL}/api/twilio/sms`, params);
  return post(url, '/api/twilio/sms', { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signature }, formBody(params));
}

/** "help" in Teams from a seeded person picked at random (their record, conversation and dialog state exist). */
function teamsTurn(url: string, connectorUrl: string, people: number): Promise<number> {
  sequence += 1;
  const person = Math.floor(Math.random() * people);
  const activity = {
    type: 'message',
    id: `m-${sequence}`,
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl: connectorUrl,
    from: { id: personId(person), name: `Person ${person}` },
    recipient: { id: '28:signet-bot', name: 'Signet' },
    conversation: { id: `a:scale-${person}`, conversationType: 'personal', tenantId: TENANT },
    channelData: { tenant: { id: TENANT } },
    text: 'help',
    locale: 'en-US',
  };
  return post(url, '/api/messages', { 'Content-Type': 'application/json' }, JSON.stringify(activity));
}

async function time(requests: number, send: () => Promise<number>): Promise<Latency> {
  for (let i = 0; i < WARM_UP; i++) await send();
  const samples: number[] = [];
  let failures = 0;
  for (let i = 0; i < requests; i++) {
    const began = process.hrtime.bigint();
    const status = await send();
    samples.push(Number(process.hrtime.bigint() - began) / 1e6);
    if (status < 200 || status >= 300) failures += 1;
  }
  samples.sort((a, b) => a - b);
  const at = (q: number): number => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
  return { p50: at(0.5), p99: at(0.99), failures };
}


async function startSignet(): Promise<RunningApp> {
  const env: NodeJS.ProcessEnv = {
    NODE_ENV: 'development',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'error',
    PUBLIC_BASE_URL,
    TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    TWILIO_FROM_NUMBER: '+12065550100',
    TWILIO_API_BASE_URL: 'http://127.0.0.1:9',
  };
  const app = await main(env, {
    exit: (code) => {
      throw new Error(`Signet exited with ${code}`);
    },
    stderr: () => undefined,
    onSignal: () => undefined,
    logSink: () => undefined,
  });
  if (!app) throw new Error('Signet did not start');
  return app;
}

async function measureAt(people: number, requests: number, connectorUrl: string): Promise<{ sms: Latency; teams: Latency; seedSeconds: number }> {
  const app = await startSignet();
  try {
    const began = Date.now();
    await seed(app, people);
    const seedSeconds = (Date.now() - began) / 1000;
    const sms = await time(requests, () => inboundSms(app.url));
    const teams = await time(requests, () => teamsTurn(app.url, connectorUrl, people));
    return { sms, teams, seedSeconds };
  } finally {
    await app.shutdown('bench done');
  }
}

function option(argv: readonly string[], name: string, fallback: number): number {
  const at = argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(argv[at + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
  return value;
}

export async function scaleMain(argv: readonly string[]): Promise<void> {
  const people = option(argv, 'people', 100_000);
  const requests = option(argv, 'requests', 1000);
  process.stdout.write(`Signet scale benchmark (memory store, in process): ${requests} sequential requests per figure after ${WARM_UP} to warm up\n`);
  const connector = await startConnector();
  try {
    const small = await measureAt(SMALL, requests, connector.url);
    const large = await measureAt(people, requests, connector.url);
    process.stdout.write(`seeded ${SMALL} people in ${small.seedSeconds.toFixed(1)} s, ${people} in ${large.seedSeconds.toFixed(1)} s\n`);
    const line = (label: string, a: Latency, b: Latency): string => {
      const ratio = b.p50 / a.p50;
      const verdict = ratio <= GOAL_RATIO ? 'meets goal' : 'MISSES goal';
      return (
        `${label.padEnd(22)} ${SMALL} people: p50 ${a.p50.toFixed(2)} ms, p99 ${a.p99.toFixed(2)} ms   ` +
        `${people} people: p50 ${b.p50.toFixed(2)} ms, p99 ${b.p99.toFixed(2)} ms   ` +
        `p50 ratio ${ratio.toFixed(2)}×, p99 ratio ${(b.p99 / a.p99).toFixed(2)}× (goal ≤ ${GOAL_RATIO}×: ${verdict})` +
        (a.failures + b.failures > 0 ? `   [${a.failures + b.failures} non-2xx answers]` : '')
      );
    };
    process.stdout.write(`${line('inbound SMS (signed)', small.sms, large.sms)}\n${line('Teams turn ("help")', small.teams, large.teams)}\n`);
  } finally {
    await connector.close();
    agent.destroy();
  }
}
