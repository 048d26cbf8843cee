// In-process stand-ins for texts, calls, mail and notifications: everything sent is kept in a list that tests
// and the development routes can read. Used when no provider is configured.
import type { Reply } from '../domain/effects';
import type { Channel } from '../domain/user';
import type { DeliveryReceipt, Mailer, OutboundCall, OutboundMail, OutboundSms, Telephony, UserNotifier } from '../ports/deliveryPorts';

export type OutboxItem =
  | ({ readonly type: 'sms'; readonly ref: string } & OutboundSms)
  | ({ readonly type: 'call'; readonly ref: string } & OutboundCall)
  | ({ readonly type: 'mail'; readonly ref: string } & OutboundMail);

export class Outbox implements Telephony, Mailer {
  static readonly CAPACITY = 500;
  readonly items: OutboxItem[] = [];
  private counter = 0;
  /** Numbers or addresses that refuse delivery, with the failure to report. */
  readonly refusals = new Map<string, DeliveryReceipt & { ok: false }>();

  async sendSms(message: OutboundSms): Promise<DeliveryReceipt> {
    return this.accept(message.to, (ref) => ({ type: 'sms', ref, ...message }), 'SM');
  }

  async placeCall(call: OutboundCall): Promise<DeliveryReceipt> {
    return this.accept(call.to, (ref) => ({ type: 'call', ref, ...call }), 'CA');
  }

  async sendMail(mail: OutboundMail): Promise<DeliveryReceipt> {
    return this.accept(mail.to, (ref) => ({ type: 'mail', ref, ...mail }), 'ML');
  }

  last(type?: OutboxItem['type']): OutboxItem | undefined {
    return [...this.items].reverse().find((i) => type === undefined || i.type === type);
  }

  private accept(to: string, make: (ref: string) => OutboxItem, prefix: string): DeliveryReceipt {
    const refused = this.refusals.get(to);
    if (refused) return refused;
    const ref = `${prefix}${String(++this.counter).padStart(32, '0')}`;
    this.items.push(make(ref));
    // A long-running development server must not grow without bound: keep the newest items only.
    if (this.items.length > Outbox.CAPACITY) this.items.splice(0, this.items.length - Outbox.CAPACITY);
    return { ok: true, ref };
  }
}

export interface Notification {
  readonly userId: string;
  readonly channel: Channel;
  readonly message: Reply;
}

export class NotificationOutbox implements UserNotifier {
  readonly items: Notification[] = [];
  async notify(userId: string, channel: Channel, message: Reply): Promise<void> {
    this.items.push({ userId, channel, message });
  }
}

/** Production without SMTP: email codes cannot be delivered, so every mail is refused as unavailable. */
export class UnavailableMailer implements Mailer {
  async sendMail(): Promise<DeliveryReceipt> {
    return { ok: false, failure: 'unavailable' };
  }
}
