// A Signet server wired as in production for the telephony tests: the real twilio SDK pointed at a local fake
// REST API (or the simulated adapter), the real webhook routes, a fixed clock, and outboxes standing in for Teams
// notices and mail. Webhooks are posted with signatures computed by test/support/twilioSigner.
import { ActivityHandler } from 'botbuilder';
import type { Server } from 'restify';
import type { AddressInfo } from 'node:net';
import { loadConfig, type AppConfig } from '../../src/config/loadConfig';
import { DEMO_ORG_CONFIG, type OrgConfigInput } from '../../src/config/orgConfigSchema';
import { createCore, type Core } from '../../src/core';
import { createI18n, type I18n } from '../../src/i18n';
import { createLogger } from '../../src/logging/logger';
import { createReplyRenderer } from '../../src/renderReply';
import { createServer } from '../../src/server';
import { createBotAdapter } from '../../src/channels/teams/signetBot';
import { createTelephony, createTwilioRouteDeps } from '../../src/telephonyWiring';
import type { RetryWait } from '../../src/app/webhookOnce';
import { NotificationOutbox, Outbox } from '../../src/telephony/outboxes';
import { createMemoryStores } from '../../src/stores/memoryStores';
import type { Stores } from '../../src/ports/repositories';
import { seededRandom } from '../../src/security/random';
import { FixedClock } from '../../src/ports/clock';
import type { NewUser } from '../../src/domain/user';
import type { Reply } from '../../src/domain/effects';
import { closeHttp, request, type HttpResult } from '../server/serverHarness';
import { startFakeTwilioApi, type FakeTwilioApi } from './fakeTwilioApi';
import { formBody, twilioSignature } from './twilioSigner';
import { T0 } from './fixtures';
import { IssueResetLink } from '../../src/app/issueResetLink';
import { resetLinkPolicyFrom } from '../../src/app/resetLinkPolicy';
import { MemoryDirectory } from '../../src/directory/memoryDirectory';
import { MemoryResetLinks } from '../../src/stores/memoryResetLinks';
import type { ResetLinkRepository } from '../../src/ports/resetLinks';

export const ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
export const AUTH_TOKEN = 'signet-test-auth-token-0123456789';
export const PUBLIC_BASE_URL = 'https://signet.example.test';
export const FROM_NUMBER = '+12065550100';
/** Valid US mobile-or-fixed numbers (libphonenumber), so the machine accepts them for texts and calls. */
export const PHONE = '+12065550123';
export const OTHER_PHONE = '+12065550124';

/** The form Twilio posts for Signet's outbound call to PHONE while it is in progress (`extra` adds or overrides). */
export function callParams(sid: string, extra: Record<string, string> = {}): Record<string, string> {
  return { CallSid: sid, AccountSid: ACCOUNT_SID, From: FROM_NUMBER, To: PHONE, CallStatus: 'in-progress', Direction: 'outbound-api', ...extra };
}

export interface TwilioApp {
  readonly url: string;
  readonly api: FakeTwilioApi;
  readonly stores: Stores;
  readonly core: Core;
  readonly config: AppConfig;
  readonly i18n: I18n;
  readonly clock: FixedClock;
  readonly notifications: NotificationOutbox;
  readonly mail: Outbox;
  /** The directory reset links are checked against (empty until a test adds people). */
  readonly directory: MemoryDirectory;
  /** Where texted RESETs store their links (the web journey takes them). */
  readonly resetLinks: ResetLinkRepository;
  readonly logText: () => string;
  /** Posts a webhook signed over PUBLIC_BASE_URL + pathAndQuery (or `signature`/`signedUrl` to test refusals). */
  post(pathAndQuery: string, params: Record<string, string>, options?: { signature?: string | null; signedUrl?: string }): Promise<HttpResult>;
  render(locale: string, message: Reply): string;
  close(): Promise<void>;
}

export interface TwilioAppOptions {
  readonly stores?: Stores;
  readonly org?: Partial<OrgConfigInput>;
  readonly env?: NodeJS.ProcessEnv;
  /** No Twilio credentials: the simulated adapter and the development routes. */
  readonly simulated?: boolean;
  /** More routes on the same server (e.g. the verification API), registered before it listens. */
  readonly extraRoutes?: (server: Server, app: { core: Core; stores: Stores; clock: FixedClock; config: AppConfig }) => void;
  /** How a webhook retry waits for the first delivery's answer (default: as in production). */
  readonly retryWait?: Partial<RetryWait>;
}

export async function startTwilioApp(options: TwilioAppOptions = {}): Promise<TwilioApp> {
  const api = await startFakeTwilioApi();
  const orgFile = JSON.stringify({ ...DEMO_ORG_CONFIG, ...options.org });
  const twilioEnv = options.simulated
    ? {}
    : { TWILIO_ACCOUNT_SID: ACCOUNT_SID, TWILIO_AUTH_TOKEN: AUTH_TOKEN, TWILIO_FROM_NUMBER: FROM_NUMBER, TWILIO_API_BASE_URL: api.url };
  let config: AppConfig;
  try {
    config = loadConfig({ NODE_ENV: 'test', PUBLIC_BASE_URL, SIGNET_ORG_CONFIG: 'org.json', ...twilioEnv, ...options.env }, () => orgFile);
  } catch (error) {
    // Don't leave the fake Twilio API listening (it would keep jest from exiting).
    await api.close();
    throw error;
  }
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', sink: (line) => lines.push(line) });
  const stores = options.stores ?? createMemoryStores();
  const i18n = await createI18n({ supported: config.org.locales.offered, fallback: config.org.locales.default });
  const render = createReplyRenderer(i18n);
  const clock = new FixedClock(T0);
  const random = seededRandom('twilio-app');
  const notifications = new NotificationOutbox();
  const mail = new Outbox();
  const core = createCore({
    config,
    stores,
    telephony: createTelephony({ config, stores, clock, random, logger }),
    mailer: mail,
    notifier: notifications,
    render,
    clock,
    random,
  });
  const directory = new MemoryDirectory({ minLength: 8, history: 3, maxFailures: 5 }, random);
  const resetLinks = new MemoryResetLinks();
  const issueResetLink = new IssueResetLink({ links: resetLinks, rateLimits: stores.rateLimits, audit: stores.audit, directory, policy: resetLinkPolicyFrom(config.org), publicBaseUrl: config.publicBaseUrl, clock, random });
  const telephony = createTwilioRouteDeps({ config, stores, core, render, resolveLocale: i18n.resolveLocale, clock, random, logger, resetLinks: issueResetLink, ...(options.retryWait ? { retryWait: options.retryWait } : {}) });
  const server: Server = createServer({ config, stores, logger, i18n, bot: { adapter: () => createBotAdapter(config.bot), handler: new ActivityHandler() }, telephony });
  options.extraRoutes?.(server, { core, stores, clock, config });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  return {
    url,
    api,
    stores,
    core,
    config,
    i18n,
    clock,
    notifications,
    mail,
    directory,
    resetLinks,
    logText: () => lines.join('\n'),
    post(pathAndQuery, params, postOptions = {}) {
      const signature =
        postOptions.signature === undefined ? twilioSignature(AUTH_TOKEN, postOptions.signedUrl ?? `${PUBLIC_BASE_URL}${pathAndQuery}`, params) : postOptions.signature;
      const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
      if (signature !== null) headers['X-Twilio-Signature'] = signature;
      return request(url, pathAndQuery, { method: 'POST', headers, body: formBody(params) });
    },
    render,
    async close() {
      await closeHttp(server.server);
      await api.close();
    },
  };
}

export function profile(overrides: Partial<NewUser> = {}): NewUser {
  return { id: 'aad-phone-1', tenantId: null, upn: 'pat.phone@signet-demo.example', displayName: 'Pat Phone', locale: 'en-US', ...overrides };
}

/** Starts a phone enrollment from Teams up to the text or call going out. */
export async function enrollPhone(app: TwilioApp, delivery: 'sms' | 'voice', options: { user?: NewUser; number?: string; kind?: 'mobilePhone' | 'officePhone'; extension?: string } = {}): Promise<NewUser> {
  const user = options.user ?? profile();
  await app.core.enrollment.ensureUser(user);
  await app.core.enrollment.apply(user.id, { type: 'start', purpose: 'register', kind: options.kind ?? 'mobilePhone' }, { channel: 'teams' });
  await app.core.enrollment.apply(
    user.id,
    { type: 'submitPhone', number: options.number ?? PHONE, delivery, ...(options.extension !== undefined ? { extension: options.extension } : {}) },
    { channel: 'teams' },
  );
  return user;
}

/** The code in the last text the fake Twilio API was asked to send. */
export function lastTextedCode(api: FakeTwilioApi): string {
  const body = String(api.messages().at(-1)?.params['Body'] ?? '');
  const match = /\b(\d{6,8})\b/.exec(body);
  if (!match) throw new Error('no code in the last text');
  return match[1]!;
}

/** Path and query of a URL Signet gave Twilio (answer, status callback). */
export function pathOf(url: string | string[] | undefined): string {
  const parsed = new URL(String(url));
  return `${parsed.pathname}${parsed.search}`;
}

