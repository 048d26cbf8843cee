// The in-memory job queue (embedded default and tests): jobs live in this process and are lost with it. Each
// method checks and writes synchronously, so a lease or settlement cannot interleave with another call.
import type { Job, JobQueue, JobSettlement, JobStatus, NewJob } from '../ports/jobQueue';
import { MultiIndex, RankedIds } from './memoryIndexes';
import { isLeasable, leasedBy, newJobRecord, settled, stillHeld } from './jobRecords';

const clone = <T>(value: T): T => structuredClone(value);
const earliestDueFirst = (a: Job, b: Job): number => a.dueAt - b.dueAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export class MemoryJobQueue implements JobQueue {
  private readonly byId = new Map<string, Job>();
  // Look-up maps, kept in step with byId on every write: pending jobs by due time, leased ones by lease expiry
  // (the two ways a job becomes leasable), and every job by status.
  private readonly pendingByDue = new RankedIds();
  private readonly leasedByExpiry = new RankedIds();
  private readonly byStatus = new MultiIndex();

  async enqueue(job: NewJob, now: number): Promise<boolean> {
    if (this.byId.has(job.id)) return false;
    this.store(newJobRecord(job, now));
    return true;
  }

  async get(id: string): Promise<Job | null> {
    const job = this.byId.get(id);
    return job ? clone(job) : null;
  }

  async findDue(now: number, limit: number): Promise<Job[]> {
    const leasable = (id: string): boolean => {
      const job = this.byId.get(id);
      return job !== undefined && isLeasable(job, now);
    };
    const ids = [...this.pendingByDue.firstUpTo(now, limit, leasable), ...this.leasedByExpiry.firstUpTo(now, limit, leasable)];
    return this.jobsIn(ids).sort(earliestDueFirst).slice(0, limit).map(clone);
  }

  async lease(id: string, owner: string, now: number, leaseMs: number): Promise<Job | null> {
    const job = this.byId.get(id);
    if (!job || !isLeasable(job, now)) return null;
    const saved = { ...leasedBy(job, owner, now, leaseMs), version: job.version + 1 };
    this.replaceStored(job, saved);
    return clone(saved);
  }

  async settle(leased: Job, settlement: JobSettlement, now: number): Promise<boolean> {
    const current = this.byId.get(leased.id) ?? null;
    if (!stillHeld(current, leased)) return false;
    this.replaceStored(current, { ...settled(current, settlement, now), version: current.version + 1 });
    return true;
  }

  async listByStatus(status: JobStatus, limit: number): Promise<Job[]> {
    return this.jobsIn(this.byStatus.get(status)).sort(earliestDueFirst).slice(0, limit).map(clone);
  }

  private jobsIn(ids: Iterable<string>): Job[] {
    return [...ids].flatMap((id) => {
      const job = this.byId.get(id);
      return job ? [job] : [];
    });
  }

  private replaceStored(old: Job, next: Job): void {
    this.byStatus.remove(old.status, old.id);
    if (old.status === 'pending') this.pendingByDue.remove(old.dueAt, old.id);
    if (old.status === 'leased' && old.leaseExpiresAt !== null) this.leasedByExpiry.remove(old.leaseExpiresAt, old.id);
    this.store(next);
  }

  private store(job: Job): void {
    const copy = clone(job);
    this.byId.set(copy.id, copy);
    this.byStatus.add(copy.status, copy.id);
    if (copy.status === 'pending') this.pendingByDue.add(copy.dueAt, copy.id);
    if (copy.status === 'leased' && copy.leaseExpiresAt !== null) this.leasedByExpiry.add(copy.leaseExpiresAt, copy.id);
  }
}
