// The append-only audit log on MongoDB, read newest first per person.
import { ObjectId, type Collection, type IndexDescription } from 'mongodb';
import type { AuditDraft } from '../domain/effects';
import type { AuditEntry, AuditLog } from '../ports/repositories';
import { guarded, requireCount, requireString, requireTime } from './mongoStoreSupport';

export type AuditDocument = Omit<AuditEntry, 'id'> & { readonly _id: string };

const fromAuditDocument = ({ _id, ...rest }: AuditDocument): AuditEntry => ({ id: _id, ...rest });

// Audit ids are ObjectId hex strings, which grow with each append in a process: ties on `at` keep append order.
const NEWEST_AUDIT_FIRST = { at: -1, _id: -1 } as const;

export const AUDIT_INDEXES: IndexDescription[] = [{ key: { userId: 1, at: -1 }, name: 'byUserNewestFirst' }];

export class MongoAuditLog implements AuditLog {
  constructor(private readonly entries: Collection<AuditDocument>) {}

  async append(entry: AuditDraft, now: number): Promise<AuditEntry> {
    requireString(entry.userId, 'userId');
    const stored: AuditEntry = { ...structuredClone(entry), id: new ObjectId().toHexString(), at: requireTime(now, 'now') };
    const { id, ...rest } = stored;
    await guarded(() => this.entries.insertOne({ _id: id, ...rest }));
    return stored;
  }

  async listForUser(userId: string, limit: number): Promise<AuditEntry[]> {
    const filter = { userId: requireString(userId, 'userId') };
    if (requireCount(limit, 'limit') === 0) return [];
    const docs = await guarded(() => this.entries.find(filter).sort(NEWEST_AUDIT_FIRST).limit(limit).toArray());
    return docs.map(fromAuditDocument);
  }
}
