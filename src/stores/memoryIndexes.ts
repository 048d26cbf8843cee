// Secondary look-up maps for the in-memory stores: each store keeps them up to date on every write, so that a
// look-up by anything but the primary key costs the size of its answer, not the size of the store.

/** key → the set of primary ids filed under it; empty sets are dropped so the map holds live keys only. */
export class MultiIndex {
  private readonly byKey = new Map<string, Set<string>>();

  add(key: string, id: string): void {
    const ids = this.byKey.get(key);
    if (ids) ids.add(id);
    else this.byKey.set(key, new Set([id]));
  }

  remove(key: string, id: string): void {
    const ids = this.byKey.get(key);
    if (!ids) return;
    ids.delete(id);
    if (ids.size === 0) this.byKey.delete(key);
  }

  get(key: string): ReadonlySet<string> {
    return this.byKey.get(key) ?? EMPTY;
  }
}

const EMPTY: ReadonlySet<string> = new Set();

/** A key → list map for append-only logs (entries are never removed one by one). */
export function appendTo<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * Ids kept in ascending (rank, id) order, for "the first N by time" queries (expired challenges, due jobs).
 * Binary search finds a place; the splice is a memory move, far cheaper than sorting the store per call.
 */
export class RankedIds {
  private readonly entries: Array<{ readonly rank: number; readonly id: string }> = [];

  add(rank: number, id: string): void {
    this.entries.splice(this.position(rank, id), 0, { rank, id });
  }

  remove(rank: number, id: string): void {
    const at = this.position(rank, id);
    const found = this.entries[at];
    if (found && found.rank === rank && found.id === id) this.entries.splice(at, 1);
  }

  /** Ids in order while their rank is ≤ `maxRank` and `keep(id)` has accepted fewer than `limit`. */
  firstUpTo(maxRank: number, limit: number, keep: (id: string) => boolean = () => true): string[] {
    const found: string[] = [];
    for (const entry of this.entries) {
      if (found.length >= limit || entry.rank > maxRank) break;
      if (keep(entry.id)) found.push(entry.id);
    }
    return found;
  }

  private position(rank: number, id: string): number {
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const e = this.entries[mid]!;
      if (e.rank < rank || (e.rank === rank && e.id < id)) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
