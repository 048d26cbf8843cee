// Development only: what the simulated telephony "sent", for the routes that play the phone's side (list the
// texts and calls, find a call to answer or press keys on). Read-only; the texts hold codes, so never in production.
import type { SimulatedDelivery, SimulatedOutbox } from '../ports/repositories';

export type { SimulatedDelivery };

export class SimulatedPhone {
  constructor(private readonly outbox: Pick<SimulatedOutbox, 'list' | 'get'>) {}

  /** Newest first, at most `limit`. */
  sent(limit: number): Promise<SimulatedDelivery[]> {
    return this.outbox.list(limit);
  }

  /** The simulated call with this ref, or null (unknown, or a text). */
  async call(ref: string): Promise<SimulatedDelivery | null> {
    const item = await this.outbox.get(ref);
    return item?.type === 'call' ? item : null;
  }
}
