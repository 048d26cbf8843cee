// Expires challenges nobody is polling: one recurring job (`sweep:expiry`) that whichever instance holds its lease
// runs every interval, ending each pending challenge past its expiresAt through the verification service, so the
// normal path stores its callback job. Every instance enqueues the job at start; the unique id keeps it one.
import type { JobQueue } from '../ports/jobQueue';
import type { Clock } from '../ports/clock';
import type { ChallengeRepository } from '../ports/repositories';
import type { JobHandler, JobWorkerLogger } from './jobWorker';

export const EXPIRY_SWEEP_JOB = 'expirySweep';
export const EXPIRY_SWEEP_JOB_ID = 'sweep:expiry';

export async function scheduleExpirySweep(queue: JobQueue, now: number): Promise<void> {
  await queue.enqueue({ id: EXPIRY_SWEEP_JOB_ID, kind: EXPIRY_SWEEP_JOB, payload: {}, dueAt: now }, now);
}

export interface ExpirySweepDeps {
  readonly challenges: Pick<ChallengeRepository, 'findExpiredPending'>;
  /** Applies the expiry through the verification service (checkExpiry), which ends the challenge. */
  readonly expire: (challengeId: string) => Promise<unknown>;
  readonly clock: Clock;
  readonly intervalMs: number;
  readonly logger: Pick<JobWorkerLogger, 'warn'>;
  readonly batchSize?: number;
}

const DEFAULT_BATCH = 100;

export function expirySweepHandler(deps: ExpirySweepDeps): JobHandler {
  const batch = deps.batchSize ?? DEFAULT_BATCH;
  return async () => {
    let expired: readonly { id: string }[] = [];
    try {
      expired = await deps.challenges.findExpiredPending(deps.clock.now(), batch);
      for (const challenge of expired) {
        // One challenge that cannot be saved now must not hold up the others; the next sweep tries it again.
        await deps.expire(challenge.id).catch((error: unknown) => deps.logger.warn('expiry sweep could not expire a challenge', { challengeId: challenge.id, error: error instanceof Error ? error.name : typeof error }));
      }
    } catch (error) {
      // Never a failure: a retry back-off (or death) would stop the sweeping; the next interval tries again.
      deps.logger.warn('expiry sweep failed', { error: error instanceof Error ? error.name : typeof error });
    }
    // A full batch means more are waiting: sweep again at once.
    return { again: deps.clock.now() + (expired.length >= batch ? 0 : deps.intervalMs) };
  };
}
