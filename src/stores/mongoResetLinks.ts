// Single-use reset links on MongoDB. Taking is decided by a unique-_id insert of a "taken" marker keyed by the
// token's hash — the one write atomic on FerretDB 1.x too (a filtered delete there is read-then-write, so two
// takers could both get the grant) — and only the marker's owner then reads and removes the grant.
import type { Collection, Db, IndexDescription } from 'mongodb';
import type { ResetLinkGrant, ResetLinkRepository } from '../ports/resetLinks';
import { DuplicateKeyError } from '../ports/storeErrors';
import { guarded, isDuplicateKeyError, requireString, requireTime, toStoreError } from './mongoStoreSupport';

export interface ResetLinkDocument extends ResetLinkGrant {
  /** The hex SHA-256 of the token. */
  _id: string;
  /** When the TTL index may delete it (the link's expiry); a Date, as TTL indexes require. */
  purgeAt: Date;
}

export interface ResetLinkTakenDocument {
  _id: string;
  at: number;
  purgeAt: Date;
}

export const RESET_LINK_COLLECTIONS = { links: 'resetLinks', taken: 'resetLinksTaken' } as const;

/** Clean-up only: expiry is enforced by `take` itself, so a server that refuses TTL indexes is still correct. */
export const RESET_LINK_INDEXES: Readonly<Record<string, readonly IndexDescription[]>> = {
  [RESET_LINK_COLLECTIONS.links]: [{ key: { purgeAt: 1 }, name: 'purgeAtExpiry', expireAfterSeconds: 0 }],
  [RESET_LINK_COLLECTIONS.taken]: [{ key: { purgeAt: 1 }, name: 'purgeAtExpiry', expireAfterSeconds: 0 }],
};

/** A marker outlives its link by this long, so a replay after the grant was removed still meets the marker. */
const TAKEN_MARKER_RETENTION_MS = 24 * 60 * 60 * 1000;

export class MongoResetLinks implements ResetLinkRepository {
  constructor(
    private readonly links: Collection<ResetLinkDocument>,
    private readonly taken: Collection<ResetLinkTakenDocument>,
  ) {}

  async issue(tokenHash: string, grant: ResetLinkGrant): Promise<void> {
    const _id = requireString(tokenHash, 'tokenHash');
    const expiresAt = requireTime(grant.expiresAt, 'expiresAt');
    const doc: ResetLinkDocument = {
      _id,
      userId: requireString(grant.userId, 'userId'),
      purpose: grant.purpose,
      proofs: [...grant.proofs],
      issuedVia: grant.issuedVia,
      issuedAt: requireTime(grant.issuedAt, 'issuedAt'),
      expiresAt,
      purgeAt: new Date(expiresAt),
    };
    try {
      await this.links.insertOne(doc);
    } catch (error) {
      if (isDuplicateKeyError(error)) throw new DuplicateKeyError('tokenHash');
      throw toStoreError(error);
    }
  }

  async take(tokenHash: string, now: number): Promise<ResetLinkGrant | null> {
    const _id = requireString(tokenHash, 'tokenHash');
    requireTime(now, 'now');
    try {
      await this.taken.insertOne({ _id, at: now, purgeAt: new Date(now + TAKEN_MARKER_RETENTION_MS) });
    } catch (error) {
      if (isDuplicateKeyError(error)) return null;
      throw toStoreError(error);
    }
    const doc = await guarded(() => this.links.findOne({ _id }));
    if (doc === null) {
      // Never issued (a guessed or mistyped token): a marker would only be clutter. Safe to remove, since a taken
      // link's grant is removed only by the marker's owner, after which the marker is kept.
      await guarded(() => this.taken.deleteOne({ _id }));
      return null;
    }
    await guarded(() => this.links.deleteOne({ _id }));
    const { _id: _hash, purgeAt: _purgeAt, ...grant } = doc;
    return grant.expiresAt > now ? grant : null;
  }
}

/** Creates the TTL clean-up indexes (idempotent); rejects when the server refuses them (FerretDB 1.x may). */
export async function ensureResetLinkIndexes(db: Db): Promise<void> {
  for (const [name, indexes] of Object.entries(RESET_LINK_INDEXES)) {
    for (const spec of indexes) await guarded(() => db.collection(name).createIndexes([spec]));
  }
}

/** The repository on `db`, without touching the server (start-up must survive an unreachable database). */
export function openMongoResetLinks(db: Db): MongoResetLinks {
  return new MongoResetLinks(db.collection<ResetLinkDocument>(RESET_LINK_COLLECTIONS.links), db.collection<ResetLinkTakenDocument>(RESET_LINK_COLLECTIONS.taken));
}
