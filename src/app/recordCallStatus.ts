// Use case "a call's status is reported": every report is recorded; a call that ended without the person
// confirming (busy, no answer, voicemail, hung up before a key) becomes a delivery failure for its machine. A
// read-aloud call whose code was read has done its job: the person types the code where they started.
// The status record is written last: it tells a webhook retry that the report was dealt with (`recorded`).
import type { DeliveryFailure } from '../domain/enrollmentRecord';
import type { CallbackContext } from '../config/callbackUrls';
import type { Stores } from '../ports/repositories';
import { failCall, loadCallTarget, type PhoneCallDeps } from './phoneCallSteps';
import { codeWasRead } from './pressKey';

export interface CallStatusReport {
  readonly callSid: string;
  readonly status: string;
  readonly errorCode: number | null;
  readonly answeredByMachine: boolean;
  /** The failure the provider's status itself means (busy, no answer…); null when it means none by itself. */
  readonly failure: DeliveryFailure | null;
}

export interface RecordCallStatusDeps extends PhoneCallDeps {
  readonly stores: PhoneCallDeps['stores'] & Pick<Stores, 'deliveryStatuses' | 'webhooks'>;
}

export class RecordCallStatus {
  constructor(private readonly deps: RecordCallStatusDeps) {}

  async record(context: CallbackContext, report: CallStatusReport): Promise<void> {
    const { stores, clock } = this.deps;
    const { callSid, status } = report;
    const now = clock.now();
    await this.applyFailure(context, report);
    await stores.deliveryStatuses.append({ ref: callSid, kind: 'call', status, errorCode: report.errorCode, at: now });
  }

  /** True once `record` has finished for this call and status (a retry of its webhook is then answered at once). */
  async recorded(callSid: string, status: string): Promise<boolean> {
    return (await this.deps.stores.deliveryStatuses.listForRef(callSid)).some((r) => r.kind === 'call' && r.status === status);
  }

  private async applyFailure(context: CallbackContext, report: CallStatusReport): Promise<void> {
    const { callSid, status } = report;
    const target = await loadCallTarget(this.deps, context, callSid);
    if (!target.waiting || target.failed) return;
    let reason = report.failure;
    if (reason === null && status === 'completed') {
      if (report.answeredByMachine) reason = 'voicemail';
      else if (context.mode !== 'readCode' || !(await codeWasRead(this.deps.stores.webhooks, callSid))) reason = 'notConfirmed';
    }
    if (reason !== null) await failCall(this.deps, context, callSid, reason);
  }
}
