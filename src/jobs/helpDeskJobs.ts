// Help-desk reports through the job queue: report() only stores the job (one per reason and case, so a repeated
// report is the same job), and the handler mails and audits it as MailingHelpDeskNotifier does, from any instance.
import type { HelpDeskNotifier, HelpDeskReport } from '../ports/helpDesk';
import type { JobQueue } from '../ports/jobQueue';
import type { Clock } from '../ports/clock';
import type { Channel } from '../domain/user';
import { JobFailure, type JobHandler } from './jobWorker';

export const HELP_DESK_REPORT_JOB = 'helpDeskReport';

export const helpDeskJobId = (report: HelpDeskReport): string => `helpdesk:${report.reason}:${report.kind}:${report.refId}`;

export class QueuedHelpDeskNotifier implements HelpDeskNotifier {
  constructor(private readonly deps: { readonly queue: JobQueue; readonly clock: Clock }) {}

  async report(report: HelpDeskReport): Promise<void> {
    const now = this.deps.clock.now();
    const { userId, kind, refId, reason, channel } = report;
    await this.deps.queue.enqueue({ id: helpDeskJobId(report), kind: HELP_DESK_REPORT_JOB, payload: { userId, kind, refId, reason, channel }, dueAt: now }, now);
  }
}

const KINDS: readonly string[] = ['enrollment', 'verification'];
const REASONS: readonly string[] = ['deniedByPhone', 'repeatedDenials'];

/** The handler: reads the report back from the payload and hands it to the mailing notifier. */
export function helpDeskReportHandler(mailing: HelpDeskNotifier): JobHandler {
  return async (job) => {
    const { userId, kind, refId, reason, channel } = job.payload;
    if (typeof userId !== 'string' || typeof refId !== 'string' || typeof channel !== 'string' || typeof kind !== 'string' || !KINDS.includes(kind) || typeof reason !== 'string' || !REASONS.includes(reason)) {
      throw new JobFailure('help-desk report job with a malformed payload', true);
    }
    await mailing.report({ userId, refId, channel: channel as Channel, kind: kind as HelpDeskReport['kind'], reason: reason as HelpDeskReport['reason'] });
  };
}
