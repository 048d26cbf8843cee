// Delivery statuses reported by the provider for each text or call, on MongoDB, in the order they arrived.
import { ObjectId, type Collection, type IndexDescription } from 'mongodb';
import type { DeliveryStatusLog, DeliveryStatusRecord } from '../ports/repositories';
import { guarded, requireString, requireTime } from './mongoStoreSupport';

export type DeliveryStatusDocument = DeliveryStatusRecord & { _id: string };

export const DELIVERY_STATUS_INDEXES: IndexDescription[] = [{ key: { ref: 1, at: 1 }, name: 'byRef' }];

export class MongoDeliveryStatusLog implements DeliveryStatusLog {
  constructor(private readonly records: Collection<DeliveryStatusDocument>) {}

  async append(record: DeliveryStatusRecord): Promise<void> {
    const doc: DeliveryStatusDocument = {
      _id: new ObjectId().toHexString(),
      ref: requireString(record.ref, 'ref'),
      kind: record.kind,
      status: requireString(record.status, 'status'),
      errorCode: record.errorCode === null ? null : requireTime(record.errorCode, 'errorCode'),
      at: requireTime(record.at, 'at'),
    };
    await guarded(() => this.records.insertOne(doc));
  }

  async listForRef(ref: string): Promise<DeliveryStatusRecord[]> {
    const docs = await guarded(() => this.records.find({ ref: requireString(ref, 'ref') }).sort({ at: 1, _id: 1 }).toArray());
    return docs.map(({ _id, ...rest }) => rest);
  }
}
