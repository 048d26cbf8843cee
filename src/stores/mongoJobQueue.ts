// The MongoDB job queue: one document per job, `_id` the caller's id. Enqueue is a unique-key insert; a lease
// and a settlement are compare-and-set on `version` through version claims (mongoVersionClaims), because a
// filtered update is not atomic on every compatible server (FerretDB 1.x): two workers never both hold a job.
import type { Collection, Db, IndexDescription } from 'mongodb';
import type { Job, JobQueue, JobSettlement, JobStatus, NewJob } from '../ports/jobQueue';
import { isLeasable, leasedBy, newJobRecord, settled, stillHeld } from './jobRecords';
import { guarded, isDuplicateKeyError, requireString, toStoreError } from './mongoStoreSupport';
import { COLLECTION_NAMES } from './mongoStores';
import { compareAndSet, type ClaimDocument } from './mongoVersionClaims';

type JobDocument = Omit<Job, 'id'> & { _id: string };

export const JOBS_COLLECTION = 'jobs';

export const JOB_INDEXES: IndexDescription[] = [
  { key: { status: 1, dueAt: 1 }, name: 'dueByStatus' },
  { key: { status: 1, leaseExpiresAt: 1 }, name: 'lapsedLeases' },
];

const EARLIEST_DUE_FIRST = { dueAt: 1, _id: 1 } as const;

const fromDocument = ({ _id, ...rest }: JobDocument): Job => ({ id: _id, ...rest });

function requireTime(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new TypeError(`${name} must be a finite number`);
  return value;
}

function requireLimit(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new TypeError('limit must be a non-negative integer');
  return value;
}

export interface MongoJobQueue extends JobQueue {
  /** Creates the indexes findDue and listByStatus use. Idempotent. */
  ensureIndexes(): Promise<void>;
}

class MongoJobs implements MongoJobQueue {
  constructor(
    private readonly jobs: Collection<JobDocument>,
    private readonly claims: Collection<ClaimDocument>,
  ) {}

  async ensureIndexes(): Promise<void> {
    // One index per command, as mongoStores does (FerretDB 1.24 fails on a repeated multi-index command).
    await guarded(async () => {
      for (const spec of JOB_INDEXES) await this.jobs.createIndexes([spec]);
    });
  }

  async enqueue(job: NewJob, now: number): Promise<boolean> {
    const { id, ...rest } = newJobRecord({ ...job, id: requireString(job.id, 'id'), kind: requireString(job.kind, 'kind') }, requireTime(now, 'now'));
    try {
      await this.jobs.insertOne({ _id: id, ...structuredClone(rest) });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw toStoreError(error);
    }
  }

  async get(id: string): Promise<Job | null> {
    const doc = await guarded(() => this.jobs.findOne({ _id: requireString(id, 'id') }));
    return doc ? fromDocument(doc) : null;
  }

  async findDue(now: number, limit: number): Promise<Job[]> {
    const at = requireTime(now, 'now');
    if (requireLimit(limit) === 0) return [];
    const filter = { $or: [{ status: 'pending' as const, dueAt: { $lte: at } }, { status: 'leased' as const, leaseExpiresAt: { $lte: at } }] };
    const docs = await guarded(() => this.jobs.find(filter).sort(EARLIEST_DUE_FIRST).limit(limit).toArray());
    return docs.map(fromDocument);
  }

  async lease(id: string, owner: string, now: number, leaseMs: number): Promise<Job | null> {
    const current = await this.get(id);
    if (!current || !isLeasable(current, requireTime(now, 'now'))) return null;
    const saved = { ...leasedBy(current, requireString(owner, 'owner'), now, requireTime(leaseMs, 'leaseMs')), version: current.version + 1 };
    return (await this.replace(current.version, saved)) ? saved : null;
  }

  async settle(leased: Job, settlement: JobSettlement, now: number): Promise<boolean> {
    const current = await this.get(leased.id);
    if (!stillHeld(current, leased)) return false;
    return this.replace(current.version, { ...settled(current, settlement, requireTime(now, 'now')), version: current.version + 1 });
  }

  async listByStatus(status: JobStatus, limit: number): Promise<Job[]> {
    if (requireLimit(limit) === 0) return [];
    const docs = await guarded(() => this.jobs.find({ status: requireString(status, 'status') as JobStatus }).sort(EARLIEST_DUE_FIRST).limit(limit).toArray());
    return docs.map(fromDocument);
  }

  private async replace(expectedVersion: number, job: Job): Promise<boolean> {
    const { id, ...replacement } = structuredClone(job);
    const result = await guarded(() => compareAndSet({ target: this.jobs, claims: this.claims, scope: JOBS_COLLECTION, id, expectedVersion, replacement }));
    return result === 'saved';
  }
}

export function createMongoJobQueue(db: Db): MongoJobQueue {
  return new MongoJobs(db.collection<JobDocument>(JOBS_COLLECTION), db.collection<ClaimDocument>(COLLECTION_NAMES.versionClaims));
}
