// Signet composed by src/signetWiring.ts exactly as src/index.ts composes it (real Twilio adapter pointed at a local
// stand-in, Teams notices through the bot adapter to a local Bot Connector, the verification API with its real
// callback dispatcher), on stores the reliability check chooses, plus the clients each check plays.
import type { AddressInfo } from 'node:net';
import { loadConfig, type AppConfig } from '../../../src/config/loadConfig';
import { DEMO_ORG_CONFIG, type OrgConfigInput } from '../../../src/config/orgConfigSchema';
import type { Core } from '../../../src/core';
import type { I18n } from '../../../src/i18n';
import { createLogger } from '../../../src/logging/logger';
import type { VerificationApi } from '../../../src/api/verificationWiring';
import { newApiClient } from '../../../src/security/apiClientCredentials';
import { deriveKey } from '../../../src/security/derivedKeys';
import { cryptoRandom } from '../../../src/security/random';
import { composeSignet } from '../../../src/signetWiring';
import { completeStores, type BackendStores, type SignetStores } from '../../../src/stores/storesWiring';
import { closeHttp, request, startFakeConnector, teamsMessage, type HttpResult, type ReceivedCall } from '../../server/serverHarness';
import { startFakeTwilioApi, type FakeTwilioApi } from '../../support/fakeTwilioApi';
import { formBody, twilioSignature } from '../../support/twilioSigner';
import { ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, PUBLIC_BASE_URL } from '../../support/twilioAppHarness';
import { LogTally } from './logTally';
import type { Outbox } from '../../../src/telephony/outboxes';
import type { Clock } from '../../../src/ports/clock';

export { PUBLIC_BASE_URL };
/** The person every check plays: Teams id (auth off, so the Teams id is the user id), UPN, mobile number. */
export const PERSON = { id: '29:1abc-user', upn: 'ada.lovelace@signet-demo.example', phone: '+12065550123' } as const;

export interface Signet {
  readonly url: string;
  readonly config: AppConfig;
  readonly i18n: I18n;
  readonly stores: SignetStores;
  readonly core: Core;
  readonly api: VerificationApi;
  readonly twilio: FakeTwilioApi;
  /** The mail sent (codes by email): the outbox the default mailer writes to without SMTP. */
  readonly mail: Outbox;
  /** The Bot Connector the bot replies and sends notices to. */
  readonly connector: { url: string; received: ReceivedCall[] };
  /** What the relying system's callback endpoint received. */
  readonly callbacks: ReceivedCall[];
  readonly callbackUrl: string;
  readonly secret: string;
  readonly logs: LogTally;
  /** A relying-system call with the client's bearer secret (or `auth`). */
  apiCall(method: string, path: string, body?: unknown, auth?: string | null): Promise<HttpResult>;
  /** A webhook signed as Twilio signs it over PUBLIC_BASE_URL + pathAndQuery. */
  twilioPost(pathAndQuery: string, params: Record<string, string>): Promise<HttpResult>;
  /** A Teams message activity from the person (overrides merged in). */
  activity(overrides?: Record<string, unknown>): Promise<HttpResult>;
  close(): Promise<void>;
}

export interface SignetOptions {
  /** The main stores (memory or MongoDB); their companions are added on the same backend. */
  readonly stores: BackendStores;
  readonly org?: Partial<OrgConfigInput>;
  readonly env?: NodeJS.ProcessEnv;
  /** No Twilio credentials: simulated telephony, webhooks refused, the development routes on. */
  readonly simulated?: boolean;
  /** Default: the system clock. */
  readonly clock?: Clock;
}

export async function startSignet(options: SignetOptions): Promise<Signet> {
  const { stores } = options;
  const twilio = await startFakeTwilioApi();
  const connector = await startFakeConnector();
  const callbackReceiver = await startFakeConnector();
  const orgFile = JSON.stringify({ ...DEMO_ORG_CONFIG, ...options.org });
  const config = loadConfig(
    {
      NODE_ENV: 'test',
      PUBLIC_BASE_URL,
      SIGNET_ORG_CONFIG: 'org.json',
      ...(options.simulated
        ? {}
        : { TWILIO_ACCOUNT_SID: ACCOUNT_SID, TWILIO_AUTH_TOKEN: AUTH_TOKEN, TWILIO_FROM_NUMBER: FROM_NUMBER, TWILIO_API_BASE_URL: twilio.url }),
      ...options.env,
    },
    () => orgFile,
  );
  const logs = new LogTally();
  const logger = createLogger({ level: 'info', sink: logs.sink });
  // As src/index.ts composes it, on the stores the check chose; mail stays in the outbox.
  const signet = await composeSignet(config, logger, { stores: completeStores(stores, logger), ...(options.clock ? { clock: options.clock } : {}) });
  const { server, jobs, core, i18n } = signet;
  const api = signet.verificationApi;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  await jobs.start();
  const url = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;

  const { client, secret } = newApiClient('Reliability', Date.now(), cryptoRandom, deriveKey(config.encryptionKey, 'api client secrets'));
  await signet.stores.verification.apiClients.create(client);

  let messageId = 0;
  return {
    url,
    config,
    i18n,
    stores: signet.stores,
    core,
    api,
    twilio,
    mail: signet.outbox,
    connector,
    callbacks: callbackReceiver.received,
    callbackUrl: `${callbackReceiver.url}callback`,
    secret,
    logs,
    apiCall: (method, path, body, auth = secret) =>
      request(url, path, {
        method,
        headers: { ...(auth !== null ? { Authorization: `Bearer ${auth}` } : {}), ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      }),
    twilioPost: (pathAndQuery, params) =>
      request(url, pathAndQuery, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': twilioSignature(AUTH_TOKEN, `${PUBLIC_BASE_URL}${pathAndQuery}`, params) },
        body: formBody(params),
      }),
    activity: (overrides = {}) => {
      messageId += 1;
      const body = teamsMessage(connector.url, { id: `rel-${messageId}`, from: { id: PERSON.id, name: 'Ada Lovelace' }, ...overrides });
      return request(url, '/api/messages', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    },
    async close() {
      await jobs.stop();
      await closeHttp(server.server);
      await twilio.close();
      await connector.close();
      await callbackReceiver.close();
    },
  };
}

/** Gives the person a mobile phone (the default method) and, through a first Teams message, a saved chat. */
export async function seedPerson(signet: Signet): Promise<void> {
  const now = Date.now();
  const user = await signet.stores.users.create({ id: PERSON.id, tenantId: null, upn: PERSON.upn, displayName: 'Ada Lovelace', locale: 'en-US' }, now);
  await signet.stores.users.replace({ ...user, methods: [{ kind: 'mobilePhone', id: 'm1', number: PERSON.phone, createdAt: now }], defaultMethodId: 'm1' });
  const hello = await signet.activity({ text: 'hello' });
  if (hello.status !== 200) throw new Error(`the first Teams message answered ${hello.status}`);
}

/** Starts a sign-in challenge through the API; throws unless 201. */
export async function startChallenge(signet: Signet, method: 'sms' | 'voice' | 'teams', withCallback = true): Promise<{ id: string; numberToEnter?: number }> {
  const res = await signet.apiCall('POST', '/api/v1/verifications', {
    user: PERSON.upn,
    method,
    context: { ip: '203.0.113.9', application: 'Reliability', location: 'Leeds' },
    ...(withCallback ? { callbackUrl: signet.callbackUrl } : {}),
  });
  if (res.status !== 201) throw new Error(`start ${method} answered ${res.status}: ${res.text}`);
  return res.json();
}

/** The code in the last text the Twilio stand-in was asked to send. */
export function lastTextedCode(twilio: FakeTwilioApi): string {
  const match = /\b(\d{6,8})\b/.exec(String(twilio.messages().at(-1)?.params['Body'] ?? ''));
  if (!match) throw new Error('no code in the last text');
  return match[1]!;
}

/** Counts answers by HTTP status: { "200": 950, "503": 50 }. */
export function statusTally(results: readonly HttpResult[]): Record<string, number> {
  const tally: Record<string, number> = {};
  for (const r of results) tally[r.status] = (tally[r.status] ?? 0) + 1;
  return tally;
}

/** Polls until `check` holds or `ms` pass (a wait for background work, never an assertion on time). */
export async function eventually(check: () => boolean | Promise<boolean>, ms = 10_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Prints one figure where CI logs show it. */
export function figure(text: string): void {
  process.stdout.write(`reliability: ${text}\n`);
}
