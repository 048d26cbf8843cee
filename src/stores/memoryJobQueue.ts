// The in-memory job queue (embedded default and tests): jobs live in this process and are lost with it. Each
// method checks and writes synchronously, so a lease or settlement cannot interleave with another call.
import type { Job, JobQueue, JobSettlement, JobStatus, NewJob } from '../ports/jobQueue';
import { isLeasable, leasedBy, newJobRecord, settled, stillHeld } from '../jobs/jobRecords';

const clone = <T>(value: T): T => structuredClone(value);
const earliestDueFirst = (a: Job, b: Job): number => a.dueAt - b.dueAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export class MemoryJobQueue implements JobQueue {
  private readonly byId = new Map<string, Job>();

  async enqueue(job: NewJob, now: number): Promise<boolean> {
    if (this.byId.has(job.id)) return false;
    this.byId.set(job.id, clone(newJobRecord(job, now)));
    return true;
  }

  async get(id: string): Promise<Job | null> {
    const job = this.byId.get(id);
    return job ? clone(job) : null;
  }

  async findDue(now: number, limit: number): Promise<Job[]> {
    return [...this.byId.values()].filter((j) => isLeasable(j, now)).sort(earliestDueFirst).slice(0, limit).map(clone);
  }

  async lease(id: string, owner: string, now: number, leaseMs: number): Promise<Job | null> {
    const job = this.byId.get(id);
    if (!job || !isLeasable(job, now)) return null;
    const saved = { ...leasedBy(job, owner, now, leaseMs), version: job.version + 1 };
    this.byId.set(id, clone(saved));
    return clone(saved);
  }

  async settle(leased: Job, settlement: JobSettlement, now: number): Promise<boolean> {
    const current = this.byId.get(leased.id) ?? null;
    if (!stillHeld(current, leased)) return false;
    this.byId.set(leased.id, clone({ ...settled(current, settlement, now), version: current.version + 1 }));
    return true;
  }

  async listByStatus(status: JobStatus, limit: number): Promise<Job[]> {
    return [...this.byId.values()].filter((j) => j.status === status).sort(earliestDueFirst).slice(0, limit).map(clone);
  }
}
