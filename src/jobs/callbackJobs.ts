// Outcome callbacks as durable jobs. The job is stored before the ending transition is saved (the service's
// beforeEnd hook), so no crash can leave an ended challenge without one; the handler re-reads the challenge and
// sends what is stored, so a job whose save then lost its race, or never landed, sends the true outcome.
import type { JobQueue, NewJob } from '../ports/jobQueue';
import type { Clock } from '../ports/clock';
import type { OutcomeCallbacks } from '../ports/outcomeCallbacks';
import type { ChallengeRepository } from '../ports/repositories';
import type { Challenge } from '../domain/challenge';
import { JobFailure, type JobHandler } from './jobWorker';

export const CALLBACK_JOB = 'callback';

/** One callback job per challenge, however often or concurrently it is enqueued. */
export const callbackJobId = (challengeId: string): string => `callback:${challengeId}`;

/** The job for a challenge whose relying system asked for a callback; null when it did not. */
export function callbackJob(challenge: Challenge, now: number): NewJob | null {
  if (!challenge.callbackUrl || !challenge.clientId) return null;
  return { id: callbackJobId(challenge.id), kind: CALLBACK_JOB, payload: { challengeId: challenge.id }, dueAt: now };
}

export async function enqueueCallback(queue: JobQueue, challenge: Challenge, now: number): Promise<void> {
  const job = callbackJob(challenge, now);
  if (job) await queue.enqueue(job, now);
}

export interface CallbackHandlerDeps {
  readonly challenges: Pick<ChallengeRepository, 'get'>;
  /** Ends a pending challenge past its expiry through the verification service (its normal path). */
  readonly expire: (challengeId: string) => Promise<Challenge>;
  readonly dispatcher: OutcomeCallbacks;
  readonly clock: Clock;
  /** How soon to look again at a challenge still pending (its ending save lost a race or never landed). */
  readonly recheckMs?: number;
}

const DEFAULT_RECHECK_MS = 2000;

export function callbackHandler(deps: CallbackHandlerDeps): JobHandler {
  return async (job) => {
    const challengeId = job.payload['challengeId'];
    if (typeof challengeId !== 'string') throw new JobFailure('callback job without a challenge id', true);
    let challenge = await deps.challenges.get(challengeId);
    if (!challenge) throw new JobFailure('challenge no longer exists', true);
    if (challenge.status === 'pending') {
      const now = deps.clock.now();
      if (now < challenge.expiresAt) return { again: Math.min(challenge.expiresAt, now + (deps.recheckMs ?? DEFAULT_RECHECK_MS)) };
      challenge = await deps.expire(challengeId);
      if (challenge.status === 'pending') return { again: now + (deps.recheckMs ?? DEFAULT_RECHECK_MS) };
    }
    if (!challenge.callbackUrl || !challenge.clientId) return;
    const { status, delivered } = await deps.dispatcher.send(challenge, job.attempts);
    if (!delivered) throw new JobFailure(status === 'error' ? 'no answer from the callback URL' : `callback URL answered HTTP ${status}`);
  };
}
