// The MongoDB rate limit's two strategies without a server: which collection each uses, and the counter's one
// retry when two first takes of a window both upsert (the race only a real MongoDB produces on demand).
import { MongoServerError, type Collection } from 'mongodb';
// mongoStores first: it and mongoLimitStores import each other, and the stores module must load first.
import '../../src/stores/mongoStores';
import { MongoRateLimits, type RateLimitCounterDocument, type RateLimitSlotDocument } from '../../src/stores/mongoLimitStores';
import type { CompareAndSetStrategy } from '../../src/stores/mongoVersionClaims';

const HOUR = 60 * 60 * 1000;
const T0 = Date.UTC(2026, 0, 1);

function duplicateKey(): MongoServerError {
  return new MongoServerError({ message: 'E11000 duplicate key error', code: 11000 });
}

function limits(strategy: CompareAndSetStrategy, counterAnswers: Array<() => Promise<RateLimitCounterDocument | null>>) {
  const calls: string[] = [];
  const counters = {
    findOneAndUpdate: async () => {
      calls.push('counter');
      const next = counterAnswers.shift();
      if (!next) throw new Error('unexpected counter update');
      return next();
    },
  } as unknown as Collection<RateLimitCounterDocument>;
  const slots = {
    find: () => ({ toArray: async () => (calls.push('find'), []) }),
    insertOne: async () => (calls.push('slot'), { acknowledged: true, insertedId: 'x' }),
  } as unknown as Collection<RateLimitSlotDocument>;
  return { calls, rateLimits: new MongoRateLimits({ slots, counters, strategy: async () => strategy }) };
}

const counter = (n: number) => async () => ({ _id: 'w', n, purgeAt: new Date(T0 + HOUR) });

describe('MongoDB rate limits: strategies', () => {
  test('when the server decides filtered writes atomically, then a take is one counter update, allowed while the count is within the limit', async () => {
    const { calls, rateLimits } = limits('conditional', [counter(2), counter(3)]);
    await expect(rateLimits.take('send:user', 'u1', 2, HOUR, T0)).resolves.toEqual({ allowed: true, retryAfterMs: 0 });
    await expect(rateLimits.take('send:user', 'u1', 2, HOUR, T0)).resolves.toEqual({ allowed: false, retryAfterMs: HOUR });
    expect(calls).toEqual(['counter', 'counter']);
  });

  test('when two first takes of a window both upsert and this one hits the other\'s _id, then it is retried once as an increment', async () => {
    const { calls, rateLimits } = limits('conditional', [() => Promise.reject(duplicateKey()), counter(2)]);
    await expect(rateLimits.take('send:user', 'u1', 2, HOUR, T0)).resolves.toMatchObject({ allowed: true });
    expect(calls).toEqual(['counter', 'counter']);
  });

  test('when the server needs claims (FerretDB 1.x), then a take uses the numbered slots and never the counter', async () => {
    const { calls, rateLimits } = limits('claims', []);
    await expect(rateLimits.take('send:user', 'u1', 2, HOUR, T0)).resolves.toMatchObject({ allowed: true });
    expect(calls).toEqual(['find', 'slot']);
  });
});
