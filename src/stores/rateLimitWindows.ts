// The fixed, epoch-aligned windows every RateLimitRepository adapter counts in, and the argument checks they share.

export function windowOf(now: number, windowMs: number): { readonly start: number; readonly end: number } {
  const start = Math.floor(now / windowMs) * windowMs;
  return { start, end: start + windowMs };
}

/** Refuses arguments that would make a limit meaningless (or smuggle a query operator into a filter). */
export function requireLimitArguments(scope: unknown, key: unknown, limit: unknown, windowMs: unknown, now: unknown): void {
  if (typeof scope !== 'string' || typeof key !== 'string') throw new TypeError('scope and key must be strings');
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0) throw new TypeError('limit must be a non-negative integer');
  if (typeof windowMs !== 'number' || !Number.isInteger(windowMs) || windowMs <= 0) throw new TypeError('windowMs must be a positive integer');
  if (typeof now !== 'number' || !Number.isFinite(now)) throw new TypeError('now must be a finite number');
}
