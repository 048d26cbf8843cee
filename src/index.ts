// The composition root: configuration → logger → stores → i18n → bot → server → listen, plus signal handling.
// The only module that picks real implementations; main() takes its process I/O as a parameter so tests drive it.
import type { AddressInfo } from 'node:net';
import type { Server } from 'restify';
import { ConfigError, loadConfig, type AppConfig, type FileReader } from './config/loadConfig';
import { createI18n } from './i18n';
import { createLogger, type LogSink, type Logger } from './logging/logger';
import { createServer } from './server';
import { createShutdown, type Shutdown } from './shutdown';
import { createBotAdapter, createTurnErrorHandler } from './channels/teams/botAdapter';
import { LazyActivityHandler } from './channels/teams/lazyActivityHandler';
import { createMemoryStores } from './stores/memoryStores';
import type { Stores } from './ports/repositories';
import { createCore, type Core } from './core';
import { createReplyRenderer } from './renderReply';
import { Outbox, UnavailableMailer } from './telephony/outboxes';
import type { Mailer } from './ports/deliveryPorts';
import { createTelephony, createTwilioRouteDeps } from './channels/twilio/telephonyWiring';
import { cryptoRandom } from './security/random';
import { systemClock } from './ports/clock';
import { TeamsNotifier } from './channels/teams/teamsNotifier';
import { MemoryStorage, type Storage } from 'botbuilder';
import { createVerificationApi } from './api/verificationWiring';
import { createDevelopmentClient, developmentClientNotice } from './api/developmentClient';
import { createBackgroundJobs } from './jobs/jobsWiring';
import { HelpDeskService } from './helpdesk/helpDeskService';
import { enrollmentPolicyFrom } from './enrollment/enrollmentPolicy';

/** What main() needs from the process; tests pass fakes. */
export interface MainIo {
  exit(code: number): void;
  stderr(text: string): void;
  onSignal(signal: NodeJS.Signals, handler: () => void): void;
  readonly logSink?: LogSink;
  readonly readFile?: FileReader;
}

export interface RunningApp {
  readonly config: AppConfig;
  readonly server: Server;
  /** e.g. http://127.0.0.1:3978 (the bound address, useful with PORT=0). */
  readonly url: string;
  readonly shutdown: Shutdown;
  readonly core: Core;
  /** The repositories and the dialog-state storage this run uses (the scale bench seeds them). */
  readonly stores: Stores;
  readonly botStorage: Storage;
}

const processIo: MainIo = {
  exit: (code) => process.exit(code),
  stderr: (text) => process.stderr.write(text),
  onSignal: (signal, handler) => process.on(signal, handler),
};

/** Starts Signet. On a configuration or start-up error, writes it to stderr, exits 1 and resolves undefined. */
export async function main(env: NodeJS.ProcessEnv, io: MainIo = processIo): Promise<RunningApp | undefined> {
  let config: AppConfig;
  try {
    config = loadConfig(env, io.readFile);
  } catch (err) {
    io.stderr(`${err instanceof ConfigError ? err.message : `Could not load the configuration: ${describe(err)}`}\n`);
    io.exit(1);
    return undefined;
  }

  const logger = createLogger({ level: config.logLevel, ...(io.logSink ? { sink: io.logSink } : {}) });
  let stores: Stores | undefined;
  try {
    stores = await openStores(config, logger);
    if (config.encryptionKeyIsDevelopmentDefault) {
      logger.warn('SIGNET_ENCRYPTION_KEY is not set: using the fixed development key; secrets at rest are not protected');
    }
    const i18n = await createI18n({
      supported: config.org.locales.offered,
      fallback: config.org.locales.default,
      onMissingKey: (locale, key) => logger.error('missing translation', { locale, key }),
    });

    // Delivery ports: mail over SMTP when SMTP_URL is set (else the simulated outbox); notices about what another
    // channel completed go to the person's Teams chat.
    const outbox = new Outbox();
    // The notifier sends through the bot adapter, so the adapter exists before the core.
    const adapter = createBotAdapter(config.bot);
    adapter.onTurnError = createTurnErrorHandler({ logger, i18n, resetDialogs: (context) => handler.bot.resetDialogs(context) });
    const render = createReplyRenderer(i18n);
    // Callbacks and help-desk reports are stored as jobs before anything is reported, and run by the worker.
    const jobs = createBackgroundJobs({ config, stores, logger, clock: systemClock });
    const verificationApi = createVerificationApi({ config, stores, logger, helpDesk: jobs.helpDesk });
    const core = createCore({
      config,
      stores,
      telephony: createTelephony({ config, stores, clock: systemClock, random: cryptoRandom, logger }),
      mailer: config.smtp ? smtpMailer(config.smtp) : config.env === 'production' ? new UnavailableMailer() : outbox,
      notifier: new TeamsNotifier({ adapter, appId: config.bot.appId, conversations: stores.conversations, render, defaultLocale: config.org.locales.default, logger }),
      render,
      onEffectError: (effect, error) => logger.error('delivery effect failed', { effect, error: describe(error) }),
      onChallengeEnded: verificationApi.onChallengeEnded,
      beforeChallengeEnds: jobs.beforeChallengeEnds,
    });
    jobs.attach(core);

    if (config.bot.appId === '') {
      logger.warn('Bot Framework authentication is off (MicrosoftAppId is empty): anyone who can reach /api/messages can talk to the bot');
    }
    // Same pass store and key as the API, so a passcode issued in Teams is the one the API accepts.
    const helpDesk = new HelpDeskService({
      stores,
      verificationStores: verificationApi.verificationStores,
      clock: systemClock,
      random: cryptoRandom,
      passKey: verificationApi.passKey,
      policy: enrollmentPolicyFrom(config.org).registration,
      members: config.org.helpDesk.members,
      defaultCountry: config.org.phone.defaultCountry,
    });
    const dialogStorage = botStorage(stores);
    // Built on the first Teams turn: requiring signetBot loads botbuilder-dialogs and the dialogs (start-up cost).
    const { users, conversations, challenges } = stores;
    const handler = new LazyActivityHandler(() => {
      const { SignetBot } = require('./channels/teams/signetBot') as typeof import('./channels/teams/signetBot');
      return new SignetBot({
        i18n,
        org: config.org,
        enrollment: core.enrollment,
        users,
        conversations,
        storage: dialogStorage,
        authEnabled: config.bot.appId !== '',
        logger,
        verification: { service: core.verification, challenges },
        helpDesk,
      });
    });

    const telephony = createTwilioRouteDeps({ config, stores, core, render, clock: systemClock, random: cryptoRandom, logger, helpDesk: jobs.helpDesk });
    if (telephony.devOutbox) logger.warn('Twilio is not configured: texts and calls go to the simulated outbox (/api/dev/telephony)');
    const server = createServer({ config, stores, logger, i18n, bot: { adapter, handler }, telephony });
    verificationApi.register(server, core);
    if (config.entra) {
      // Entra ID External MFA (issue 11): discovery, JWKS, authorize and the sign-in pages.
      const { createEntraProvider } = require('./channels/web/entraWiring') as typeof import('./channels/web/entraWiring');
      (await createEntraProvider({ config, entra: config.entra, stores, verification: verificationApi, core, i18n, logger })).register(server);
    }
    await listen(server, config.port, config.host);
    const url = boundUrl(server, config.host);
    logger.info('listening', { url, env: config.env, store: stores.kind });
    if (config.env === 'development' && stores.kind === 'memory') {
      // To the console (stderr), not the log: log lines never hold secrets, and stdout stays pure JSON lines.
      const client = await createDevelopmentClient({
        apiClients: verificationApi.verificationStores.apiClients,
        clientKey: verificationApi.clientKey,
        callbackServerKey: verificationApi.callbackServerKey,
        random: cryptoRandom,
        now: systemClock.now(),
      });
      io.stderr(developmentClientNotice(client, url));
      logger.warn('development API client created for this run; its secret is on the console, never in the log', { clientId: client.clientId });
    }

    await jobs.start();
    const shutdown = createShutdown({ server: server.server, stores, logger, background: jobs });
    let signalled = false;
    const onSignal = (signal: NodeJS.Signals) => () => {
      if (signalled) {
        // A second Ctrl-C means "now": do not wait for the drain.
        logger.warn('second signal: exiting without waiting', { signal });
        io.exit(1);
        return;
      }
      signalled = true;
      void shutdown(signal).then((code) => io.exit(code));
    };
    io.onSignal('SIGTERM', onSignal('SIGTERM'));
    io.onSignal('SIGINT', onSignal('SIGINT'));
    return { config, server, url, shutdown, core, stores, botStorage: dialogStorage };
  } catch (err) {
    // Name and message only: a driver error's other properties can hold the connection string.
    logger.error('start-up failed', { error: err });
    io.stderr(`Signet could not start: ${describe(err)}\n`);
    await stores?.close().catch(() => undefined);
    io.exit(1);
    return undefined;
  }
}

async function openStores(config: AppConfig, logger: Logger): Promise<Stores> {
  const { uri, dbName } = config.mongodb;
  if (uri === undefined) {
    logger.warn('MONGODB_URI is not set: using the in-memory store; data is not kept when the process stops');
    return createMemoryStores({ webhookLedger: { retentionMs: config.webhookLedgerRetentionMs } });
  }
  // Required only when configured, so the embedded default never loads the MongoDB driver; typed by the module.
  const { createMongoStores } = require('./stores/mongoStores') as typeof import('./stores/mongoStores');
  const stores = await createMongoStores({ uri, dbName, logger, webhookRetentionMs: config.webhookLedgerRetentionMs });
  logger.info('using MongoDB', { dbName });
  return stores;
}

/** Required only when SMTP_URL is set, so a start without mail never loads nodemailer. */
function smtpMailer(smtp: NonNullable<AppConfig['smtp']>): Mailer {
  const { SmtpMailer } = require('./mail/smtpMailer') as typeof import('./mail/smtpMailer');
  return new SmtpMailer(smtp);
}

/** Dialog (UI) state next to the user records: MongoDB when the store is MongoDB, else in memory. */
function botStorage(stores: Stores): Storage {
  if (stores.kind !== 'mongodb' || !('db' in stores)) return new MemoryStorage();
  const { createMongoBotStorage } = require('./stores/mongoBotStorage') as typeof import('./stores/mongoBotStorage');
  return createMongoBotStorage((stores as import('./stores/mongoStores').MongoStores).db);
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // restify re-emits the HTTP server's 'error' (EADDRINUSE, EACCES) on itself; listen there.
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function boundUrl(server: Server, host: string): string {
  const address = server.server.address() as AddressInfo | null;
  const port = address?.port ?? 0;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${shownHost}:${port}`;
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

if (require.main === module) {
  void main(process.env);
}
