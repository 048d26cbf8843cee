// The durable job queue (outbox): work that must survive a crash — outcome callbacks, help-desk reports, the
// expiry sweep — is stored as a job first and carried out by whichever instance leases it. Memory and MongoDB
// adapters; test/stores/jobQueue.test.ts is the contract suite run against both.

export type JobStatus = 'pending' | 'leased' | 'done' | 'dead';

/** JSON-safe data a handler needs. Never a secret (codes, keys, signatures): jobs are listed to operators. */
export type JobPayload = Readonly<Record<string, string | number | boolean | null>>;

export interface Job {
  /** Given by the caller and meaningful (e.g. `callback:<challengeId>`): the same work is one job. */
  readonly id: string;
  readonly kind: string;
  readonly payload: JobPayload;
  readonly status: JobStatus;
  /** Not to be run before this (epoch ms); a retry moves it on. */
  readonly dueAt: number;
  /** Leases taken so far (an attempt that crashed counts too). */
  readonly attempts: number;
  readonly leaseOwner: string | null;
  /** While leased: when the lease lapses and another worker may take the job over. */
  readonly leaseExpiresAt: number | null;
  /** The last failure's short description (no secrets, no response bodies), or null. */
  readonly lastError: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly version: number;
}

export interface NewJob {
  readonly id: string;
  readonly kind: string;
  readonly payload: JobPayload;
  readonly dueAt: number;
}

/** What the lease holder decided: finished, try again at dueAt, or give up (dead, kept for operators). */
export type JobSettlement =
  | { readonly status: 'done' }
  | { readonly status: 'pending'; readonly dueAt: number; readonly error: string | null; readonly resetAttempts?: boolean }
  | { readonly status: 'dead'; readonly error: string };

export interface JobQueue {
  /**
   * Stores a pending job unless a job with this id exists (whatever its status). True when this call created it;
   * of any number of concurrent or retried calls with one id exactly one creates it (a unique-key insert).
   */
  enqueue(job: NewJob, now: number): Promise<boolean>;
  get(id: string): Promise<Job | null>;
  /**
   * Jobs a worker may lease at `now`: pending with dueAt <= now, and leased ones whose lease has lapsed
   * (their worker crashed or stalled). Earliest due first, at most `limit`.
   */
  findDue(now: number, limit: number): Promise<Job[]>;
  /**
   * Takes the lease on a job that is due at `now` for `owner` until now + leaseMs, counting one attempt. Atomic:
   * of any number of concurrent callers (in any number of processes) at most one gets the job; the others and a
   * job that is not due get null.
   */
  lease(id: string, owner: string, now: number, leaseMs: number): Promise<Job | null>;
  /**
   * Ends the lease `leased` (as lease returned it) with a settlement. False, and nothing written, when the lease
   * was lost meanwhile (it lapsed and another worker took the job): the newer holder decides.
   */
  settle(leased: Job, settlement: JobSettlement, now: number): Promise<boolean>;
  /** Jobs with this status, earliest due first, at most `limit` (for operators: e.g. the dead ones). */
  listByStatus(status: JobStatus, limit: number): Promise<Job[]>;
}
