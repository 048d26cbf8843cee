// The rules every text and call obeys before it reaches a provider, whichever adapter sends it: no texts to a
// number that opted out, only to allowed countries, and at most so many sends per number and per person per hour
// (SMS-pumping protection), taken from the store's exact limits before sending. A refusal is a DeliveryFailure,
// so the person hears why. A caller may check them ahead (reserve) and send with the permit it gets.
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { DeliveryReceipt, OutboundCall, OutboundSms, PlannedSend, SendPermit, SendReservation, SendReservations, Telephony } from '../ports/deliveryPorts';
import type { RateLimitRequest, Stores } from '../ports/repositories';
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

export class RuleCheckedTelephony implements Telephony, SendReservations {
  /** Permits issued and not yet used: a permit counts once, and only one this instance issued. */
  private readonly issued = new WeakSet<SendPermit>();

  constructor(
    private readonly inner: Telephony,
    private readonly deps: { readonly stores: Pick<Stores, 'optOuts' | 'rateLimits'>; readonly rules: SendingRules; readonly clock: Clock },
  ) {}

  async sendSms(message: OutboundSms): Promise<DeliveryReceipt> {
    const checked = this.redeem(message.permit, message.to, message.purpose.userId, 'sms');
    const refused = checked ? refusalOf(checked) : (this.regionRefusal(message.to) ?? (await this.optedOut(message.to)) ?? (await this.overLimit(message.to, message.purpose.userId)));
    if (refused) return refused;
    const receipt = await this.inner.sendSms(message);
    await this.afterSend(message.to, 'sms', receipt);
    return receipt;
  }

  async placeCall(call: OutboundCall): Promise<DeliveryReceipt> {
    const checked = this.redeem(call.permit, call.to, call.purpose.userId, 'voice');
    const refused = checked ? refusalOf(checked) : (this.regionRefusal(call.to) ?? (await this.overLimit(call.to, call.purpose.userId)));
    if (refused) return refused;
    const receipt = await this.inner.placeCall(call);
    await this.afterSend(call.to, 'voice', receipt);
    return receipt;
  }

  /**
   * The rules of a send checked now, its hourly allowances taken together with `alongside` (one store
   * operation; the send's allowances both or neither). `alongside` is kept whenever its own limit allows, even
   * when the send is refused, so the caller goes ahead and learns of the refusal from the send, as without a
   * reservation.
   */
  async reserve(send: PlannedSend, alongside: RateLimitRequest, now: number): Promise<SendReservation> {
    const ruled = this.regionRefusal(send.to) ?? (send.channel === 'sms' ? await this.optedOut(send.to) : null);
    const limits = ruled ? [alongside] : [alongside, ...this.sendLimits(send.to, send.userId)];
    const taken = await this.deps.stores.rateLimits.takeAll(limits, now, [0]);
    if (!taken.allowed && taken.refusedBy.includes(0)) return { kind: 'refused', retryAfterMs: taken.retryAfterMs };
    if (ruled && !ruled.ok) return this.permit(send, ruled.failure);
    return this.permit(send, taken.allowed ? null : 'rateLimited');
  }

  private permit(send: PlannedSend, refusal: SendPermit['refusal']): SendReservation {
    const permit: SendPermit = Object.freeze({ to: send.to, userId: send.userId, channel: send.channel, refusal });
    this.issued.add(permit);
    return { kind: 'reserved', permit };
  }

  /** The permit when it is one of ours, unused, and for this very send; it is used up. */
  private redeem(permit: SendPermit | undefined, to: string, userId: string, channel: SendPermit['channel']): SendPermit | null {
    if (!permit || !this.issued.has(permit) || permit.to !== to || permit.userId !== userId || permit.channel !== channel) return null;
    this.issued.delete(permit);
    return permit;
  }

  private regionRefusal(to: string): DeliveryReceipt | null {
    const { allowedCountries } = this.deps.rules;
    if (allowedCountries.length === 0) return null;
    const country = parsePhoneNumberFromString(to)?.country;
    return country === undefined || !allowedCountries.includes(country) ? { ok: false, failure: 'regionNotAllowed' } : null;
  }

  /** The person's and the number's hourly allowances, the limits every text and call takes. */
  private sendLimits(to: string, userId: string): RateLimitRequest[] {
    const { rules } = this.deps;
    return [
      { scope: SEND_LIMIT_SCOPES.perUser, key: userId, limit: rules.perUserPerHour, windowMs: HOUR_MS },
      { scope: SEND_LIMIT_SCOPES.perNumber, key: to, limit: rules.perNumberPerHour, windowMs: HOUR_MS },
    ];
  }

  /**
   * Takes one send from the person's and the number's hourly allowance, both or neither (atomic per limit in the
   * store, across instances). Taken before sending, so a send the provider then fails still counts.
   */
  private async overLimit(to: string, userId: string): Promise<DeliveryReceipt | null> {
    const { stores, clock } = this.deps;
    return (await stores.rateLimits.takeAll(this.sendLimits(to, userId), clock.now())).allowed ? null : { ok: false, failure: 'rateLimited' };
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

function refusalOf(permit: SendPermit): DeliveryReceipt | null {
  return permit.refusal === null ? null : { ok: false, failure: permit.refusal };
}
