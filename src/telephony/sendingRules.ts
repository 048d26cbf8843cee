// The rules every text and call obeys before it reaches a provider, whichever adapter sends it: no texts to a
// number that opted out, only to allowed countries, and at most so many sends per number and per person per hour
// (SMS-pumping protection). A refusal is a DeliveryFailure, so the person hears why.
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { DeliveryReceipt, OutboundCall, OutboundSms, Telephony } from '../ports/deliveryPorts';
import type { Stores } from '../stores/ports';
import type { Clock } from '../security/random';

export interface SendingRules {
  /** Two-letter country codes; empty = any country. */
  readonly allowedCountries: readonly string[];
  readonly perNumberPerHour: number;
  readonly perUserPerHour: number;
}

const HOUR_MS = 60 * 60 * 1000;

export class RuleCheckedTelephony implements Telephony {
  constructor(
    private readonly inner: Telephony,
    private readonly deps: { readonly stores: Pick<Stores, 'optOuts' | 'sendLog'>; readonly rules: SendingRules; readonly clock: Clock },
  ) {}

  async sendSms(message: OutboundSms): Promise<DeliveryReceipt> {
    const refused = (await this.refusal(message.to, message.purpose.userId)) ?? (await this.optedOut(message.to));
    if (refused) return refused;
    const receipt = await this.inner.sendSms(message);
    await this.afterSend(message.to, message.purpose.userId, 'sms', receipt);
    return receipt;
  }

  async placeCall(call: OutboundCall): Promise<DeliveryReceipt> {
    const refused = await this.refusal(call.to, call.purpose.userId);
    if (refused) return refused;
    const receipt = await this.inner.placeCall(call);
    await this.afterSend(call.to, call.purpose.userId, 'voice', receipt);
    return receipt;
  }

  private async refusal(to: string, userId: string): Promise<DeliveryReceipt | null> {
    const { rules, stores, clock } = this.deps;
    if (rules.allowedCountries.length > 0) {
      const country = parsePhoneNumberFromString(to)?.country;
      if (country === undefined || !rules.allowedCountries.includes(country)) return { ok: false, failure: 'regionNotAllowed' };
    }
    const since = clock.now() - HOUR_MS;
    if ((await stores.sendLog.countForNumber(to, since)) >= rules.perNumberPerHour) return { ok: false, failure: 'rateLimited' };
    if ((await stores.sendLog.countForUser(userId, since)) >= rules.perUserPerHour) return { ok: false, failure: 'rateLimited' };
    return null;
  }

  private async optedOut(to: string): Promise<DeliveryReceipt | null> {
    const state = await this.deps.stores.optOuts.get(to);
    return state?.optedOut ? { ok: false, failure: 'optedOut' } : null;
  }

  private async afterSend(to: string, userId: string, channel: 'sms' | 'voice', receipt: DeliveryReceipt): Promise<void> {
    const { stores, clock } = this.deps;
    if (receipt.ok) {
      await stores.sendLog.append({ number: to, userId, channel, at: clock.now() });
    } else if (receipt.failure === 'optedOut' && channel === 'sms') {
      // The provider knew of a STOP we missed (e.g. sent to another of our numbers): remember it.
      await stores.optOuts.record({ number: to, optedOut: true, keyword: 'provider:21610', at: clock.now() });
    }
  }
}
