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

/** A ledger that reports each claim it refused, by id (i.e. each retry that will now wait for the first). */
export class ClaimWatch {
  private readonly waiters = new Map<string, Array<() => void>>();

  wrap(ledger: WebhookLedger): WebhookLedger {
    const claim: WebhookLedger['claim'] = async (id, ...rest) => {
      const won = await ledger.claim(id, ...rest);
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

/**
 * The stores with the processing of a delivery held by `gate` right after its ledger claim was won (the first
 * delivery is then still running: it read what it planned on, and changed nothing yet), and ledger claims
 * watched by `watch`.
 */
export function gatedStores(base: Stores, gate: Gate, watch: ClaimWatch): Stores {
  return { ...bound(base), webhooks: watch.wrap(heldAfterClaim(base.webhooks, gate)) };
}

function heldAfterClaim(ledger: WebhookLedger, gate: Gate): WebhookLedger {
  const claim: WebhookLedger['claim'] = async (...args) => {
    const won = await ledger.claim(...args);
    if (won) await gate.pass();
    return won;
  };
  return new Proxy(ledger, { get: (object, property) => (property === 'claim' ? claim : (Reflect.get(object, property, object) as unknown)) });
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
