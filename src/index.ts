// The composition root: read the configuration, compose Signet (src/signetWiring.ts), listen, start the background
// work, and shut down on a signal. main() takes its process I/O as a parameter so tests drive it.
// First import: it holds V8's young generation at its first size while the rest loads (see youngGeneration.ts).
import { releaseYoungGeneration } from './youngGeneration';
import type { AddressInfo } from 'node:net';
import type { Server } from 'restify';
import type { Storage } from 'botbuilder';
import { ConfigError, loadConfig, type AppConfig, type FileReader } from './config/loadConfig';
import { createLogger, type LogSink } from './logging/logger';
import { createShutdown, type Shutdown } from './shutdown';
import type { Core } from './core';
import { composeSignet } from './signetWiring';
import { createStores, type SignetStores } from './stores/storesWiring';
import { developmentClientNotice } from './api/developmentClient';
import { registerDevelopmentClient } from './app/registerDevelopmentClient';
import { createDirectory } from './directory/directoryWiring';
import type { Directory } from './ports/directory';
import { cryptoRandom } from './security/random';
import { systemClock } from './ports/clock';

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
  readonly stores: SignetStores;
  readonly botStorage: Storage;
  /** The directory password reset and unlock write to (DIRECTORY; memory by default). */
  readonly directory: Directory;
}

const processIo: MainIo = {
  exit: (code) => process.exit(code),
  stderr: (text) => process.stderr.write(text),
  onSignal: (signal, handler) => process.on(signal, handler),
};

/** Starts Signet. On a configuration or start-up error, writes it to stderr, exits 1 and resolves undefined. */
export async function main(env: NodeJS.ProcessEnv, io: MainIo = processIo): Promise<RunningApp | undefined> {
  try {
    return await start(env, io);
  } finally {
    releaseYoungGeneration();
  }
}

async function start(env: NodeJS.ProcessEnv, io: MainIo): Promise<RunningApp | undefined> {
  let config: AppConfig;
  try {
    config = loadConfig(env, io.readFile);
  } catch (err) {
    io.stderr(`${err instanceof ConfigError ? err.message : `Could not load the configuration: ${describe(err)}`}\n`);
    io.exit(1);
    return undefined;
  }

  const logger = createLogger({ level: config.logLevel, ...(io.logSink ? { sink: io.logSink } : {}) });
  let stores: SignetStores | undefined;
  try {
    stores = await createStores(config, logger);
    // A wrong service account or search base stops start-up here, not at someone's first password reset.
    const directory = createDirectory(config.directory, logger);
    await directory.verifyConfiguration();
    const signet = await composeSignet(config, logger, { stores, directory, passwordReset: { directory } });
    const { server, verificationApi, jobs } = signet;
    // Before listening: the store's first connection, then the language models, so that after a restart nobody's
    // message waits seconds for a training. (The store first: loading the models keeps the event loop busy, which a
    // connection being set up at the same time could take for a timeout.) botbuilder and the dialogs still load on
    // the first Teams turn: an instance serving only texts, calls and the API never pays their ~80 MB.
    const warming = Date.now();
    await firstContact(stores, STORE_CONTACT_WAIT_MS);
    await signet.nlu.warmUp();
    logger.info('ready to listen', { locales: config.org.locales.offered, ms: Date.now() - warming });
    await listen(server, config.port, config.host);
    const url = boundUrl(server, config.host);
    logger.info('listening', { url, env: config.env, store: stores.kind });
    if (config.env === 'development' && stores.kind === 'memory') {
      // To the console (stderr), not the log: log lines never hold secrets, and stdout stays pure JSON lines.
      const client = await registerDevelopmentClient({
        apiClients: stores.verification.apiClients,
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
    return { config, server, url, shutdown, core: signet.core, stores, botStorage: stores.botStorage, directory };
  } catch (err) {
    // Name and message only: a driver error's other properties can hold the connection string.
    logger.error('start-up failed', { error: err });
    io.stderr(`Signet could not start: ${describe(err)}\n`);
    await stores?.close().catch(() => undefined);
    io.exit(1);
    return undefined;
  }
}

/** How long start-up waits for the store before listening anyway (then /readyz says 503 until it answers). */
const STORE_CONTACT_WAIT_MS = 3000;

/** Opens the store's connection, waiting at most `waitMs`: a store that is down must not stop Signet listening. */
async function firstContact(stores: SignetStores, waitMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, waitMs);
  });
  await Promise.race([stores.ping().catch(() => undefined), waited]);
  clearTimeout(timer);
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
