// The Mailer over SMTP (nodemailer), used when SMTP_URL is set; without it the simulated outbox stands in.
// Codes are in the message text: nothing here logs a message, and a refusal is a receipt, not an exception.
import nodemailer, { type Transporter } from 'nodemailer';
import type { DeliveryReceipt, Mailer, OutboundMail } from '../ports/deliveryPorts';

export interface SmtpMailerOptions {
  /** smtp:// or smtps:// URL, credentials included (a secret). */
  readonly url: string;
  /** The From address, e.g. "Signet <signet@school.example>". */
  readonly from: string;
}

export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;

  constructor(
    private readonly options: SmtpMailerOptions,
    transport?: Transporter,
  ) {
    this.transport = transport ?? nodemailer.createTransport(options.url);
  }

  async sendMail(mail: OutboundMail): Promise<DeliveryReceipt> {
    try {
      const info = (await this.transport.sendMail({ from: this.options.from, to: mail.to, subject: mail.subject, text: mail.text })) as { messageId?: unknown; rejected?: unknown };
      if (Array.isArray(info.rejected) && info.rejected.length > 0) return { ok: false, failure: 'failed' };
      return { ok: true, ref: typeof info.messageId === 'string' ? info.messageId : 'smtp' };
    } catch (error) {
      // 5xx: the server refused the address for good; anything else (connection, 4xx) is a passing outage.
      const code = (error as { responseCode?: unknown }).responseCode;
      return { ok: false, failure: typeof code === 'number' && code >= 500 ? 'failed' : 'unavailable' };
    }
  }
}
