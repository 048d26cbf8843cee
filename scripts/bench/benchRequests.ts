// What the benchmarks send and how they read a server's CPU time: the signed SMS webhook and the Teams "help"
// activity (bench.ts, abBench.ts), and utime + stime from /proc, for the process or one of its threads.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type autocannon from 'autocannon';

export const AUTH_TOKEN = 'signet-bench-auth-token-0123456789';
export const PUBLIC_BASE_URL = 'https://signet.bench.test';
export const CLOCK_TICKS_PER_SECOND = 100;

/** The environment Signet is started with by the benchmarks (memory store unless MONGODB_URI is added). */
export const SIGNET_BENCH_ENV: NodeJS.ProcessEnv = {
  NODE_ENV: 'development',
  PUBLIC_BASE_URL,
  TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`,
  TWILIO_AUTH_TOKEN: AUTH_TOKEN,
  TWILIO_FROM_NUMBER: '+12065550100',
  TWILIO_API_BASE_URL: 'http://127.0.0.1:9',
};

/** CPU ticks of process `pid`, or of its thread `tid` (the main thread's id is the pid). */
export function cpuTicks(pid: number, tid?: number): number {
  // /proc/<pid>/stat: fields after the command name; utime and stime are the 14th and 15th fields.
  const stat = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

function twilioSignature(url: string, params: Record<string, string>): string {
  const data = url + Object.keys(params).sort().map((name) => name + params[name]).join('');
  return createHmac('sha1', AUTH_TOKEN).update(data, 'utf8').digest('base64');
}

let sequence = 0;

/** An inbound text from one of 1 000 numbers, with a fresh MessageSid so each is processed (not a retry). */
export function smsRequest(): autocannon.Request {
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
export function teamsRequest(serviceUrl: string): autocannon.Request {
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
