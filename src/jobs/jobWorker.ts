// Runs due jobs: polls the queue, leases each job (so no two instances run it), calls the handler for its kind,
// and settles it — done, re-armed, retried with back-off until the retry period is over, or dead (logged and
// kept with status 'dead' for operators: `npm run jobs -- dead`).
import type { Job, JobQueue, JobSettlement } from '../ports/jobQueue';
import { callbackRetryDelaySeconds } from '../domain/retrySchedule';
import type { Clock } from '../ports/clock';
import { StoreUnavailableError } from '../ports/storeErrors';

/** What a handler may ask for besides "done" (returning nothing): run again at `again` (recurring, or not yet). */
export type JobResult = void | { readonly again: number };
/** Throws to have the job retried; a JobFailure's message is kept as the job's lastError (keep it secret-free). */
export type JobHandler = (job: Job) => Promise<JobResult>;

/**
 * A failure a handler describes itself; `permanent` ones make the job dead at once (nothing a retry could fix).
 * `notBeforeMs`: the service asked to be left alone this long (Retry-After); the retry waits at least that.
 */
export class JobFailure extends Error {
  constructor(message: string, readonly permanent = false, readonly notBeforeMs = 0) {
    super(message);
    this.name = 'JobFailure';
  }
}

export interface JobWorkerLogger {
  info(message: string, details?: Readonly<Record<string, unknown>>): void;
  warn(message: string, details?: Readonly<Record<string, unknown>>): void;
  error(message: string, details?: Readonly<Record<string, unknown>>): void;
}

export interface JobWorkerDeps {
  readonly queue: JobQueue;
  readonly handlers: Readonly<Record<string, JobHandler>>;
  readonly clock: Clock;
  /** This instance's name on the leases it takes (unique per process). */
  readonly owner: string;
  readonly logger: JobWorkerLogger;
  /** How long a lease lasts: longer than any handler runs (a callback times out after 10 s). */
  readonly leaseMs?: number;
  /** How long after a job was created failures are retried before it is marked dead. */
  readonly retryPeriodMs?: number;
  /** Wait before the retry that follows attempt n (1-based). */
  readonly retryDelayMs?: (attempt: number) => number;
  readonly batchSize?: number;
}

export const DEFAULT_LEASE_MS = 60_000;
export const DEFAULT_RETRY_PERIOD_MS = 24 * 60 * 60 * 1000;
const DEFAULT_BATCH = 20;

export class JobWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private stopped = false;

  constructor(private readonly deps: JobWorkerDeps) {}

  /** Leases and runs every job due now (one batch); resolves to how many this worker ran. */
  runOnce(): Promise<number> {
    // One pass at a time per worker: a slow pass is not overlapped by the next tick.
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Polls every intervalMs until stop(). */
  start(intervalMs: number): void {
    this.stopped = false;
    const tick = (): void => {
      this.runOnce()
        .catch((error: unknown) => this.deps.logger.warn('job poll failed', { error: describe(error) }))
        .finally(() => {
          if (this.stopped) return;
          this.timer = setTimeout(tick, intervalMs);
          this.timer.unref();
        });
    };
    tick();
  }

  /** Stops polling and waits for the pass in progress; a job it had leased but not run stays due for others. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  private async pass(): Promise<number> {
    const { queue, clock, owner } = this.deps;
    const due = await queue.findDue(clock.now(), this.deps.batchSize ?? DEFAULT_BATCH);
    let ran = 0;
    for (const candidate of due) {
      if (this.stopped) break; // shutting down: what is left stays due for the other instances
      const job = await queue.lease(candidate.id, owner, clock.now(), this.deps.leaseMs ?? DEFAULT_LEASE_MS);
      if (!job) continue; // another worker took it first
      ran += 1;
      await this.run(job);
    }
    return ran;
  }

  private async run(job: Job): Promise<void> {
    const { queue, clock, logger } = this.deps;
    const handler = this.deps.handlers[job.kind];
    let settlement: JobSettlement;
    try {
      if (!handler) throw new JobFailure(`no handler for kind ${job.kind}`, true);
      const result = await handler(job);
      settlement = result ? { status: 'pending', dueAt: result.again, error: null, resetAttempts: true } : { status: 'done' };
    } catch (error) {
      settlement = this.afterFailure(job, error);
    }
    if (!(await queue.settle(job, settlement, clock.now()))) {
      logger.warn('job lease lost before it was settled', { jobId: job.id, kind: job.kind });
      return;
    }
    if (settlement.status === 'dead') {
      logger.error('job dead: no more retries', { jobId: job.id, kind: job.kind, attempts: job.attempts, lastError: settlement.error });
    } else if (settlement.status === 'pending' && settlement.error !== null) {
      logger.warn('job failed; will retry', { jobId: job.id, kind: job.kind, attempt: job.attempts, retryAt: new Date(settlement.dueAt).toISOString(), lastError: settlement.error });
    }
  }

  private afterFailure(job: Job, error: unknown): JobSettlement {
    const reason = describe(error);
    if (error instanceof JobFailure && error.permanent) return { status: 'dead', error: reason };
    const scheduled = (this.deps.retryDelayMs ?? ((n: number) => callbackRetryDelaySeconds(n) * 1000))(job.attempts);
    const delay = error instanceof JobFailure ? Math.max(scheduled, error.notBeforeMs) : scheduled;
    const dueAt = this.deps.clock.now() + delay;
    if (dueAt - job.createdAt > (this.deps.retryPeriodMs ?? DEFAULT_RETRY_PERIOD_MS)) return { status: 'dead', error: reason };
    return { status: 'pending', dueAt, error: reason };
  }
}

/** A failure as kept and logged: our own descriptions in full, anything else by name (a driver's text can hold a URI). */
function describe(error: unknown): string {
  if (error instanceof JobFailure) return error.message;
  if (error instanceof StoreUnavailableError) return error.name;
  return error instanceof Error ? error.name : typeof error;
}
