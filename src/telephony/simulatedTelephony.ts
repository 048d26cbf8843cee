// The Telephony port without a provider: every text and call is kept in the store's simulated outbox, with a
// Twilio-style id, so the development routes can list it and play the phone's side through the real webhooks.
import type { DeliveryReceipt, OutboundCall, OutboundSms, Telephony } from '../ports/deliveryPorts';
import type { Stores } from '../ports/repositories';
import type { RandomSource } from '../security/random';
import type { Clock } from '../ports/clock';

export class SimulatedTelephony implements Telephony {
  constructor(private readonly deps: { readonly stores: Pick<Stores, 'simulatedOutbox'>; readonly clock: Clock; readonly random: RandomSource }) {}

  async sendSms(message: OutboundSms): Promise<DeliveryReceipt> {
    const ref = this.newRef('SM');
    await this.deps.stores.simulatedOutbox.add({
      ref,
      type: 'sms',
      to: message.to,
      body: message.body,
      mode: null,
      extension: null,
      locale: message.locale,
      purpose: message.purpose,
      at: this.deps.clock.now(),
    });
    return { ok: true, ref };
  }

  async placeCall(call: OutboundCall): Promise<DeliveryReceipt> {
    const ref = this.newRef('CA');
    await this.deps.stores.simulatedOutbox.add({
      ref,
      type: 'call',
      to: call.to,
      body: null,
      mode: call.mode,
      extension: call.extension,
      locale: call.locale,
      purpose: call.purpose,
      at: this.deps.clock.now(),
    });
    return { ok: true, ref };
  }

  private newRef(prefix: 'SM' | 'CA'): string {
    return `${prefix}${this.deps.random.bytes(16).toString('hex')}`;
  }
}
