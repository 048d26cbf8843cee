// Use case "a text's delivery status is reported": every report is recorded; a text that did not arrive becomes a
// delivery failure for the enrollment or challenge it carried (only the live attempt), with the provider's code in
// the audit log; a notice that did not arrive is only audited. The channel has already translated the provider's status and code into a DeliveryFailure.
// The status record is written last: it is what tells a webhook retry that the report was dealt with (`recorded`),
// so the webhook ledger needs no second write for it.
import { isSameSend, type DeliveryFailure } from '../domain/enrollmentRecord';
import type { CallbackContext } from '../config/callbackUrls';
import type { EnrollmentService } from '../enrollment/enrollmentService';
import type { VerificationService } from '../verification/verificationService';
import type { Stores } from '../ports/repositories';
import type { Clock } from '../ports/clock';

export interface DeliveryStatusReport {
  readonly messageSid: string;
  readonly status: string;
  readonly errorCode: number | null;
  /** The number the text was sent to, when the provider says. */
  readonly to: string | null;
  /** Why the text did not arrive; null while it is on its way or once delivered. */
  readonly failure: DeliveryFailure | null;
}

export interface RecordDeliveryStatusDeps {
  readonly enrollment: Pick<EnrollmentService, 'apply'>;
  readonly verification: Pick<VerificationService, 'apply'>;
  readonly stores: Pick<Stores, 'users' | 'challenges' | 'deliveryStatuses' | 'audit' | 'optOuts'>;
  readonly clock: Clock;
}

export class RecordDeliveryStatus {
  constructor(private readonly deps: RecordDeliveryStatusDeps) {}

  async record(context: CallbackContext, report: DeliveryStatusReport): Promise<void> {
    const now = this.deps.clock.now();
    await this.applyFailure(context, report, now);
    await this.deps.stores.deliveryStatuses.append({ ref: report.messageSid, kind: 'message', status: report.status, errorCode: report.errorCode, at: now });
  }

  /** True once `record` has finished for this text and status (a retry of its webhook is then answered at once). */
  async recorded(messageSid: string, status: string): Promise<boolean> {
    return (await this.deps.stores.deliveryStatuses.listForRef(messageSid)).some((r) => r.kind === 'message' && r.status === status);
  }

  private async applyFailure(context: CallbackContext, report: DeliveryStatusReport, now: number): Promise<void> {
    const { stores, enrollment, verification } = this.deps;
    const reason = report.failure;
    if (reason === null) return;
    const { purpose } = context;
    // A notice that did not arrive is audited as such (the help desk may want to know); nothing waits on it.
    const action = purpose.kind === 'notice' ? 'notice:deliveryFailed' : 'sms:deliveryFailed';
    await stores.audit.append(
      { userId: purpose.userId, actor: 'twilio', action, channel: 'sms', details: { ref: report.messageSid, errorCode: report.errorCode, reason, refId: purpose.refId } },
      now,
    );
    if (reason === 'optedOut' && report.to !== null) await stores.optOuts.record({ number: report.to, optedOut: true, keyword: `provider:${report.errorCode ?? ''}`, at: now });
    if (purpose.kind === 'notice') return;
    if (purpose.kind === 'enrollment') {
      const current = (await stores.users.get(purpose.userId))?.enrollment;
      const step = current?.step;
      // Only the live attempt is failed: a report for an older text (another send number) changes nothing.
      if (current?.id !== purpose.refId || step?.name !== 'codeSent' || step.deliveryFailure !== null) return;
      if (!isSameSend(step, purpose.send, report.messageSid)) return;
      await enrollment.apply(purpose.userId, { type: 'deliveryFailed', reason, deliveryRef: report.messageSid, send: purpose.send }, { channel: 'sms' });
      return;
    }
    // A challenge sends one text, so its id (in the address) names the attempt; older records also stored the sid.
    const challenge = await stores.challenges.get(purpose.refId);
    if (!challenge || challenge.status !== 'pending' || (challenge.deliveryRef != null && challenge.deliveryRef !== report.messageSid)) return;
    await verification.apply(challenge.id, { type: 'deliveryFailed', reason }, 'sms');
  }
}
