// Stand-ins that hold a webhook's processing still until the test lets it go, and that tell the test when a
// delivery has lost its ledger claim (it is a retry and now waits): concurrency without timed assertions.
import type { Stores, WebhookLedger } from '../../src/ports/repositories';

/** Holds the first call made through it after `arm()` until `release()`; every other call passes. */
export class Gate {
  private armed = false;
  private readonly releaseSignal = deferred();
  private readonly reachedSignal = deferred();
  /** Resolves when the held call arrived. */
  readonly reached = this.reachedSignal.promise;

  arm(): void {
    this.armed = true;
  }

  release(): void {
    this.releaseSignal.resolve();
  }

  async pass(): Promise<void> {
    if (!this.armed) return;
    this.armed = false;
    this.reachedSignal.resolve();
    await this.releaseSignal.promise;
  }
}

/** Every method of `target` first goes through `before` (a Proxy: class methods live on the prototype). */
export function intercepted<T extends object>(target: T, before: (method: string) => Promise<void>): T {
  return new Proxy(target, {
    get(object, property) {
      const value: unknown = Reflect.get(object, property, object);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        await before(String(property));
        return (value as (...a: unknown[]) => unknown).apply(object, args);
      };
    },
  });
}

/** A ledger that reports each claim it refused, by id (i.e. each retry that will now wait for the first). */
export class ClaimWatch {
  private readonly waiters = new Map<string, Array<() => void>>();

  wrap(ledger: WebhookLedger): WebhookLedger {
    const claim = async (id: string, now: number): Promise<boolean> => {
      const won = await ledger.claim(id, now);
      if (!won) for (const wake of this.waiters.get(id) ?? []) wake();
      return won;
    };
    return new Proxy(ledger, { get: (object, property) => (property === 'claim' ? claim : (Reflect.get(object, property, object) as unknown)) });
  }

  /** Resolves when a claim of `id` is refused after this call. */
  refused(id: string): Promise<void> {
    return new Promise((resolve) => this.waiters.set(id, [...(this.waiters.get(id) ?? []), resolve]));
  }
}

/** The stores with user reads and writes held by `gate`, and ledger claims watched by `watch`. */
export function gatedStores(base: Stores, gate: Gate, watch: ClaimWatch): Stores {
  return { ...bound(base), users: intercepted(base.users, () => gate.pass()), webhooks: watch.wrap(base.webhooks) };
}

/** Own properties of a stores object, with its functions bound (ping, close, and the MongoDB extras). */
function bound(stores: Stores): Stores {
  return Object.fromEntries(Object.entries(stores).map(([k, v]) => [k, typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(stores) : v])) as unknown as Stores;
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
