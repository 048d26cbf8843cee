// The simulated telephony's outbox on MongoDB (development without Twilio), listed newest first.
import { ObjectId, type Collection, type IndexDescription } from 'mongodb';
import type { SimulatedDelivery, SimulatedOutbox } from '../ports/repositories';
import { guarded, requireCount, requireString, writeGuarded } from './mongoStoreSupport';

export type SimulatedDocument = Omit<SimulatedDelivery, 'ref'> & { _id: string; seq: string };

export const SIMULATED_OUTBOX_INDEXES: IndexDescription[] = [{ key: { at: -1, seq: -1 }, name: 'newestFirst' }];

export class MongoSimulatedOutbox implements SimulatedOutbox {
  constructor(private readonly items: Collection<SimulatedDocument>) {}

  async add(item: SimulatedDelivery): Promise<void> {
    const { ref, ...rest } = structuredClone(item);
    // seq (an ObjectId, growing per process) keeps the order of adds within one millisecond.
    await writeGuarded(() => this.items.insertOne({ _id: requireString(ref, 'ref'), seq: new ObjectId().toHexString(), ...rest }), async () => 'ref');
  }

  async get(ref: string): Promise<SimulatedDelivery | null> {
    const doc = await guarded(() => this.items.findOne({ _id: requireString(ref, 'ref') }));
    return doc ? fromSimulatedDocument(doc) : null;
  }

  async list(limit: number): Promise<SimulatedDelivery[]> {
    if (requireCount(limit, 'limit') === 0) return [];
    const docs = await guarded(() => this.items.find({}).sort({ at: -1, seq: -1 }).limit(limit).toArray());
    return docs.map(fromSimulatedDocument);
  }
}

const fromSimulatedDocument = ({ _id, seq, ...rest }: SimulatedDocument): SimulatedDelivery => ({ ref: _id, ...rest });
