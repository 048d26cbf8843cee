// Shared pieces for the HTTP tests: a listening Signet server on an ephemeral port, a raw HTTP client (no
// keep-alive pool left behind), stores that record every call, and a fake Bot Connector (protocols.md 4.3).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Server } from 'restify';
import { ActivityHandler, type CloudAdapter } from 'botbuilder';
import { loadConfig, type AppConfig } from '../../src/config/loadConfig';
import { createI18n, type I18n } from '../../src/i18n';
import { createLogger, type Logger } from '../../src/logging/logger';
import { createServer } from '../../src/server';
import { createBotAdapter, createTurnErrorHandler, SignetBot } from '../../src/channels/teams/signetBot';
import { systemClock } from '../../src/ports/clock';
import { createTeamsUseCases } from '../../src/channels/teams/teamsWiring';
import { createMemoryStores } from '../../src/stores/memoryStores';
import { MemoryStorage } from 'botbuilder';
import { createCore } from '../../src/core';
import { NotificationOutbox, Outbox } from '../../src/telephony/outboxes';
import { createReplyRenderer } from '../../src/renderReply';
import type { Stores } from '../../src/ports/repositories';

export interface TestApp {
  readonly server: Server;
  readonly url: string;
  readonly config: AppConfig;
  readonly i18n: I18n;
  readonly adapter: CloudAdapter;
  readonly logger: Logger;
  /** Every log line written so far, parsed. */
  readonly logs: Array<Record<string, unknown>>;
  /** The raw log lines, for "never contains" checks. */
  readonly logText: () => string;
  close(): Promise<void>;
}

export interface TestAppOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly stores?: Stores;
  readonly handler?: (deps: { i18n: I18n; config: AppConfig; logger: Logger }) => ActivityHandler;
  readonly extraRoutes?: (server: Server, app: { stores: Stores }) => void;
}

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'debug', ...options.env });
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', sink: (line) => lines.push(line) });
  const stores = options.stores ?? createMemoryStores();
  const i18n = await createI18n({ supported: config.org.locales.offered, fallback: config.org.locales.default });
  const adapter = createBotAdapter(config.bot);
  adapter.onTurnError = createTurnErrorHandler({ logger, i18n });
  const handler = options.handler?.({ i18n, config, logger }) ?? defaultBot(config, stores, i18n);
  const server = createServer({
    config,
    stores,
    logger,
    i18n,
    bot: { adapter: () => adapter, handler },
    ...(options.extraRoutes ? { extraRoutes: (s: Server) => options.extraRoutes!(s, { stores }) } : {}),
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    config,
    i18n,
    adapter,
    logger,
    get logs() {
      return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    },
    logText: () => lines.join('\n'),
    close: () => closeHttp(server.server),
  };
}

/** The real bot on a core with simulated delivery, as the composition root builds it (minus Teams notices). */
function defaultBot(config: AppConfig, stores: Stores, i18n: I18n): SignetBot {
  const outbox = new Outbox();
  const core = createCore({ config, stores, telephony: outbox, mailer: outbox, notifier: new NotificationOutbox(), render: createReplyRenderer(i18n) });
  return new SignetBot({ i18n, org: config.org, enrollment: core.enrollment, ...createTeamsUseCases({ stores, enrollment: core.enrollment, clock: systemClock }), storage: new MemoryStorage(), authEnabled: config.bot.appId !== '' });
}

export function closeHttp(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export interface HttpResult {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
  json<T = unknown>(): T;
}

export interface HttpOptions {
  readonly method?: string;
  readonly headers?: Record<string, string | number>;
  readonly body?: string | Buffer;
  /** Sent with Transfer-Encoding: chunked, one write per chunk. */
  readonly chunks?: readonly Buffer[];
}

/** One request on its own connection (agent: false), so no keep-alive socket outlives the test. */
export function request(baseUrl: string, path: string, options: HttpOptions = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...options.headers };
    if (options.body !== undefined && headers['Content-Length'] === undefined) headers['Content-Length'] = Buffer.byteLength(options.body);
    const req = http.request(new URL(path, baseUrl), { method: options.method ?? 'GET', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: <T>() => JSON.parse(text) as T });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (options.chunks) for (const chunk of options.chunks) req.write(chunk);
    else if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

export const postJson = (baseUrl: string, path: string, value: unknown): Promise<HttpResult> =>
  request(baseUrl, path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(value) });

/** Memory stores whose every repository and lifecycle call is recorded by name ("users.get", "ping", …). */
export function spyStores(base: Stores = createMemoryStores()): Stores & { readonly calls: string[] } {
  const calls: string[] = [];
  const wrap = <T extends object>(name: string, target: T): T =>
    new Proxy(target, {
      get(obj, prop, receiver) {
        const value: unknown = Reflect.get(obj, prop, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          calls.push(`${name}${String(prop)}`);
          return (value as (...a: unknown[]) => unknown).apply(obj, args);
        };
      },
    });
  return {
    kind: base.kind,
    users: wrap('users.', base.users),
    challenges: wrap('challenges.', base.challenges),
    audit: wrap('audit.', base.audit),
    conversations: wrap('conversations.', base.conversations),
    optOuts: wrap('optOuts.', base.optOuts),
    webhooks: wrap('webhooks.', base.webhooks),
    sendLog: wrap('sendLog.', base.sendLog),
    simulatedOutbox: wrap('simulatedOutbox.', base.simulatedOutbox),
    deliveryStatuses: wrap('deliveryStatuses.', base.deliveryStatuses),
    rateLimits: wrap('rateLimits.', base.rateLimits),
    ping: () => {
      calls.push('ping');
      return base.ping();
    },
    close: () => {
      calls.push('close');
      return base.close();
    },
    calls,
  };
}

export interface ReceivedCall {
  readonly method: string;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Record<string, unknown>;
}

/** A button of an Adaptive Card the bot sent: its title and the data it submits. */
export interface CardAction {
  title: string;
  data: Record<string, unknown>;
}

/** The parts of an Adaptive Card the tests press buttons on: action sets in the body, and the card's own actions. */
export interface CardJson {
  body?: Array<{ actions?: CardAction[] }>;
  actions?: CardAction[];
}

/** The Adaptive Card attached to a message the bot sent to the connector, if any. */
export const adaptiveCardOf = (c: ReceivedCall): CardJson | undefined =>
  (c.body['attachments'] as Array<{ contentType: string; content: CardJson }> | undefined)?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content;

/** Every button of a card, body action sets first. */
export const cardButtons = (card: CardJson): CardAction[] => [...(card.body ?? []).flatMap((el) => el.actions ?? []), ...(card.actions ?? [])];

/** A local Bot Connector: accepts any POST/PUT under /v3/conversations and answers { id }. */
export async function startFakeConnector(): Promise<{ url: string; received: ReceivedCall[]; close(): Promise<void> }> {
  const received: ReceivedCall[] = [];
  let next = 1;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ id: `sent-${next++}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, received, close: () => closeHttp(server) };
}

/** A Teams-shaped message activity, as the Bot Connector posts it. */
export function teamsMessage(serviceUrl: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'message',
    id: '1700000000001',
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl,
    from: { id: '29:1abc-user', aadObjectId: '6f1c2d3e-0000-4000-8000-000000000001', name: 'Ada Lovelace' },
    recipient: { id: '28:signet-bot', name: 'Signet' },
    conversation: { id: 'a:1conv@thread.tacv2;messageid=123', conversationType: 'personal', tenantId: '00000000-0000-4000-8000-000000000000' },
    channelData: { tenant: { id: '00000000-0000-4000-8000-000000000000' } },
    text: 'hello',
    locale: 'en-US',
    ...overrides,
  };
}

/** An ActivityHandler whose message handler throws (by default a plain Error), to exercise onTurnError. */
export class ThrowingBot extends ActivityHandler {
  constructor(makeError: () => Error = () => new Error('dialog exploded')) {
    super();
    this.onMessage(async () => {
      throw makeError();
    });
  }
}
