// The HelpDeskNotifier adapter: every report goes into the audit log; when the organisation has a help-desk
// email address it is also mailed there through the core's sendEmail effect (Mailer port; no code, no number).
import { reply, type Effect } from '../domain/effects';
import type { DeliveryReceipt } from '../ports/deliveryPorts';
import type { HelpDeskNotifier, HelpDeskReport } from '../ports/helpDesk';
import type { AuditLog } from '../ports/repositories';
import type { Clock } from '../ports/clock';

export interface HelpDeskNotifierDeps {
  readonly email: string | undefined;
  readonly organisationName: string;
  readonly locale: string;
  /** The core's effect runner (renders and mails). */
  readonly effects: { run(effect: Effect, locale: string): Promise<DeliveryReceipt | null> };
  readonly audit: AuditLog;
  readonly clock: Clock;
}

export class MailingHelpDeskNotifier implements HelpDeskNotifier {
  constructor(private readonly deps: HelpDeskNotifierDeps) {}

  async report(report: HelpDeskReport): Promise<void> {
    const { deps } = this;
    let mailed = false;
    if (deps.email !== undefined) {
      const params = { org: deps.organisationName, userId: report.userId, refId: report.refId };
      const receipt = await deps.effects.run(
        {
          type: 'sendEmail',
          to: deps.email,
          subject: reply(report.reason === 'repeatedDenials' ? 'email.helpDeskReport.subject' : 'voice.helpDeskReport.subject', params),
          body: reply(report.reason === 'repeatedDenials' ? 'email.helpDeskReport.repeatedDenials' : `voice.helpDeskReport.${report.kind}`, params),
          locale: deps.locale,
          purpose: { kind: report.kind, userId: report.userId, refId: report.refId },
        },
        deps.locale,
      );
      mailed = receipt?.ok === true;
    }
    await deps.audit.append(
      { userId: report.userId, actor: 'system', action: 'helpdesk:reported', channel: report.channel, details: { reason: report.reason, kind: report.kind, refId: report.refId, mailed } },
      deps.clock.now(),
    );
  }
}
