// A Signet server with the Entra External MFA provider mounted, pointed at the Entra stand-in: memory stores,
// simulated telephony (texts and calls land in an outbox), Teams notices recorded, and a browser-like client
// that keeps the sign-in cookie.
import { createMemoryEntraStores } from '../../src/stores/memoryEntraStores';
import type { AddressInfo } from 'node:net';
import http from 'node:http';
import { ActivityHandler, MemoryStorage } from 'botbuilder';
import { SignetBot } from '../../src/channels/teams/signetBot';
import { createTeamsUseCases } from '../../src/channels/teams/teamsWiring';
import { TeamsNotifier } from '../../src/channels/teams/teamsNotifier';
import type { UserNotifier } from '../../src/ports/deliveryPorts';
import { loadConfig, type AppConfig } from '../../src/config/loadConfig';
import { createI18n } from '../../src/i18n';
import { createLogger } from '../../src/logging/logger';
import { createServer } from '../../src/server';
import { createBotAdapter } from '../../src/channels/teams/botAdapter';
import { createMemoryStores } from '../../src/stores/memoryStores';
import { createMemoryVerificationStores } from '../../src/stores/memoryVerificationStores';
import { createCore, type Core } from '../../src/core';
import { NotificationOutbox, Outbox } from '../../src/telephony/outboxes';
import { createEntraProvider, type EntraProvider } from '../../src/channels/web/entraWiring';
import type { Stores } from '../../src/ports/repositories';
import type { VerificationStores } from '../../src/ports/verificationRepositories';
import type { SecurityMethod, User } from '../../src/domain/user';
import { createSecretOps } from '../../src/enrollment/enrollmentPolicy';
import { generateTotpSecret } from '../../src/security/totp';
import { cryptoRandom } from '../../src/security/random';
import { keyRenderer, testOrg } from '../support/coreHarness';
import { request, startFakeConnector, type HttpResult } from '../server/serverHarness';
import { EntraStandIn, TENANT } from '../support/entraStandIn';
import { createTelephony, createTwilioRouteDeps } from '../../src/telephonyWiring';
import { createReplyRenderer } from '../../src/renderReply';
import { systemClock } from '../../src/ports/clock';
import { startFakeTwilioApi, type FakeTwilioApi } from '../support/fakeTwilioApi';
import { formBody, twilioSignature } from '../support/twilioSigner';
import { ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER } from '../support/twilioAppHarness';

export const KEY = Buffer.alloc(32, 23);
export const OID = '3f6a2b1c-9d8e-4f7a-8b6c-5d4e3f2a1b0c';

export interface EntraHarness {
  readonly url: string;
  readonly config: AppConfig;
  readonly standIn: EntraStandIn;
  readonly stores: Stores;
  readonly verificationStores: VerificationStores;
  readonly core: Core;
  readonly provider: EntraProvider;
  /** The listening server, for tests that mount more routes (restify takes routes while listening). */
  readonly server: ReturnType<typeof createServer>;
  readonly outbox: Outbox;
  readonly notifications: NotificationOutbox;
  readonly appSecret: string;
  readonly user: User;
  readonly logText: () => string;
  /** With `twilio: true`: the local Twilio REST stand-in the SDK talks to, else null. */
  readonly twilio: FakeTwilioApi | null;
  /** With `bot: true`: the local Bot Connector the bot's messages and cards reach, else null. */
  readonly connector: Awaited<ReturnType<typeof startFakeConnector>> | null;
  /** Posts a Twilio webhook signed with the account's auth token over the public URL of the path. */
  postTwilio(pathAndQuery: string, params: Record<string, string>): Promise<HttpResult>;
  close(): Promise<void>;
}

export interface EntraHarnessOptions {
  /** Defaults to the stand-in's own redirect URL only. */
  readonly redirectUris?: readonly string[];
  readonly methods?: (appSecretSealed: SecurityMethod['id']) => SecurityMethod[];
  readonly teams?: boolean;
  readonly tenantIds?: readonly string[];
  readonly env?: Record<string, string>;
  /** Texts and calls through the twilio SDK against the local Twilio REST stand-in, with the webhook routes mounted. */
  readonly twilio?: boolean;
  /** The real Teams bot at /api/messages, its notices sent to a local Bot Connector (the conversation is not pre-saved). */
  readonly bot?: boolean;
}

async function freePort(): Promise<number> {
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

export async function startEntraHarness(options: EntraHarnessOptions = {}): Promise<EntraHarness> {
  const standIn = await new EntraStandIn().start();
  const port = await freePort();
  const twilio = options.twilio ? await startFakeTwilioApi() : null;
  const connector = options.bot ? await startFakeConnector() : null;
  const twilioEnv = twilio ? { TWILIO_ACCOUNT_SID: ACCOUNT_SID, TWILIO_AUTH_TOKEN: AUTH_TOKEN, TWILIO_FROM_NUMBER: FROM_NUMBER, TWILIO_API_BASE_URL: twilio.url } : {};
  const base = loadConfig({
    NODE_ENV: 'test',
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    SIGNET_ENCRYPTION_KEY: KEY.toString('hex'),
    ...standIn.env({ redirectUris: options.redirectUris ?? [standIn.redirectUri] }),
    ...twilioEnv,
    ...options.env,
  });
  const org = testOrg({ organisation: { name: 'Signet Demo School', domains: ['signet-demo.example'], tenantIds: [...(options.tenantIds ?? [TENANT])] } } as never);
  const config: AppConfig = { ...base, org };
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', sink: (line) => lines.push(line) });
  const stores = createMemoryStores();
  const verificationStores = createMemoryVerificationStores();
  const i18n = await createI18n({ supported: org.locales.offered, fallback: org.locales.default });
  const outbox = new Outbox();
  const notifications = new NotificationOutbox();
  const botAdapter = createBotAdapter(config.bot);
  const notifier: UserNotifier = connector
    ? new TeamsNotifier({ adapter: botAdapter, appId: '', conversations: stores.conversations, render: createReplyRenderer(i18n), defaultLocale: 'en-US' })
    : notifications;
  const render = twilio || connector ? createReplyRenderer(i18n) : keyRenderer;
  const telephony = twilio ? createTelephony({ config, stores, clock: systemClock, random: cryptoRandom, logger }) : outbox;
  const core = createCore({ config, stores, telephony, mailer: outbox, notifier, render });
  const handler = connector
    ? new SignetBot({ i18n, org: config.org, enrollment: core.enrollment, ...createTeamsUseCases({ stores, enrollment: core.enrollment, verification: core.verification, clock: systemClock }), storage: new MemoryStorage(), authEnabled: false })
    : new ActivityHandler();
  const telephonyRoutes = twilio ? createTwilioRouteDeps({ config, stores, core, render: createReplyRenderer(i18n), resolveLocale: i18n.resolveLocale, clock: systemClock, random: cryptoRandom, logger }) : undefined;
  const secrets = createSecretOps(KEY, cryptoRandom);
  const appSecret = generateTotpSecret(cryptoRandom);
  const methods: SecurityMethod[] = [
    { kind: 'mobilePhone', id: 'm1', number: '+14255550123', createdAt: 0 },
    { kind: 'officePhone', id: 'o1', number: '+14255550177', extension: null, createdAt: 0 },
    { kind: 'authenticatorApp', id: 'a1', createdAt: 0, secret: secrets.seal(appSecret, 'totp:a1'), lastUsedTimeStep: null },
  ];
  const created = await stores.users.create({ id: OID, tenantId: TENANT, upn: 'jane.doe@signet-demo.example', displayName: 'Jane Doe', locale: 'en-US' }, Date.now());
  const user = await stores.users.replace({ ...created, methods, defaultMethodId: 'm1' });
  if (!user) throw new Error('could not give the test user methods');
  if (options.teams !== false && !connector) await stores.conversations.save({ userId: OID, channel: 'teams', reference: '{}', updatedAt: Date.now() });
  const passKey = Buffer.alloc(32, 5);
  const provider = await createEntraProvider({ config, entra: config.entra!, stores, entraStores: createMemoryEntraStores(), verification: { verificationStores, passKey }, core, i18n, logger });
  const server = createServer({ config, stores, logger, i18n, bot: { adapter: () => botAdapter, handler }, ...(telephonyRoutes ? { telephony: telephonyRoutes } : {}), extraRoutes: (s) => provider.register(s) });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${port}`,
    config,
    standIn,
    stores,
    verificationStores,
    core,
    provider,
    server,
    outbox,
    notifications,
    appSecret,
    user,
    logText: () => lines.join('\n'),
    twilio,
    connector,
    postTwilio: (pathAndQuery, params) =>
      request(`http://127.0.0.1:${port}`, pathAndQuery, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': twilioSignature(AUTH_TOKEN, `${config.publicBaseUrl}${pathAndQuery}`, params) },
        body: formBody(params),
      }),
    close: async () => {
      server.server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await standIn.stop();
      await twilio?.close();
      await connector?.close();
    },
  };
}

/** A browser as far as the sign-in needs: posts forms, follows 303s, keeps cookies per path. */
export class BrowserClient {
  private readonly cookies = new Map<string, { name: string; value: string; path: string }>();
  constructor(private readonly baseUrl: string) {}

  async get(path: string): Promise<HttpResult> {
    return this.send('GET', path);
  }

  async post(path: string, body: string): Promise<HttpResult> {
    return this.send('POST', path, body);
  }

  /** The form fields posted as a form, answers followed through 303s (like a browser). */
  async submit(path: string, fields: Record<string, string>): Promise<HttpResult> {
    return this.post(path, new URLSearchParams(fields).toString());
  }

  private async send(method: string, path: string, body?: string): Promise<HttpResult> {
    const cookie = [...this.cookies.values()].filter((c) => path.startsWith(c.path)).map((c) => `${c.name}=${c.value}`).join('; ');
    const res = await request(this.baseUrl, path, {
      method,
      headers: { ...(cookie ? { Cookie: cookie } : {}), ...(body !== undefined ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}), 'Accept-Language': 'en-US' },
      ...(body !== undefined ? { body } : {}),
    });
    const setCookie = res.headers['set-cookie'];
    for (const line of setCookie ?? []) {
      const [pair, ...attrs] = line.split(';');
      const [name, value] = pair!.split('=');
      const pathAttr = attrs.map((a) => a.trim()).find((a) => a.startsWith('Path='));
      const cookiePath = pathAttr ? pathAttr.slice(5) : '/';
      this.cookies.set(`${name!.trim()}@${cookiePath}`, { name: name!.trim(), value: value!.trim(), path: cookiePath });
    }
    if (res.status === 303 && typeof res.headers.location === 'string') return this.send('GET', res.headers.location);
    return res;
  }
}

/** The CSRF token on a sign-in page. */
export function csrfOf(page: string): string {
  const match = /name="csrf" value="([^"]+)"/.exec(page);
  if (!match) throw new Error('no csrf token on the page');
  return match[1]!;
}
