// The one place that picks the storage backend: every repository Signet uses (the main stores, the verification
// stores, the job queue, the Entra provider's keys and sign-ins, and the Teams dialog state) on memory or on MongoDB, opened from configuration.
import type { Storage } from 'botbuilder';
import type { AppConfig } from '../config/loadConfig';
import type { Logger } from '../logging/logger';
import type { EntraStores } from '../ports/entraRepositories';
import type { ResetSessionRepository } from '../ports/resetSessions';
import type { JobQueue } from '../ports/jobQueue';
import type { ResetLinkRepository } from '../ports/resetLinks';
import type { Stores } from '../ports/repositories';
import type { VerificationStores } from '../ports/verificationRepositories';
import { createMemoryEntraStores } from './memoryEntraStores';
import { LazyMemoryStorage } from './lazyMemoryStorage';
import { MemoryJobQueue } from './memoryJobQueue';
import { MemoryResetSessions } from './memoryResetSessions';
import { MemoryResetLinks } from './memoryResetLinks';
import { createMemoryStores, type MemoryStores } from './memoryStores';
import { createMemoryVerificationStores } from './memoryVerificationStores';
import type { MongoStores } from './mongoStores';

/** Every repository of one Signet process, all on the same backend. */
export interface SignetStores extends Stores {
  readonly verification: VerificationStores;
  readonly jobQueue: JobQueue;
  /** Entra External MFA: signing keys and sign-ins (unused while the provider is off). */
  readonly entra: EntraStores;
  /** Self-service password reset sessions. */
  readonly resetSessions: ResetSessionRepository;
  /** Single-use password-reset links (issued by SMS and Teams, taken by the web journey). */
  readonly resetLinks: ResetLinkRepository;
  /** The Teams dialog (UI) state, beside the records. */
  readonly botStorage: Storage;
}

/** The main stores of either backend, as their adapters build them. */
export type BackendStores = MemoryStores | MongoStores;

export type StoresConfig = Pick<AppConfig, 'mongodb' | 'webhookLedgerRetentionMs'>;

/** Memory when MONGODB_URI is not set (the embedded default), else MongoDB. */
export async function createStores(config: StoresConfig, logger: Logger): Promise<SignetStores> {
  const { uri, dbName } = config.mongodb;
  if (uri === undefined) {
    logger.warn('MONGODB_URI is not set: using the in-memory store; data is not kept when the process stops');
    return completeStores(createMemoryStores({ webhookLedger: { retentionMs: config.webhookLedgerRetentionMs } }), logger);
  }
  // Required only when configured, so the embedded default never loads the MongoDB driver; typed by the module.
  const { createMongoStores } = require('./mongoStores') as typeof import('./mongoStores');
  const stores = await createMongoStores({ uri, dbName, logger, webhookRetentionMs: config.webhookLedgerRetentionMs });
  logger.info('using MongoDB', { dbName });
  return completeStores(stores, logger);
}

/** Adds the companions of the main stores on the same backend (tests open the main stores with their own options). */
export function completeStores(base: BackendStores, logger: Pick<Logger, 'warn'>): SignetStores {
  if (base.kind === 'memory') {
    return { ...base, verification: createMemoryVerificationStores(), jobQueue: new MemoryJobQueue(), entra: createMemoryEntraStores(), resetSessions: new MemoryResetSessions(), botStorage: new LazyMemoryStorage(), resetLinks: new MemoryResetLinks() };
  }
  // Loaded only with MongoDB, like the main adapter, so the embedded default never loads the driver.
  const { createMongoVerificationStores } = require('./mongoVerificationStores') as typeof import('./mongoVerificationStores');
  const { createMongoJobQueue } = require('./mongoJobQueue') as typeof import('./mongoJobQueue');
  const { createMongoBotStorage } = require('./mongoBotStorage') as typeof import('./mongoBotStorage');
  const { ensureEntraIndexes, openMongoEntraStores } = require('./mongoEntraStores') as typeof import('./mongoEntraStores');
  const warnIndexes = (what: string) => (error: unknown) => logger.warn(`could not create the ${what} indexes`, { error: error instanceof Error ? error.name : typeof error });
  const jobQueue = createMongoJobQueue(base.db);
  jobQueue.ensureIndexes().catch(warnIndexes('job queue'));
  ensureEntraIndexes(base.db).catch(warnIndexes('Entra'));
  const entra = openMongoEntraStores(base.db);
  const { openMongoResetSessions } = require('./mongoResetSessions') as typeof import('./mongoResetSessions');
  const { ensureResetLinkIndexes, openMongoResetLinks } = require('./mongoResetLinks') as typeof import('./mongoResetLinks');
  // TTL clean-up only (take enforces expiry), so a server that refuses TTL indexes merely keeps old links.
  ensureResetLinkIndexes(base.db).catch(warnIndexes('reset link'));
  const resetLinks = openMongoResetLinks(base.db);
  return { ...base, verification: createMongoVerificationStores(base.db), jobQueue, entra, resetSessions: openMongoResetSessions(base.db), botStorage: createMongoBotStorage(base.db), resetLinks };
}
