// The rules every text and call obeys before it reaches a provider, whichever adapter sends it: no texts to a
// number that opted out, only to allowed countries, and at most so many sends per number and per person per hour
// (SMS-pumping protection), taken from the store's exact limits before sending. A refusal is a DeliveryFailure,
// so the person hears why.
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { DeliveryReceipt, OutboundCall, OutboundSms, Telephony } from '../ports/deliveryPorts';
import type { Stores } from '../ports/repositories';
import type { Clock } from '../ports/clock';

export interface SendingRules {
  /** Two-letter country codes; empty = any country. */
  readonly allowedCountries: readonly string[];
  readonly perNumberPerHour: number;
  readonly perUserPerHour: number;
}

const HOUR_MS = 60 * 60 * 1000;
/** Rate-limit scopes: texts and calls count together, per number and per person. */
export const SEND_LIMIT_SCOPES = { perNumber: 'send:number', perUser: 'send:user' } as const;

export class RuleCheckedTelephony implements Telephony {
  constructor(
    private readonly inner: Telephony,
    private readonly deps: { readonly stores: Pick<Stores, 'optOuts' | 'rateLimits'>; readonly rules: SendingRules; readonly clock: Clock },
  ) {}

  async sendSms(message: OutboundSms): Promise<DeliveryReceipt> {
    const refused = this.regionRefusal(message.to) ?? (await this.optedOut(message.to)) ?? (await this.overLimit(message.to, message.purpose.userId));
    if (refused) return refused;
    const receipt = await this.inner.sendSms(message);
    await this.afterSend(message.to, 'sms', receipt);
    return receipt;
  }

  async placeCall(call: OutboundCall): Promise<DeliveryReceipt> {
    const refused = this.regionRefusal(call.to) ?? (await this.overLimit(call.to, call.purpose.userId));
    if (refused) return refused;
    const receipt = await this.inner.placeCall(call);
    await this.afterSend(call.to, 'voice', receipt);
    return receipt;
  }

  private regionRefusal(to: string): DeliveryReceipt | null {
    const { allowedCountries } = this.deps.rules;
    if (allowedCountries.length === 0) return null;
    const country = parsePhoneNumberFromString(to)?.country;
    return country === undefined || !allowedCountries.includes(country) ? { ok: false, failure: 'regionNotAllowed' } : null;
  }

  /**
   * Takes one send from the person's and then the number's hourly allowance (atomic in the store, across
   * instances). Taken before sending, so a send the provider then fails still counts, and a send the number's
   * limit refuses has used one of the person's: both err on the side of fewer texts.
   */
  private async overLimit(to: string, userId: string): Promise<DeliveryReceipt | null> {
    const { rules, stores, clock } = this.deps;
    const now = clock.now();
    if (!(await stores.rateLimits.take(SEND_LIMIT_SCOPES.perUser, userId, rules.perUserPerHour, HOUR_MS, now)).allowed) return { ok: false, failure: 'rateLimited' };
    if (!(await stores.rateLimits.take(SEND_LIMIT_SCOPES.perNumber, to, rules.perNumberPerHour, HOUR_MS, now)).allowed) return { ok: false, failure: 'rateLimited' };
    return null;
  }

  private async optedOut(to: string): Promise<DeliveryReceipt | null> {
    const state = await this.deps.stores.optOuts.get(to);
    return state?.optedOut ? { ok: false, failure: 'optedOut' } : null;
  }

  private async afterSend(to: string, channel: 'sms' | 'voice', receipt: DeliveryReceipt): Promise<void> {
    // No send log is written: nothing read it once the limits became the store's own (rateLimits).
    const { stores, clock } = this.deps;
    if (!receipt.ok && receipt.failure === 'optedOut' && channel === 'sms') {
      // The provider knew of a STOP we missed (e.g. sent to another of our numbers): remember it.
      await stores.optOuts.record({ number: to, optedOut: true, keyword: 'provider:21610', at: clock.now() });
    }
  }
}
