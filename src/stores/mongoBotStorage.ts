// botbuilder conversation/user state on a MongoDB collection, with MemoryStorage's eTag rules. Each item is kept
// as JSON text under its key as `_id`: dialog state holds field names MongoDB refuses or mangles ('$x', 'a.b').
// Where the server makes a filtered write atomic (MongoDB) a conditional write is one command filtered on the eTag;
// elsewhere (FerretDB 1.x) it reads the item and goes through version claims.
import { randomUUID } from 'node:crypto';
import type { Storage, StoreItems } from 'botbuilder';
import type { Collection, Db } from 'mongodb';
import { guarded, isDuplicateKeyError, requireString, toStoreError } from './mongoStoreSupport';
import { COLLECTION_NAMES } from './mongoStores';
import { compareAndSet, compareAndSetStrategyFor, type ClaimDocument } from './mongoVersionClaims';

export interface BotStateDocument {
  readonly _id: string;
  readonly eTag: string;
  /** Compare-and-set counter behind the eTag. */
  readonly version: number;
  /** The item without its eTag, as JSON. */
  readonly item: string;
}

export const DEFAULT_BOT_STATE_COLLECTION = 'botState';

// An unconditional write that keeps losing races gives up after this many tries.
const OVERWRITE_ATTEMPTS = 10;

const conflict = (key: string): Error => new Error(`Storage: error writing "${key}" due to eTag conflict.`);

export class MongoBotStorage implements Storage {
  constructor(
    private readonly collection: Collection<BotStateDocument>,
    private readonly claims: Collection<ClaimDocument> = collection.db.collection<ClaimDocument>(COLLECTION_NAMES.versionClaims),
  ) {}

  async read(keys: string[]): Promise<StoreItems> {
    if (!keys) throw new ReferenceError('Keys are required when reading.');
    const ids = keys.map((key) => requireString(key, 'key'));
    if (ids.length === 0) return {};
    const docs = await guarded(() => this.collection.find({ _id: { $in: ids } }).toArray());
    // fromEntries defines own properties, so even a key like "__proto__" cannot reach the prototype.
    return Object.fromEntries(docs.map((doc) => [doc._id, { ...parseItem(doc.item), eTag: doc.eTag }]));
  }

  async write(changes: StoreItems): Promise<void> {
    if (!changes) throw new ReferenceError('Changes are required when writing.');
    // Like MemoryStorage, one conflicting item does not stop the others from being written.
    const results = await Promise.allSettled(Object.entries(changes).map(([key, item]) => this.writeItem(key, item)));
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) throw failure.reason;
  }

  async delete(keys: string[]): Promise<void> {
    if (!keys) throw new ReferenceError('Keys are required when deleting.');
    const ids = keys.map((key) => requireString(key, 'key'));
    if (ids.length === 0) return;
    await guarded(() => this.collection.deleteMany({ _id: { $in: ids } }));
  }

  private async writeItem(key: string, value: unknown): Promise<void> {
    if (typeof value !== 'object' || value === null) throw new TypeError(`Storage: item "${key}" must be an object`);
    const { eTag, ...item } = value as Record<string, unknown>;
    const next = { eTag: randomUUID(), item: JSON.stringify(item) };
    if (!eTag || eTag === '*') return this.overwrite(key, next);
    // A non-string eTag (e.g. { $ne: '' }) would otherwise act as an operator and match any stored eTag.
    const expected = requireString(eTag, 'eTag');
    if ((await guarded(() => compareAndSetStrategyFor(this.collection.db))) === 'conditional') return this.replaceIfETag(key, expected, next);
    const stored = await guarded(() => this.collection.findOne({ _id: key }));
    // Absent: MemoryStorage writes it; if another writer inserts first, that is a conflict.
    if (!stored) {
      await this.insert(key, next, () => conflict(key));
      return;
    }
    if (stored.eTag !== expected) throw conflict(key);
    if ((await this.replace(stored, next)) === 'conflict') throw conflict(key);
  }

  /** One command on the happy path: the eTag in the filter makes the check and the write one atomic step. */
  private async replaceIfETag(key: string, expected: string, next: Pick<BotStateDocument, 'eTag' | 'item'>): Promise<void> {
    const { matchedCount } = await guarded(() => this.collection.updateOne({ _id: key, eTag: expected }, { $set: next, $inc: { version: 1 } }));
    if (matchedCount === 1) return;
    // Absent: MemoryStorage writes it; present with another eTag (or inserted meanwhile), a conflict.
    await this.insert(key, next, () => conflict(key));
  }

  private async overwrite(key: string, next: Pick<BotStateDocument, 'eTag' | 'item'>): Promise<void> {
    if ((await guarded(() => compareAndSetStrategyFor(this.collection.db))) === 'conditional') {
      // Last writer wins; two first writes at once make one upsert meet the unique _id, which the loop retries.
      try {
        await this.collection.updateOne({ _id: key }, { $set: next, $inc: { version: 1 } }, { upsert: true });
        return;
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw toStoreError(error);
      }
    }
    for (let attempt = 1; attempt <= OVERWRITE_ATTEMPTS; attempt++) {
      const stored = await guarded(() => this.collection.findOne({ _id: key }));
      if (!stored) {
        if (await this.insert(key, next, () => null)) return;
      } else if ((await this.replace(stored, next)) === 'saved') {
        return;
      }
    }
    throw conflict(key);
  }

  /** Inserts at version 1; on a duplicate key returns false, or throws what `onDuplicate` gives. */
  private async insert(key: string, next: Pick<BotStateDocument, 'eTag' | 'item'>, onDuplicate: () => Error | null): Promise<boolean> {
    try {
      await this.collection.insertOne({ _id: key, version: 1, ...next });
      return true;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw toStoreError(error);
      const problem = onDuplicate();
      if (problem) throw problem;
      return false;
    }
  }

  private async replace(stored: BotStateDocument, next: Pick<BotStateDocument, 'eTag' | 'item'>): Promise<'saved' | 'conflict'> {
    const version = typeof stored.version === 'number' ? stored.version : 0;
    return guarded(() =>
      compareAndSet({ target: this.collection, claims: this.claims, scope: this.collection.collectionName, id: stored._id, expectedVersion: version, replacement: { ...next, version: version + 1 } }),
    );
  }
}

function parseItem(json: string): Record<string, unknown> {
  const parsed: unknown = JSON.parse(json);
  return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
}

/** Bot state on the stores' database (share the client: `createMongoBotStorage(stores.db)`). */
export function createMongoBotStorage(db: Db, collectionName: string = DEFAULT_BOT_STATE_COLLECTION): MongoBotStorage {
  return new MongoBotStorage(db.collection<BotStateDocument>(collectionName));
}
