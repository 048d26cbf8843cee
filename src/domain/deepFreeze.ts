// Freezes a plain value and everything it holds, so a value shared between readers cannot be changed by one of
// them (in strict mode a write throws instead of being lost). Buffers are left as they are: their bytes cannot be frozen.

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Buffer.isBuffer(value) && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  }
  return value;
}
