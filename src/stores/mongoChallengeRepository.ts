// Sign-in challenges on MongoDB: compare-and-set on version, pending look-ups by person and by target, and an
// optional TTL clean-up date (`purgeAt`) some time after expiry.
import type { Collection, Filter, IndexDescription } from 'mongodb';
import type { Challenge } from '../domain/challenge';
import type { ChallengeRepository } from '../ports/repositories';
import type { ClaimDocument } from './mongoVersionClaims';
import { guarded, replaceIfVersion, requireCount, requireString, requireTime, writeGuarded } from './mongoStoreSupport';

/** `turnKey`: [userId, turn] as JSON, on challenges that have a turn; its unique index makes the insert the turn's claim. */
export type ChallengeDocument = Omit<Challenge, 'id'> & { readonly _id: string; readonly purgeAt?: Date; readonly turnKey?: string };

const fromChallengeDocument = ({ _id, purgeAt, turnKey, ...rest }: ChallengeDocument): Challenge => ({ id: _id, ...rest });

// Newest first; equal times fall back to the id, descending, as the memory adapter does.
const NEWEST_CHALLENGE_FIRST = { createdAt: -1, _id: -1 } as const;

export const CHALLENGE_INDEXES: IndexDescription[] = [
  { key: { userId: 1, status: 1, expiresAt: 1 }, name: 'pendingByUser' },
  { key: { target: 1, status: 1, expiresAt: 1 }, name: 'pendingByTarget' },
  { key: { userId: 1, createdAt: -1 }, name: 'recentByUser' },
  { key: { status: 1, expiresAt: 1 }, name: 'pendingByExpiry' },
  // One challenge per (person, turn): unique, and sparse so that challenges from before turns (no turnKey) are left
  // out. FerretDB 1.24 drops the sparse flag but its unique indexes already let missing fields repeat.
  { key: { turnKey: 1 }, name: 'oneChallengePerTurn', unique: true, sparse: true },
  { key: { userId: 1, turn: -1 }, name: 'latestTurnByUser' },
  { key: { 'answeredWebhooks.webhookId': 1 }, name: 'answeredWebhook' },
];
export const CHALLENGE_TTL_INDEX: IndexDescription = { key: { purgeAt: 1 }, name: 'purgeAfterRetention', expireAfterSeconds: 0 };

export class MongoChallengeRepository implements ChallengeRepository {
  constructor(
    private readonly challenges: Collection<ChallengeDocument>,
    private readonly claims: Collection<ClaimDocument>,
    private readonly retentionMs: number | null,
  ) {}

  async create(challenge: Challenge): Promise<Challenge> {
    requireString(challenge.id, 'id');
    const copy = structuredClone(challenge);
    // Two unique keys: the id, and the person's turn (see ChallengeRepository.create).
    const taken = async (): Promise<string> => (copy.turn !== undefined && (await guarded(() => this.challenges.countDocuments({ _id: copy.id }, { limit: 1 }))) === 0 ? 'turn' : 'id');
    await writeGuarded(() => this.challenges.insertOne(this.asDocument(copy)), taken);
    return copy;
  }

  async latestTurn(userId: string): Promise<Challenge | null> {
    const filter = { userId: requireString(userId, 'userId') };
    // Challenges without a turn sort after every turn (a missing field is lowest): one is returned only when no
    // challenge has a turn, and is then not an answer.
    const doc = await guarded(() => this.challenges.find(filter).sort({ turn: -1 }).limit(1).next());
    return doc && doc.turn !== undefined ? fromChallengeDocument(doc) : null;
  }

  async get(id: string): Promise<Challenge | null> {
    const _id = requireString(id, 'id');
    const doc = await guarded(() => this.challenges.findOne({ _id }));
    return doc ? fromChallengeDocument(doc) : null;
  }

  async replace(challenge: Challenge): Promise<Challenge | null> {
    const _id = requireString(challenge.id, 'id');
    const version = requireCount(challenge.version, 'version');
    const saved: Challenge = { ...structuredClone(challenge), version: version + 1 };
    const { _id: unchanged, ...replacement } = this.asDocument(saved);
    return (await guarded(() => replaceIfVersion(this.challenges, this.claims, _id, version, replacement))) ? saved : null;
  }

  async findByAnsweredWebhook(webhookId: string): Promise<Challenge | null> {
    const doc = await guarded(() => this.challenges.findOne({ 'answeredWebhooks.webhookId': requireString(webhookId, 'webhookId') }));
    return doc ? fromChallengeDocument(doc) : null;
  }

  async findPendingByUser(userId: string, now: number): Promise<Challenge[]> {
    return this.pending({ userId: requireString(userId, 'userId') }, requireTime(now, 'now'));
  }

  async findPendingByTarget(target: string, now: number): Promise<Challenge[]> {
    return this.pending({ target: requireString(target, 'target') }, requireTime(now, 'now'));
  }

  async listRecentByUser(userId: string, limit: number): Promise<Challenge[]> {
    const filter = { userId: requireString(userId, 'userId') };
    // limit(0) means "no limit" to MongoDB.
    if (requireCount(limit, 'limit') === 0) return [];
    const docs = await guarded(() => this.challenges.find(filter).sort(NEWEST_CHALLENGE_FIRST).limit(limit).toArray());
    return docs.map(fromChallengeDocument);
  }

  async findExpiredPending(now: number, limit: number): Promise<Challenge[]> {
    const filter: Filter<ChallengeDocument> = { status: 'pending', expiresAt: { $lte: requireTime(now, 'now') } };
    if (requireCount(limit, 'limit') === 0) return [];
    const docs = await guarded(() => this.challenges.find(filter).sort({ expiresAt: 1, _id: 1 }).limit(limit).toArray());
    return docs.map(fromChallengeDocument);
  }

  private async pending(match: { userId: string } | { target: string }, now: number): Promise<Challenge[]> {
    const filter: Filter<ChallengeDocument> = { ...match, status: 'pending', expiresAt: { $gt: now } };
    const docs = await guarded(() => this.challenges.find(filter).sort(NEWEST_CHALLENGE_FIRST).toArray());
    return docs.map(fromChallengeDocument);
  }

  private asDocument({ id, ...rest }: Challenge): ChallengeDocument {
    const turnKey = rest.turn !== undefined ? { turnKey: JSON.stringify([rest.userId, rest.turn]) } : {};
    // A TTL index only expires Date fields; expiresAt stays the epoch-ms number the domain uses.
    return this.retentionMs === null ? { _id: id, ...rest, ...turnKey } : { _id: id, ...rest, ...turnKey, purgeAt: new Date(rest.expiresAt + this.retentionMs) };
  }
}
