// Issue 8, check 5: MongoDB (our own FerretDB) killed for 30 s while a relying system, Twilio and Teams keep
// calling the real main(): /readyz answers 503, every person and caller is told nothing changed (the localized
// "unavailable" message, or the API's 503 `unavailable`), the same process recovers once the database is back,
// and no record is left half-written. RELIABILITY_OUTAGE_SECONDS shortens the outage for local runs; CI uses 30.
import { main, type MainIo, type RunningApp } from '../../src/index';
import { loadConfig } from '../../src/config/loadConfig';
import { createI18n } from '../../src/i18n';
import { newApiClient } from '../../src/security/apiClientCredentials';
import { deriveKey } from '../../src/security/derivedKeys';
import { cryptoRandom } from '../../src/security/random';
import { createMongoStores, type MongoStores } from '../../src/stores/mongoStores';
import { createMongoVerificationStores } from '../../src/stores/mongoVerificationStores';
import { request, teamsMessage, type HttpResult } from '../server/serverHarness';
import { startFakeTwilioApi, type FakeTwilioApi } from '../support/fakeTwilioApi';
import { formBody, twilioSignature } from '../support/twilioSigner';
import { ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER } from '../support/twilioAppHarness';
import { freshDbName, recordingLogger } from '../support/mongo';
import { startBotConnector } from './support/botConnector';
import { startOwnFerretDb, type OwnFerretDb } from './support/ownFerretDb';
import { eventually, figure, lastTextedCode, PERSON, PUBLIC_BASE_URL, statusTally } from './support/signetUnderTest';

const OUTAGE_MS = Number(process.env['RELIABILITY_OUTAGE_SECONDS'] ?? 30) * 1000;
const TICK_MS = 1000;
// A request can wait this long for a server (the driver's 3 s server selection, plus slack) and then succeed.
const SERVER_WAIT_MS = 4500;
const KEY_HEX = '5a'.repeat(32);
const TENANT = '00000000-0000-4000-8000-000000000000';
// A number with no pending challenge: the text still needs the store to find that out, and burns no attempt.
const STRANGER = '+12065550177';
// Generous limits so the steady traffic never runs into a cap and the journey after recovery can start.
const ORG = {
  organisation: { name: 'Signet Demo School', domains: ['signet-demo.example'] },
  helpDesk: { phone: '+1 555 0100' },
  phone: { defaultCountry: 'US', sendLimits: { perNumberPerHour: 100, perUserPerHour: 100 } },
  verification: { maxChallengesPer15Minutes: 100, maxConsecutiveFailures: 100 },
};

type Kind = 'readyz' | 'api' | 'sms' | 'teams';
interface Observed {
  readonly kind: Kind;
  readonly sentAt: number;
  readonly result: HttpResult | Error;
}

const unescapeXml = (xml: string): string =>
  xml.replace(/&apos;|&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

describe('reliability when MongoDB goes away', () => {
  let ferret: OwnFerretDb | undefined;
  let running: RunningApp | undefined;
  let twilio: FakeTwilioApi | undefined;
  let connector: Awaited<ReturnType<typeof startBotConnector>> | undefined;
  let seedStores: MongoStores | undefined;
  const exits: number[] = [];

  afterAll(async () => {
    await running?.shutdown('test').catch(() => undefined);
    await seedStores?.db.dropDatabase().catch(() => undefined);
    await seedStores?.close().catch(() => undefined);
    await twilio?.close();
    await connector?.close();
    await ferret?.stop();
  });

  it(`when MongoDB is killed for ${OUTAGE_MS / 1000} s under traffic, then /readyz 503, everyone is told nothing changed, the same process recovers and no record is half-written`, async () => {
    ferret = await startOwnFerretDb();
    twilio = await startFakeTwilioApi();
    connector = await startBotConnector({ id: PERSON.id, upn: PERSON.upn, tenantId: TENANT });
    const dbName = freshDbName('outage');
    const env: NodeJS.ProcessEnv = {
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      MONGODB_URI: ferret.uri,
      MONGODB_DB: dbName,
      SIGNET_ENCRYPTION_KEY: KEY_HEX,
      SIGNET_ORG_CONFIG: '/org.json',
      PUBLIC_BASE_URL,
      TWILIO_ACCOUNT_SID: ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      TWILIO_FROM_NUMBER: FROM_NUMBER,
      TWILIO_API_BASE_URL: twilio.url,
    };
    const readFile = (path: string): string => {
      if (path !== '/org.json') throw new Error(`ENOENT: ${path}`);
      return JSON.stringify(ORG);
    };
    const config = loadConfig(env, readFile);
    const i18n = await createI18n({ supported: config.org.locales.offered, fallback: config.org.locales.default });
    const unavailable = i18n.t('en-US', 'common.unavailable');

    // The person and a client, written as the clients command and a finished enrollment would leave them.
    seedStores = await createMongoStores({ uri: ferret.uri, dbName, logger: recordingLogger(), indexes: 'manual' });
    await seedStores.ensureIndexes();
    const now = Date.now();
    const user = await seedStores.users.create({ id: PERSON.id, tenantId: null, upn: PERSON.upn, displayName: 'Ada Lovelace', locale: 'en-US' }, now);
    await seedStores.users.replace({ ...user, methods: [{ kind: 'mobilePhone', id: 'm1', number: PERSON.phone, createdAt: now }], defaultMethodId: 'm1' });
    const { client, secret } = newApiClient('Reliability', now, cryptoRandom, deriveKey(config.encryptionKey, 'api client secrets'));
    await createMongoVerificationStores(seedStores.db).apiClients.create(client);

    const io: MainIo = { exit: (code) => void exits.push(code), stderr: () => undefined, onSignal: () => undefined, logSink: () => undefined, readFile };
    running = await main(env, io);
    if (!running) throw new Error(`main() did not start (exits ${JSON.stringify(exits)})`);
    const url = running.url;

    let sms = 0;
    let teams = 0;
    const apiStart = () =>
      request(url, '/api/v1/verifications', {
        method: 'POST',
        headers: { Authorization: `Bearer ${secret}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ user: PERSON.upn, method: 'sms', context: { ip: '203.0.113.9', application: 'Reliability' } }),
      });
    const smsIn = (from: string, body: string) => {
      const params = { MessageSid: `SMoutage${(sms++).toString(16).padStart(26, '0')}`, From: from, Body: body };
      return request(url, '/api/twilio/sms', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': twilioSignature(AUTH_TOKEN, `${PUBLIC_BASE_URL}/api/twilio/sms`, params) },
        body: formBody(params),
      });
    };
    const teamsIn = (text: string) =>
      request(url, '/api/messages', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(teamsMessage(connector!.url, { id: `outage-${teams++}`, from: { id: PERSON.id, name: 'Ada Lovelace' }, text })),
      });
    expect((await teamsIn('hello')).status).toBe(200);

    // Steady traffic from all four sides, one of each per tick, until stopped.
    const observed: Observed[] = [];
    let traffic = true;
    const inFlight: Promise<void>[] = [];
    const observe = (kind: Kind, call: () => Promise<HttpResult>): void => {
      const sentAt = Date.now();
      inFlight.push(
        call().then(
          (result) => void observed.push({ kind, sentAt, result }),
          (error: unknown) => void observed.push({ kind, sentAt, result: error instanceof Error ? error : new Error(String(error)) }),
        ),
      );
    };
    const loop = (async () => {
      while (traffic) {
        observe('readyz', () => request(url, '/readyz'));
        observe('api', apiStart);
        observe('sms', () => smsIn(STRANGER, 'hello'));
        observe('teams', () => teamsIn('help'));
        await new Promise((r) => setTimeout(r, TICK_MS));
      }
    })();

    await new Promise((r) => setTimeout(r, 3 * TICK_MS));
    const killedAt = Date.now();
    ferret.kill();
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    const restartedAt = Date.now();
    await ferret.restart();
    const readyAgain = await eventually(async () => (await request(url, '/readyz')).status === 200, 60_000);
    const recoveredAt = Date.now();
    await new Promise((r) => setTimeout(r, 3 * TICK_MS));
    traffic = false;
    await loop;
    await Promise.all(inFlight);

    // During the outage: requests sent after the kill and early enough that they cannot have waited (server
    // selection) for the database to come back.
    const outageEnd = restartedAt - SERVER_WAIT_MS;
    const during = observed.filter((o) => o.sentAt >= killedAt + 500 && o.sentAt < outageEnd);
    const of = (kind: Kind) => during.filter((o) => o.kind === kind).map((o) => o.result);
    const answered = (list: Array<HttpResult | Error>) => list.filter((r): r is HttpResult => !(r instanceof Error));
    const readyz = answered(of('readyz'));
    const api = answered(of('api'));
    const smsAnswers = answered(of('sms'));
    const teamsAnswers = answered(of('teams'));
    const apiUnavailable = api.filter((r) => r.status === 503 && r.json<{ error?: { code?: string } }>().error?.code === 'unavailable').length;
    const smsUnavailable = smsAnswers.filter((r) => r.status === 200 && unescapeXml(r.text).includes(unavailable)).length;
    const teamsReplies = connector.sent.filter((s) => s.at >= killedAt + 500 && s.at < outageEnd).map((s) => s.text);
    const teamsUnavailable = teamsReplies.filter((t) => t === unavailable).length;
    const transportErrors = during.filter((o) => o.result instanceof Error).length;

    // After recovery, in the same process: a whole sign-in by SMS.
    const started = await apiStart();
    const code = started.status === 201 ? lastTextedCode(twilio) : '';
    const reply = started.status === 201 ? await smsIn(PERSON.phone, code) : undefined;
    const id = started.status === 201 ? started.json<{ id: string }>().id : '';
    const outcome = id ? await request(url, `/api/v1/verifications/${id}`, { headers: { Authorization: `Bearer ${secret}` } }) : undefined;
    const afterStatus = outcome?.json<{ status: string }>().status ?? `start answered ${started.status}`;

    // No half-written record: every challenge is whole and consistent with its status.
    const challenges = await seedStores.db.collection('challenges').find({}).toArray();
    const maxAttempts = config.org.codes.maxAttempts;
    const broken = challenges.filter((c) => {
      const ended = c['status'] !== 'pending';
      return (
        typeof c['userId'] !== 'string' ||
        typeof c['version'] !== 'number' ||
        typeof c['expiresAt'] !== 'number' ||
        (ended ? typeof c['endedAt'] !== 'number' || c['reason'] == null : c['endedAt'] != null) ||
        Number(c['attempts']) > maxAttempts ||
        (c['method'] === 'sms' && typeof c['target'] !== 'string')
      );
    });
    const storedUser = await seedStores.users.get(PERSON.id);

    figure(
      `MongoDB killed ${OUTAGE_MS / 1000} s under traffic → during: /readyz ${JSON.stringify(statusTally(readyz))}, API ${JSON.stringify(statusTally(api))} (${apiUnavailable} "unavailable"), ` +
        `SMS ${JSON.stringify(statusTally(smsAnswers))} (${smsUnavailable} told "nothing was changed"), Teams ${JSON.stringify(statusTally(teamsAnswers))} with ${teamsReplies.length} replies (${teamsUnavailable} "unavailable"), ${transportErrors} connection errors`,
    );
    figure(
      `MongoDB back → /readyz 200 after ${((recoveredAt - restartedAt) / 1000).toFixed(1)} s, no restart (exits ${JSON.stringify(exits)}), sign-in after recovery: ${afterStatus}; ` +
        `${challenges.length} challenges stored, ${broken.length} half-written`,
    );

    expect(readyz.length).toBeGreaterThan(0);
    expect(readyz.every((r) => r.status === 503)).toBe(true);
    expect(api.length).toBeGreaterThan(0);
    expect(apiUnavailable).toBe(api.length);
    expect(smsAnswers.length).toBeGreaterThan(0);
    expect(smsUnavailable).toBe(smsAnswers.length);
    expect(teamsAnswers.every((r) => r.status < 500)).toBe(true);
    expect(teamsReplies.length).toBeGreaterThan(0);
    expect(teamsUnavailable).toBe(teamsReplies.length);
    expect(transportErrors).toBe(0);
    expect(readyAgain).toBe(true);
    expect(exits).toEqual([]);
    expect(reply?.status).toBe(200);
    expect(afterStatus).toBe('approved');
    expect(broken.map((c) => String(c['_id']))).toEqual([]);
    expect(storedUser?.methods).toHaveLength(1);
  });
});
