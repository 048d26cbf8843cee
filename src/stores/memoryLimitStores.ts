// In-memory exact limits (see RateLimitRepository in src/ports/repositories.ts).
// One process only, so a synchronous check-and-write between awaits is atomic here; memory stays bounded.
import type { RateLimitDecision, RateLimitRepository, RateLimitRequest, RateLimitsDecision } from '../ports/repositories';
import { requireLimitArguments, windowOf } from './rateLimitWindows';

/** Ended windows are dropped every this many takes, so the map holds only live windows (plus this many). */
const PRUNE_EVERY = 256;

export class MemoryRateLimits implements RateLimitRepository {
  private readonly windows = new Map<string, { readonly end: number; taken: number }>();
  private takesSincePrune = 0;

  async take(scope: string, key: string, limit: number, windowMs: number, now: number): Promise<RateLimitDecision> {
    requireLimitArguments(scope, key, limit, windowMs, now);
    this.pruneNowAndThen(now);
    const { start, end } = windowOf(now, windowMs);
    const id = JSON.stringify([scope, key, windowMs, start]);
    const window = this.windows.get(id) ?? { end, taken: 0 };
    if (window.taken >= limit) return { allowed: false, retryAfterMs: Math.max(1, end - now) };
    window.taken += 1;
    this.windows.set(id, window);
    return { allowed: true, retryAfterMs: 0 };
  }

  async takeAll(requests: readonly RateLimitRequest[], now: number, keep: readonly number[] = []): Promise<RateLimitsDecision> {
    for (const r of requests) requireLimitArguments(r.scope, r.key, r.limit, r.windowMs, now);
    this.pruneNowAndThen(now);
    // Checked first, then taken, with no await between: all or none, and nothing to give back.
    const wanted = new Map<string, number>();
    const refusedBy: number[] = [];
    let retryAfterMs = 0;
    const planned = requests.map((r, i) => {
      const { start, end } = windowOf(now, r.windowMs);
      const id = JSON.stringify([r.scope, r.key, r.windowMs, start]);
      const count = (wanted.get(id) ?? 0) + 1;
      wanted.set(id, count);
      if ((this.windows.get(id)?.taken ?? 0) + count > r.limit) {
        refusedBy.push(i);
        retryAfterMs = Math.max(retryAfterMs, end - now, 1);
      }
      return { id, end };
    });
    const taking = refusedBy.length === 0 ? planned : planned.filter((_, i) => keep.includes(i) && !refusedBy.includes(i));
    for (const { id, end } of taking) {
      const window = this.windows.get(id) ?? { end, taken: 0 };
      window.taken += 1;
      this.windows.set(id, window);
    }
    return refusedBy.length === 0 ? { allowed: true } : { allowed: false, refusedBy, retryAfterMs };
  }

  /** How many windows are held (for the bound test). */
  get size(): number {
    return this.windows.size;
  }

  private pruneNowAndThen(now: number): void {
    if (++this.takesSincePrune < PRUNE_EVERY) return;
    this.takesSincePrune = 0;
    for (const [id, window] of this.windows) if (window.end <= now) this.windows.delete(id);
  }
}
