// The latest STOP/START state per phone number, on MongoDB: one document per number, the newest keyword wins.
import type { Collection } from 'mongodb';
import type { OptOutRecord, OptOutRepository } from '../ports/repositories';
import { guarded, putDocument, requireString, requireTime } from './mongoStoreSupport';

export interface OptOutDocument {
  _id: string;
  optedOut: boolean;
  keyword: string;
  at: number;
}

export class MongoOptOutRepository implements OptOutRepository {
  constructor(private readonly optOuts: Collection<OptOutDocument>) {}

  async record(entry: OptOutRecord): Promise<void> {
    const _id = requireString(entry.number, 'number');
    const doc = { optedOut: entry.optedOut === true, keyword: requireString(entry.keyword, 'keyword'), at: requireTime(entry.at, 'at') };
    // Last writer wins by design: the newest keyword counts.
    await putDocument(this.optOuts, _id, doc);
  }

  async get(number: string): Promise<OptOutRecord | null> {
    const doc = await guarded(() => this.optOuts.findOne({ _id: requireString(number, 'number') }));
    return doc ? { number: doc._id, optedOut: doc.optedOut, keyword: doc.keyword, at: doc.at } : null;
  }
}
