// MongoDB adapter of the reset sessions: changes through the shared compare-and-set (version claims on FerretDB),
// "used once" by a unique insert (atomic on every compatible server). Looked up by _id only: no other index.
import type { Collection, Db } from 'mongodb';
import type { ResetSession, ResetSessionRepository } from '../ports/resetSessions';
import { DuplicateKeyError } from '../ports/storeErrors';
import { guarded, isDuplicateKeyError, requireString, toStoreError } from './mongoStoreSupport';
import { compareAndSet, type ClaimDocument } from './mongoVersionClaims';

type SessionDoc = Omit<ResetSession, 'id'> & { _id: string };
interface MarkerDoc { _id: string; at: number }

export const RESET_COLLECTIONS = { sessions: 'resetSessions', markers: 'resetMarkers' } as const;

class MongoResetSessions implements ResetSessionRepository {
  constructor(private readonly sessions: Collection<SessionDoc>, private readonly markers: Collection<MarkerDoc>, private readonly claims: Collection<ClaimDocument>) {}

  async create(session: ResetSession): Promise<void> {
    const { id, ...rest } = session;
    try {
      await this.sessions.insertOne({ _id: requireString(id, 'id'), ...rest } as SessionDoc);
    } catch (error) {
      if (isDuplicateKeyError(error)) throw new DuplicateKeyError('id');
      throw toStoreError(error);
    }
  }

  async get(id: string): Promise<ResetSession | null> {
    const doc = await guarded(() => this.sessions.findOne({ _id: requireString(id, 'id') }));
    if (!doc) return null;
    const { _id, ...rest } = doc;
    return { id: _id, ...rest };
  }

  async replace(session: ResetSession): Promise<boolean> {
    const { id, ...replacement } = session;
    const result = await guarded(() => compareAndSet({ target: this.sessions, claims: this.claims, scope: 'resetSession', id: requireString(id, 'id'), expectedVersion: session.version - 1, replacement }));
    return result === 'saved';
  }

  async markUsed(id: string, at: number): Promise<boolean> {
    try {
      await this.markers.insertOne({ _id: `used:${requireString(id, 'id')}`, at });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw toStoreError(error);
    }
  }
}

/** The reset sessions on `db`, without touching the server. */
export function openMongoResetSessions(db: Db): ResetSessionRepository {
  return new MongoResetSessions(db.collection<SessionDoc>(RESET_COLLECTIONS.sessions), db.collection<MarkerDoc>(RESET_COLLECTIONS.markers), db.collection<ClaimDocument>('versionClaims'));
}
