// MongoDB adapters for the verification storage contracts. "Exactly one caller wins" (a pass used once, a
// revocation reported once) is decided by inserting a unique marker, the one write every compatible server
// makes atomic; the documents themselves are then updated plainly.
import type { Collection, Db } from 'mongodb';
import type { ApiClient } from '../domain/apiClient';
import type { TemporaryAccessPass } from '../domain/temporaryAccessPass';
import { DuplicateKeyError } from '../ports/storeErrors';
import { guarded, isDuplicateKeyError, putDocument, requireString, toStoreError } from './mongoStoreSupport';
import type { ApiClientRepository, TemporaryPassRepository, VerificationStores, VerificationUnlockRepository } from '../ports/verificationRepositories';

type ClientDoc = Omit<ApiClient, 'id'> & { _id: string };
type PassDoc = TemporaryAccessPass & { _id: string };
interface MarkerDoc { _id: string; at: number }
interface UnlockDoc { _id: string; by: string; at: number }

/** Inserts a unique marker; true for the one caller whose insert landed. */
async function firstToMark(markers: Collection<MarkerDoc>, id: string, at: number): Promise<boolean> {
  try {
    await markers.insertOne({ _id: id, at });
    return true;
  } catch (error) {
    if (isDuplicateKeyError(error)) return false;
    throw toStoreError(error);
  }
}

class MongoApiClients implements ApiClientRepository {
  constructor(private readonly clients: Collection<ClientDoc>, private readonly markers: Collection<MarkerDoc>) {}

  async create(client: ApiClient): Promise<void> {
    const { id, ...rest } = client;
    try {
      await this.clients.insertOne({ _id: requireString(id, 'id'), ...rest });
    } catch (error) {
      if (isDuplicateKeyError(error)) throw new DuplicateKeyError('id');
      throw toStoreError(error);
    }
  }

  async get(id: string): Promise<ApiClient | null> {
    const doc = await guarded(() => this.clients.findOne({ _id: requireString(id, 'id') }));
    return doc ? fromClientDoc(doc) : null;
  }

  async list(): Promise<ApiClient[]> {
    const docs = await guarded(() => this.clients.find({}).sort({ createdAt: 1, _id: 1 }).toArray());
    return docs.map(fromClientDoc);
  }

  async revoke(id: string, now: number): Promise<boolean> {
    const doc = await guarded(() => this.clients.findOne({ _id: requireString(id, 'id') }));
    if (!doc || doc.revokedAt !== null) return false;
    if (!(await firstToMark(this.markers, `client-revoked:${id}`, now))) return false;
    await guarded(() => this.clients.updateOne({ _id: id }, { $set: { revokedAt: now } }));
    return true;
  }
}

function fromClientDoc({ _id, ...rest }: ClientDoc): ApiClient {
  return { id: _id, ...rest };
}

class MongoPasses implements TemporaryPassRepository {
  constructor(private readonly passes: Collection<PassDoc>, private readonly markers: Collection<MarkerDoc>) {}

  async put(pass: TemporaryAccessPass): Promise<void> {
    const _id = requireString(pass.userId, 'userId');
    await putDocument(this.passes, _id, { ...pass });
  }

  async getForUser(userId: string): Promise<TemporaryAccessPass | null> {
    const doc = await guarded(() => this.passes.findOne({ _id: requireString(userId, 'userId') }));
    if (!doc) return null;
    const { _id: _unused, ...pass } = doc;
    return pass;
  }

  async markUsed(userId: string, passId: string, now: number): Promise<boolean> {
    const pass = await this.getForUser(userId);
    if (!pass || pass.id !== requireString(passId, 'passId') || (pass.oneTime && pass.usedAt !== null)) return false;
    if (pass.oneTime && !(await firstToMark(this.markers, `pass-used:${passId}`, now))) return false;
    await guarded(() => this.passes.updateOne({ _id: userId, id: passId }, { $set: { usedAt: now } }));
    return true;
  }

  async revoke(userId: string, now: number): Promise<boolean> {
    const pass = await this.getForUser(userId);
    if (!pass || pass.revokedAt !== null) return false;
    if (!(await firstToMark(this.markers, `pass-revoked:${pass.id}`, now))) return false;
    await guarded(() => this.passes.updateOne({ _id: userId, id: pass.id }, { $set: { revokedAt: now } }));
    return true;
  }
}

class MongoUnlocks implements VerificationUnlockRepository {
  constructor(private readonly unlocks: Collection<UnlockDoc>) {}

  async unlock(userId: string, by: string, now: number): Promise<void> {
    await putDocument(this.unlocks, requireString(userId, 'userId'), { by: requireString(by, 'by'), at: now });
  }

  async lastUnlock(userId: string): Promise<number | null> {
    const doc = await guarded(() => this.unlocks.findOne({ _id: requireString(userId, 'userId') }));
    return doc ? doc.at : null;
  }
}

export function createMongoVerificationStores(db: Db): VerificationStores {
  const markers = db.collection<MarkerDoc>('verificationMarkers');
  return {
    apiClients: new MongoApiClients(db.collection<ClientDoc>('apiClients'), markers),
    passes: new MongoPasses(db.collection<PassDoc>('temporaryPasses'), markers),
    unlocks: new MongoUnlocks(db.collection<UnlockDoc>('verificationUnlocks')),
  };
}
