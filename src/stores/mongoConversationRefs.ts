// Where to reach a person proactively, on MongoDB: one document per (channel, person), the newest wins.
import type { Collection } from 'mongodb';
import type { ConversationRefRecord, ConversationRefRepository } from '../ports/repositories';
import { guarded, putDocument, requireString, requireTime } from './mongoStoreSupport';

export interface ConversationRefDocument {
  _id: string;
  userId: string;
  channel: ConversationRefRecord['channel'];
  reference: string;
  updatedAt: number;
}

export class MongoConversationRefRepository implements ConversationRefRepository {
  constructor(private readonly refs: Collection<ConversationRefDocument>) {}

  async save(record: ConversationRefRecord): Promise<void> {
    const userId = requireString(record.userId, 'userId');
    const channel = requireString(record.channel, 'channel') as ConversationRefRecord['channel'];
    const reference = requireString(record.reference, 'reference');
    // Last writer wins by design: the newest conversation is where the person is.
    await putDocument(this.refs, `${channel}:${userId}`, { userId, channel, reference, updatedAt: requireTime(record.updatedAt, 'updatedAt') });
  }

  async get(userId: string, channel: ConversationRefRecord['channel']): Promise<ConversationRefRecord | null> {
    const doc = await guarded(() => this.refs.findOne({ _id: `${requireString(channel, 'channel')}:${requireString(userId, 'userId')}` }));
    return doc ? { userId: doc.userId, channel: doc.channel, reference: doc.reference, updatedAt: doc.updatedAt } : null;
  }
}
