// A client's allowance of verification requests per minute: exactly the limit passes, the next is told how long to
// wait, and one client's use does not touch another's.
import { ClientRequestLimiter } from '../../src/app/clientRequestLimiter';
import { createMemoryStores } from '../../src/stores/memoryStores';
import { T0 } from '../support/coreHarness';

describe('ClientRequestLimiter', () => {
  it('when a client makes one request more than its per-minute limit, then only that one is refused with a wait in seconds', async () => {
    const limiter = new ClientRequestLimiter(createMemoryStores().rateLimits, 3);
    const decisions = [];
    for (let i = 0; i < 4; i++) decisions.push(await limiter.take('portal', T0));
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false]);
    expect(decisions[3]!.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(decisions[3]!.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect((await limiter.take('vpn', T0)).allowed).toBe(true);
  });
});
