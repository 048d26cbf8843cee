// Sign-in challenges in process memory, with look-up maps by person, by target and by expiry.
import type { Challenge } from '../domain/challenge';
import type { ChallengeRepository } from '../ports/repositories';
import { DuplicateKeyError } from '../ports/storeErrors';
import { MultiIndex, RankedIds } from './memoryIndexes';

const clone = <T>(value: T): T => structuredClone(value);

export class MemoryChallengeRepository implements ChallengeRepository {
  private readonly byId = new Map<string, Challenge>();
  // Look-up maps, kept in step with byId on every write. Only pending challenges are ranked by expiry.
  private readonly byUser = new MultiIndex();
  private readonly byTarget = new MultiIndex();
  private readonly pendingByExpiry = new RankedIds();
  /** Challenge id by person and turn: the unique key that makes creating a challenge its turn's claim. */
  private readonly idByTurn = new Map<string, string>();
  private readonly idByAnsweredWebhook = new Map<string, string>();

  async create(challenge: Challenge): Promise<Challenge> {
    if (this.byId.has(challenge.id)) throw new DuplicateKeyError('id');
    const turn = turnKeyOf(challenge);
    if (turn !== null && this.idByTurn.has(turn)) throw new DuplicateKeyError('turn');
    if (turn !== null) this.idByTurn.set(turn, challenge.id);
    this.store(challenge);
    return clone(challenge);
  }

  async latestTurn(userId: string): Promise<Challenge | null> {
    let latest: Challenge | undefined;
    for (const c of this.challengesIn(this.byUser.get(userId))) if (c.turn !== undefined && (latest === undefined || c.turn > latest.turn!)) latest = c;
    return latest ? clone(latest) : null;
  }

  async get(id: string): Promise<Challenge | null> {
    const c = this.byId.get(id);
    return c ? clone(c) : null;
  }

  async replace(challenge: Challenge): Promise<Challenge | null> {
    const stored = this.byId.get(challenge.id);
    if (!stored || stored.version !== challenge.version) return null;
    const saved = { ...clone(challenge), version: challenge.version + 1 };
    this.unfile(stored);
    this.store(saved);
    return saved;
  }

  async findByAnsweredWebhook(webhookId: string): Promise<Challenge | null> {
    const id = this.idByAnsweredWebhook.get(webhookId);
    const c = id === undefined ? undefined : this.byId.get(id);
    return c ? clone(c) : null;
  }

  async findPendingByUser(userId: string, now: number): Promise<Challenge[]> {
    return this.pending(this.byUser.get(userId), now);
  }

  async findPendingByTarget(target: string, now: number): Promise<Challenge[]> {
    return this.pending(this.byTarget.get(target), now);
  }

  async listRecentByUser(userId: string, limit: number): Promise<Challenge[]> {
    return this.challengesIn(this.byUser.get(userId)).sort(newestFirst).slice(0, limit).map(clone);
  }

  async findExpiredPending(now: number, limit: number): Promise<Challenge[]> {
    return this.pendingByExpiry.firstUpTo(now, limit).flatMap((id) => {
      const c = this.byId.get(id);
      return c ? [clone(c)] : [];
    });
  }

  private pending(ids: ReadonlySet<string>, now: number): Challenge[] {
    if (ids.size === 0) return []; // nothing for this target (most texts): no copy, filter or sort
    return this.challengesIn(ids)
      .filter((c) => c.status === 'pending' && c.expiresAt > now)
      .sort(newestFirst)
      .map(clone);
  }

  private challengesIn(ids: ReadonlySet<string>): Challenge[] {
    return [...ids].flatMap((id) => {
      const c = this.byId.get(id);
      return c ? [c] : [];
    });
  }

  private store(challenge: Challenge): void {
    const copy = clone(challenge);
    this.byId.set(copy.id, copy);
    this.byUser.add(copy.userId, copy.id);
    if (copy.target !== null) this.byTarget.add(copy.target, copy.id);
    if (copy.status === 'pending') this.pendingByExpiry.add(copy.expiresAt, copy.id);
    for (const answer of copy.answeredWebhooks ?? []) this.idByAnsweredWebhook.set(answer.webhookId, copy.id);
  }

  private unfile(challenge: Challenge): void {
    this.byUser.remove(challenge.userId, challenge.id);
    if (challenge.target !== null) this.byTarget.remove(challenge.target, challenge.id);
    if (challenge.status === 'pending') this.pendingByExpiry.remove(challenge.expiresAt, challenge.id);
    for (const answer of challenge.answeredWebhooks ?? []) {
      if (this.idByAnsweredWebhook.get(answer.webhookId) === challenge.id) this.idByAnsweredWebhook.delete(answer.webhookId);
    }
  }
}

const newestFirst = (a: { createdAt: number; id: string }, b: { createdAt: number; id: string }): number =>
  b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1);

/** The person and turn of a challenge that has one (a challenge's person and turn never change). */
function turnKeyOf(challenge: Challenge): string | null {
  return challenge.turn === undefined ? null : JSON.stringify([challenge.userId, challenge.turn]);
}
