// Message status callbacks as events: every report is recorded; a text that failed or went undelivered becomes
// a delivery failure for the enrollment or challenge it carried, with Twilio's error code in the audit log.
import type { Core } from '../../core';
import type { Stores } from '../../ports/repositories';
import type { Clock } from '../../ports/clock';
import type { CallbackContext } from '../../telephony/callbackUrls';
import { failureForTwilioCode } from '../../telephony/twilioErrors';

export interface MessageStatusReport {
  readonly messageSid: string;
  readonly status: string;
  readonly errorCode: number | null;
  readonly to: string | null;
}

export class MessageStatuses {
  constructor(
    private readonly deps: {
      readonly core: Pick<Core, 'enrollment' | 'verification'>;
      readonly stores: Pick<Stores, 'users' | 'challenges' | 'deliveryStatuses' | 'audit' | 'optOuts'>;
      readonly clock: Clock;
    },
  ) {}

  async report(context: CallbackContext, status: MessageStatusReport): Promise<void> {
    const { stores, clock, core } = this.deps;
    const now = clock.now();
    await stores.deliveryStatuses.append({ ref: status.messageSid, kind: 'message', status: status.status, errorCode: status.errorCode, at: now });
    if (status.status !== 'failed' && status.status !== 'undelivered') return;
    const reason = failureForTwilioCode(status.errorCode);
    const { purpose } = context;
    await stores.audit.append(
      { userId: purpose.userId, actor: 'twilio', action: 'sms:deliveryFailed', channel: 'sms', details: { ref: status.messageSid, errorCode: status.errorCode, reason, refId: purpose.refId } },
      now,
    );
    if (reason === 'optedOut' && status.to !== null) await stores.optOuts.record({ number: status.to, optedOut: true, keyword: 'provider:21610', at: now });
    if (purpose.kind === 'enrollment') {
      const enrollment = (await stores.users.get(purpose.userId))?.enrollment;
      const step = enrollment?.step;
      // The machine ignores a report for an older text (deliveryRef differs); only a live attempt is failed.
      if (enrollment?.id !== purpose.refId || step?.name !== 'codeSent' || step.deliveryFailure !== null) return;
      await core.enrollment.apply(purpose.userId, { type: 'deliveryFailed', reason, deliveryRef: status.messageSid }, { channel: 'sms' });
      return;
    }
    const challenge = await stores.challenges.get(purpose.refId);
    if (!challenge || challenge.status !== 'pending' || (challenge.deliveryRef !== null && challenge.deliveryRef !== status.messageSid)) return;
    await core.verification.apply(challenge.id, { type: 'deliveryFailed', reason }, 'sms');
  }
}
