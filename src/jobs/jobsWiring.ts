// Builds the background work from configuration: on the durable job queue beside the main stores, the queued
// help-desk notifier and callback hook the core uses, and — once the core exists — the worker with a handler per
// job kind and the expiry sweep. The composition root starts it after listen and stops it on shutdown.
import { randomUUID } from 'node:crypto';
import type { AppConfig } from '../config/loadConfig';
import type { Core } from '../core';
import { CallbackDispatcher, type CallbackPost } from '../api/callbackDispatcher';
import { MailingHelpDeskNotifier } from '../helpdesk/helpDeskNotifier';
import type { HelpDeskNotifier } from '../ports/helpDesk';
import type { JobQueue } from '../ports/jobQueue';
import { deriveKey } from '../security/derivedKeys';
import type { Clock } from '../ports/clock';
import type { Stores } from '../ports/repositories';
import type { Challenge } from '../domain/challenge';
import { CALLBACK_JOB, callbackHandler, enqueueCallback } from './callbackJobs';
import { EXPIRY_SWEEP_JOB, expirySweepHandler, scheduleExpirySweep } from './expirySweeper';
import { HELP_DESK_REPORT_JOB, QueuedHelpDeskNotifier, helpDeskReportHandler } from './helpDeskJobs';
import { JobWorker, type JobHandler, type JobWorkerLogger } from './jobWorker';
import { EXTERNAL_METHOD_JOB, externalMethodHandler, QueuedExternalMethodRegistry } from './externalMethodJobs';
import { GraphExternalMethodRegistry } from '../directory/graphExternalMethodRegistry';
import type { ExternalMethodRegistry } from '../ports/externalMethodRegistry';

export interface BackgroundJobs {
  readonly queue: JobQueue;
  /** For the core's beforeEnd hook: stores the challenge's callback job (when it asked for one). */
  readonly beforeChallengeEnds: (ending: Challenge) => Promise<void>;
  /** Reports go into the queue; the worker mails and audits them. */
  readonly helpDesk: HelpDeskNotifier;
  /** For the core: Entra External MFA registrations go into the queue; undefined when ENTRA_METHOD_REGISTRATION is off. */
  readonly externalMethods: ExternalMethodRegistry | undefined;
  /** Builds the worker around the core; `start` polls on the configured interval, tests call `runOnce`. */
  attach(core: Core): JobWorker;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface BackgroundJobsDeps {
  readonly config: Pick<AppConfig, 'encryptionKey' | 'org' | 'jobs'> & Partial<Pick<AppConfig, 'externalMethodRegistration'>>;
  readonly stores: Stores;
  readonly logger: JobWorkerLogger;
  readonly clock: Clock;
  /** The durable queue, on the same backend as the stores (createStores opens it). */
  readonly queue: JobQueue;
  readonly post?: CallbackPost;
  /** The worker's lease owner name; default a fresh random one per process. */
  readonly owner?: string;
  /** What the registration jobs call; default Microsoft Graph when ENTRA_METHOD_REGISTRATION=graph. */
  readonly externalMethodRegistry?: ExternalMethodRegistry;
}

export function createBackgroundJobs(deps: BackgroundJobsDeps): BackgroundJobs {
  const { config, stores, logger, clock } = deps;
  const { queue } = deps;
  let worker: JobWorker | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  const registration = config.externalMethodRegistration;
  const registry = deps.externalMethodRegistry ?? (registration ? new GraphExternalMethodRegistry({ config: registration, clock }) : undefined);
  const registrationHandlers: Record<string, JobHandler> = registry ? { [EXTERNAL_METHOD_JOB]: externalMethodHandler({ registry, audit: stores.audit, clock, logger }) } : {};
  return {
    queue,
    externalMethods: registry ? new QueuedExternalMethodRegistry({ queue, clock }) : undefined,
    beforeChallengeEnds: (ending) => enqueueCallback(queue, ending, clock.now()),
    helpDesk: new QueuedHelpDeskNotifier({ queue, clock }),
    attach(core) {
      const dispatcher = new CallbackDispatcher({
        serverKey: deriveKey(config.encryptionKey, 'callback signing'),
        now: () => clock.now(),
        ...(deps.post ? { post: deps.post } : {}),
        onAttempt: ({ challengeId, attempt, status, delivered }) => {
          const fields = { challengeId, attempt, httpStatus: status, delivered };
          if (delivered) logger.info('verification callback', fields);
          else logger.warn('verification callback not delivered', fields);
        },
      });
      const expire = async (challengeId: string): Promise<Challenge> => (await core.verification.apply(challengeId, { type: 'checkExpiry' }, 'system')).challenge;
      const mailing = new MailingHelpDeskNotifier({
        email: config.org.helpDesk.email,
        organisationName: config.org.organisation.name,
        locale: config.org.locales.default,
        effects: core.effects,
        audit: stores.audit,
        clock,
      });
      worker = new JobWorker({
        queue,
        clock,
        logger,
        owner: deps.owner ?? `signet-${process.pid}-${randomUUID()}`,
        leaseMs: config.jobs.leaseMs,
        retryPeriodMs: config.jobs.retryPeriodMs,
        handlers: {
          [CALLBACK_JOB]: callbackHandler({ challenges: stores.challenges, expire, dispatcher, clock }),
          [HELP_DESK_REPORT_JOB]: helpDeskReportHandler(mailing),
          [EXPIRY_SWEEP_JOB]: expirySweepHandler({ challenges: stores.challenges, expire, clock, intervalMs: config.jobs.sweepIntervalMs, logger }),
          ...registrationHandlers,
        },
      });
      return worker;
    },
    async start() {
      if (!worker) throw new Error('attach(core) before start()');
      // Each instance schedules the sweep; the unique job id keeps it one job that one instance at a time runs.
      // A store that is away at start-up is tried again each interval until the sweep is scheduled.
      const schedule = (): void => {
        scheduleExpirySweep(queue, clock.now()).catch((error: unknown) => {
          logger.warn('could not schedule the expiry sweep yet', { error: error instanceof Error ? error.name : typeof error });
          if (!stopped) (retry = setTimeout(schedule, config.jobs.sweepIntervalMs)).unref();
        });
      };
      stopped = false;
      schedule();
      worker.start(config.jobs.pollIntervalMs);
    },
    async stop() {
      stopped = true;
      clearTimeout(retry);
      await worker?.stop();
    },
  };
}
