// A local HTTP server playing Twilio's REST API for the real twilio SDK (protocols.md 3.5): records each create
// (path, decoded form fields, repeated fields as arrays, Basic-auth user, the sid answered) and answers 201 with a
// sid, or the error queued with failNext (400 + {code, message}, as Twilio answers a refusal).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeHttp } from '../server/serverHarness';

export interface TwilioApiRequest {
  readonly method: string;
  readonly path: string;
  readonly username: string;
  readonly params: Readonly<Record<string, string | string[]>>;
  /** The sid the create was answered with (the webhooks' MessageSid or CallSid); null when it was refused. */
  readonly sid: string | null;
}

export interface FakeTwilioApi {
  readonly url: string;
  readonly requests: TwilioApiRequest[];
  readonly messages: () => TwilioApiRequest[];
  readonly calls: () => TwilioApiRequest[];
  /** The next create answers this Twilio error instead. */
  failNext(code: number, status?: number): void;
  close(): Promise<void>;
}

export async function startFakeTwilioApi(): Promise<FakeTwilioApi> {
  const requests: TwilioApiRequest[] = [];
  let counter = 0;
  let failure: { code: number; status: number } | null = null;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const params: Record<string, string | string[]> = {};
      for (const name of new Set(form.keys())) {
        const values = form.getAll(name);
        params[name] = values.length === 1 ? values[0]! : values;
      }
      const auth = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString('utf8');
      const path = req.url ?? '';
      const recorded = { method: req.method ?? '', path, username: auth.split(':')[0] ?? '', params };
      res.setHeader('Content-Type', 'application/json');
      if (failure) {
        requests.push({ ...recorded, sid: null });
        const { code, status } = failure;
        failure = null;
        res.writeHead(status);
        res.end(JSON.stringify({ code, message: `Twilio error ${code}`, more_info: `https://www.twilio.com/docs/errors/${code}`, status }));
        return;
      }
      counter += 1;
      const prefix = path.endsWith('/Calls.json') ? 'CA' : 'SM';
      const sid = `${prefix}${counter.toString(16).padStart(32, '0')}`;
      requests.push({ ...recorded, sid });
      res.writeHead(201);
      res.end(JSON.stringify({ sid, status: 'queued', to: params['To'], from: params['From'] ?? null, account_sid: path.split('/')[3] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    messages: () => requests.filter((r) => r.path.endsWith('/Messages.json')),
    calls: () => requests.filter((r) => r.path.endsWith('/Calls.json')),
    failNext(code, status = 400) {
      failure = { code, status };
    },
    close: () => closeHttp(server),
  };
}
