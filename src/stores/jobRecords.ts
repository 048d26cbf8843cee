// The pure steps of a job's life (create, lease, settle) that both job-queue adapters write with their own
// atomic compare-and-set, so the memory and MongoDB adapters cannot drift apart.
import type { Job, JobSettlement, NewJob } from '../ports/jobQueue';

/** A new job's first stored form. */
export function newJobRecord(job: NewJob, now: number): Job {
  return { ...job, status: 'pending', attempts: 0, leaseOwner: null, leaseExpiresAt: null, lastError: null, createdAt: now, updatedAt: now, version: 1 };
}

/** A job may be leased when due, or when its holder's lease has lapsed. */
export function isLeasable(job: Job, now: number): boolean {
  if (job.status === 'pending') return job.dueAt <= now;
  return job.status === 'leased' && job.leaseExpiresAt !== null && job.leaseExpiresAt <= now;
}

/** The job as `owner` holds it (version unchanged: the adapter bumps it when it saves). */
export function leasedBy(job: Job, owner: string, now: number, leaseMs: number): Job {
  return { ...job, status: 'leased', attempts: job.attempts + 1, leaseOwner: owner, leaseExpiresAt: now + leaseMs, updatedAt: now };
}

/** True when `current` is still exactly the lease `leased` (same holder, nothing written since). */
export function stillHeld(current: Job | null, leased: Job): current is Job {
  return current !== null && current.version === leased.version && current.status === 'leased' && current.leaseOwner === leased.leaseOwner;
}

/** The job after its holder's settlement (version unchanged: the adapter bumps it when it saves). */
export function settled(job: Job, settlement: JobSettlement, now: number): Job {
  const base = { ...job, leaseOwner: null, leaseExpiresAt: null, updatedAt: now };
  switch (settlement.status) {
    case 'done':
      return { ...base, status: 'done' };
    case 'dead':
      return { ...base, status: 'dead', lastError: settlement.error };
    case 'pending':
      return { ...base, status: 'pending', dueAt: settlement.dueAt, lastError: settlement.error, attempts: settlement.resetAttempts === true ? 0 : job.attempts };
  }
}
