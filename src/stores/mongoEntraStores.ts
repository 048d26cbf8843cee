// MongoDB adapters for the Entra provider's storage contracts. Replays and "answered once" are decided by unique
// inserts (atomic on every compatible server); sign-in changes go through the shared compare-and-set.
import type { Collection, Db, IndexDescription } from 'mongodb';
import type { EntraSignIn } from '../domain/entraSignIn';
import type { SigningKey } from '../domain/signingKey';
import { DuplicateKeyError } from '../ports/storeErrors';
import type { EntraSignInRepository, EntraStores, SigningKeyRepository } from '../ports/entraRepositories';
import { guarded, isDuplicateKeyError, requireString, toStoreError } from './mongoStoreSupport';
import { compareAndSet, type ClaimDocument } from './mongoVersionClaims';

type KeyDoc = Omit<SigningKey, 'kid'> & { _id: string };
type SignInDoc = Omit<EntraSignIn, 'id'> & { _id: string };
interface MarkerDoc { _id: string; at: number }

export const ENTRA_COLLECTIONS = { keys: 'entraSigningKeys', signIns: 'entraSignIns', markers: 'entraMarkers' } as const;
/** Replays collide on the hint's hash; keys are listed by age (a handful of documents). */
export const ENTRA_INDEXES: Readonly<Record<string, readonly IndexDescription[]>> = {
  [ENTRA_COLLECTIONS.signIns]: [{ key: { requestKey: 1 }, name: 'requestKey_unique', unique: true }],
  [ENTRA_COLLECTIONS.keys]: [{ key: { createdAt: 1 }, name: 'createdAt' }],
};

async function insert<T extends { _id: string }>(collection: Collection<T>, doc: T, key: () => string): Promise<void> {
  try {
    await collection.insertOne(doc as Parameters<Collection<T>['insertOne']>[0]);
  } catch (error) {
    if (isDuplicateKeyError(error)) throw new DuplicateKeyError(key());
    throw toStoreError(error);
  }
}

class MongoSigningKeys implements SigningKeyRepository {
  constructor(private readonly keys: Collection<KeyDoc>) {}
  async list(since: number): Promise<SigningKey[]> {
    const docs = await guarded(() => this.keys.find({}).sort({ createdAt: 1 }).toArray());
    return docs.map(({ _id, ...rest }) => ({ kid: _id, ...rest })).filter((k) => k.retireAt === null || k.retireAt >= since);
  }
  async add(key: SigningKey): Promise<void> {
    const { kid, ...rest } = key;
    await insert(this.keys, { _id: requireString(kid, 'kid'), ...rest }, () => 'kid');
  }
  async retire(kid: string, at: number): Promise<boolean> {
    const result = await guarded(() => this.keys.updateOne({ _id: requireString(kid, 'kid') }, { $set: { retireAt: at } }));
    return result.matchedCount === 1;
  }
}

class MongoEntraSignIns implements EntraSignInRepository {
  constructor(private readonly signIns: Collection<SignInDoc>, private readonly markers: Collection<MarkerDoc>, private readonly claims: Collection<ClaimDocument>) {}
  async create(signIn: EntraSignIn): Promise<void> {
    const { id, ...rest } = signIn;
    try {
      await insert(this.signIns, { _id: requireString(id, 'id'), ...rest }, () => 'requestKey');
    } catch (error) {
      // Servers word the collision differently (FerretDB names no index): an existing id tells the two apart.
      if (error instanceof DuplicateKeyError && (await this.get(id)) !== null) throw new DuplicateKeyError('id');
      throw error;
    }
  }
  async get(id: string): Promise<EntraSignIn | null> {
    const doc = await guarded(() => this.signIns.findOne({ _id: requireString(id, 'id') }));
    if (!doc) return null;
    const { _id, ...rest } = doc;
    return { id: _id, ...rest };
  }
  async replace(signIn: EntraSignIn): Promise<boolean> {
    const { id, ...replacement } = signIn;
    const result = await guarded(() => compareAndSet({ target: this.signIns, claims: this.claims, scope: 'entraSignIn', id: requireString(id, 'id'), expectedVersion: signIn.version - 1, replacement }));
    return result === 'saved';
  }
  async markAnswered(id: string, at: number): Promise<boolean> {
    try {
      await this.markers.insertOne({ _id: `answered:${requireString(id, 'id')}`, at });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw toStoreError(error);
    }
  }
}

/** Creates the Entra collections' indexes (idempotent). */
export async function ensureEntraIndexes(db: Db): Promise<void> {
  for (const [name, indexes] of Object.entries(ENTRA_INDEXES)) {
    await guarded(() => db.collection(name).createIndexes([...indexes]));
  }
}

/** The Entra repositories on `db`, without touching the server (start-up must survive an unreachable database). */
export function openMongoEntraStores(db: Db): EntraStores {
  return {
    signingKeys: new MongoSigningKeys(db.collection<KeyDoc>(ENTRA_COLLECTIONS.keys)),
    signIns: new MongoEntraSignIns(db.collection<SignInDoc>(ENTRA_COLLECTIONS.signIns), db.collection<MarkerDoc>(ENTRA_COLLECTIONS.markers), db.collection<ClaimDocument>('versionClaims')),
  };
}

/** Indexes first, then the repositories: for commands and tests that need both at once. */
export async function createMongoEntraStores(db: Db): Promise<EntraStores> {
  await ensureEntraIndexes(db);
  return openMongoEntraStores(db);
}
