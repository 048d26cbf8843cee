// Every text and call sent, on MongoDB, counted per number and per person for the sending limits.
import { ObjectId, type Collection, type IndexDescription } from 'mongodb';
import type { SendLog, SendLogEntry } from '../ports/repositories';
import { guarded, requireString, requireTime } from './mongoStoreSupport';

export type SendLogDocument = SendLogEntry & { _id: string };

export const SEND_LOG_INDEXES: IndexDescription[] = [
  { key: { number: 1, at: -1 }, name: 'byNumber' },
  { key: { userId: 1, at: -1 }, name: 'byUser' },
];

export class MongoSendLog implements SendLog {
  constructor(private readonly entries: Collection<SendLogDocument>) {}

  async append(entry: SendLogEntry): Promise<void> {
    const doc: SendLogDocument = {
      _id: new ObjectId().toHexString(),
      number: requireString(entry.number, 'number'),
      userId: requireString(entry.userId, 'userId'),
      channel: entry.channel,
      at: requireTime(entry.at, 'at'),
    };
    await guarded(() => this.entries.insertOne(doc));
  }

  async countForNumber(number: string, since: number): Promise<number> {
    const filter = { number: requireString(number, 'number'), at: { $gte: requireTime(since, 'since') } };
    return guarded(() => this.entries.countDocuments(filter));
  }

  async countForUser(userId: string, since: number): Promise<number> {
    const filter = { userId: requireString(userId, 'userId'), at: { $gte: requireTime(since, 'since') } };
    return guarded(() => this.entries.countDocuments(filter));
  }
}
