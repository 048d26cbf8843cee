// `npm run jobs -- dead | pending | leased | done [LIMIT]`: a read-only listing of the durable job queue for
// operators, one job per line (id, kind, attempts, due time, last error). Payloads hold no secrets.
import type { JobQueue, JobStatus } from '../src/ports/jobQueue';

export interface JobsCommandDeps {
  readonly queue: Pick<JobQueue, 'listByStatus'>;
  readonly out: (line: string) => void;
}

const STATUSES: readonly JobStatus[] = ['dead', 'pending', 'leased', 'done'];
const USAGE = 'usage: npm run jobs -- dead | pending | leased | done [LIMIT (1-1000, default 50)]';

/** Runs one listing; returns the process exit code. */
export async function runJobsCommand(args: readonly string[], deps: JobsCommandDeps): Promise<number> {
  const [status, limitText] = args;
  const limit = limitText === undefined ? 50 : Number(limitText);
  if (!STATUSES.includes(status as JobStatus) || !Number.isInteger(limit) || limit < 1 || limit > 1000) {
    deps.out(USAGE);
    return 2;
  }
  const jobs = await deps.queue.listByStatus(status as JobStatus, limit);
  if (jobs.length === 0) deps.out(`No ${status} jobs.`);
  for (const job of jobs) {
    deps.out(`${job.id}\t${job.kind}\tattempts=${job.attempts}\tdue=${new Date(job.dueAt).toISOString()}\tupdated=${new Date(job.updatedAt).toISOString()}\t${job.lastError ?? ''}`.trimEnd());
  }
  return 0;
}
