// A verification call, step by step, as events: answering (a machine gets nothing and the attempt ends as
// 'voicemail'), the key pressed ('#' confirms, '0' denies, others re-prompt, at most three tries), and the code
// read aloud after a key press. Returns a VoiceScript; the record's state, not the handler, decides what comes next.
import { reply, type Reply } from '../../domain/effects';
import type { Core } from '../../core';
import type { SecretOps } from '../../enrollment/enrollmentPolicy';
import type { SealedSecret } from '../../domain/user';
import type { HelpDeskNotifier } from '../../ports/helpDesk';
import type { UserNotifier } from '../../ports/deliveryPorts';
import type { Stores } from '../../ports/repositories';
import type { Clock } from '../../ports/clock';
import { callbackUrl, TWILIO_PATHS, type CallbackContext } from '../../telephony/callbackUrls';
import type { DeliveryFailure } from '../../enrollment/enrollmentTypes';
import type { VoiceScript, VoiceStep } from './twiml';

/** How many times a caller is asked before the call ends (first prompt included). */
export const MAX_PROMPTS = 3;

export interface VoiceCallDeps {
  readonly core: Pick<Core, 'enrollment' | 'verification'>;
  readonly stores: Pick<Stores, 'users' | 'challenges' | 'webhooks'>;
  readonly secrets: Pick<SecretOps, 'open'>;
  readonly helpDesk: HelpDeskNotifier;
  readonly notifier: UserNotifier;
  readonly organisationName: string;
  readonly publicBaseUrl: string;
  readonly clock: Clock;
}

/** What a call is for, as loaded from the store at this moment. */
interface CallTarget {
  /** The record still waits for this call's answer. */
  readonly waiting: boolean;
  /** A delivery failure was already recorded for the attempt (e.g. voicemail). */
  readonly failed: boolean;
  readonly sealedCode: SealedSecret | null;
  readonly denied: boolean;
}

export class VoiceCalls {
  constructor(private readonly deps: VoiceCallDeps) {}

  /** The call was answered (by a person, or a machine when AnsweredBy says so). */
  async answered(context: CallbackContext, callSid: string, answeredByMachine: boolean): Promise<VoiceScript> {
    const target = await this.load(context, callSid);
    if (!target.waiting || target.failed) return this.end(context, [this.notExpected(context)]);
    if (answeredByMachine) {
      await this.fail(context, callSid, 'voicemail');
      return { locale: context.locale, steps: [{ type: 'hangup' }] };
    }
    return { locale: context.locale, steps: [this.gather(context, 1, [this.intro(context)])] };
  }

  /** The caller pressed `digits` (empty: nothing within the timeout) at prompt number `attempt`. */
  async keyPressed(context: CallbackContext, callSid: string, digits: string, attempt: number): Promise<VoiceScript> {
    const before = await this.load(context, callSid);
    if (!before.waiting || before.failed) return this.end(context, [this.notExpected(context)]);
    if (digits === '') return this.again(context, attempt, [reply('voice.call.noInput'), this.intro(context)]);
    const key = digits.slice(0, 1);
    if (context.mode === 'readCode' && key !== '0') return this.readCode(context, callSid, before.sealedCode);

    const replies = await this.apply(context, callSid, key);
    const after = await this.load(context, callSid);
    if (after.denied) await this.reportDenial(context);
    if (after.waiting) return this.again(context, attempt, replies);
    return this.end(context, replies);
  }

  /** The call ended with `status`; a call that never confirmed becomes a delivery failure for the machine. */
  async statusChanged(context: CallbackContext, callSid: string, status: string, answeredByMachine: boolean, failure: DeliveryFailure | null): Promise<void> {
    const target = await this.load(context, callSid);
    if (!target.waiting || target.failed) return;
    let reason = failure;
    if (reason === null && status === 'completed') {
      if (answeredByMachine) reason = 'voicemail';
      // A read-aloud call has done its job once the code was read: the person types it where they started.
      else if (context.mode !== 'readCode' || (await this.deps.stores.webhooks.get(`${callSid}:codeRead`)) === null) reason = 'notConfirmed';
    }
    if (reason !== null) await this.fail(context, callSid, reason);
  }

  private async readCode(context: CallbackContext, callSid: string, sealed: SealedSecret | null): Promise<VoiceScript> {
    if (sealed === null) return this.end(context, [this.notExpected(context)]);
    // Opened only to be spoken; never logged, never stored in the clear.
    const code = this.deps.secrets.open(sealed, `code:${context.purpose.refId}`);
    await this.deps.stores.webhooks.claim(`${callSid}:codeRead`, this.deps.clock.now());
    const digits = [...code].join(', ');
    return this.end(context, [reply('voice.call.codeIs', { digits }), reply('voice.call.codeAgain', { digits })]);
  }

  private async apply(context: CallbackContext, callSid: string, key: string): Promise<readonly Reply[]> {
    const { core } = this.deps;
    const { purpose } = context;
    if (purpose.kind === 'enrollment') return core.enrollment.apply(purpose.userId, { type: 'callKeyPressed', key, callRef: callSid }, { channel: 'voice' });
    return (await core.verification.apply(purpose.refId, { type: 'callKeyPressed', key }, 'voice')).replies;
  }

  private async fail(context: CallbackContext, callSid: string, reason: DeliveryFailure): Promise<void> {
    const { core } = this.deps;
    const { purpose } = context;
    if (purpose.kind === 'enrollment') await core.enrollment.apply(purpose.userId, { type: 'deliveryFailed', reason, deliveryRef: callSid }, { channel: 'voice' });
    else await core.verification.apply(purpose.refId, { type: 'deliveryFailed', reason }, 'voice');
  }

  private async reportDenial(context: CallbackContext): Promise<void> {
    const { purpose } = context;
    await this.deps.helpDesk.report({ userId: purpose.userId, kind: purpose.kind, refId: purpose.refId, reason: 'deniedByPhone', channel: 'voice' });
    // The enrollment machine tells the person itself; a sign-in has no chat of its own, so tell them in Teams.
    if (purpose.kind === 'verification') await this.deps.notifier.notify(purpose.userId, 'teams', reply('verification.deniedOnCall'));
  }

  private async load(context: CallbackContext, callSid: string): Promise<CallTarget> {
    const { stores, clock } = this.deps;
    const { purpose } = context;
    const sameCall = (ref: string | null): boolean => ref === null || ref === callSid;
    if (purpose.kind === 'enrollment') {
      const enrollment = (await stores.users.get(purpose.userId))?.enrollment;
      if (!enrollment || enrollment.id !== purpose.refId) return { waiting: false, failed: false, sealedCode: null, denied: false };
      const step = enrollment.step;
      if (step.name === 'failed') return { waiting: false, failed: false, sealedCode: null, denied: step.reason === 'deniedByPhone' };
      const waiting = step.name === 'codeSent' && step.delivery === 'voice' && sameCall(step.deliveryRef) && clock.now() < step.expiresAt;
      return { waiting, failed: step.name === 'codeSent' && step.deliveryFailure !== null, sealedCode: step.name === 'codeSent' ? step.sealedCode : null, denied: false };
    }
    const challenge = await stores.challenges.get(purpose.refId);
    if (!challenge || challenge.userId !== purpose.userId || challenge.method !== 'voice') return { waiting: false, failed: false, sealedCode: null, denied: false };
    const waiting = challenge.status === 'pending' && sameCall(challenge.deliveryRef) && clock.now() < challenge.expiresAt;
    return { waiting, failed: false, sealedCode: challenge.sealedCode, denied: challenge.status === 'denied' && challenge.reason === 'deniedByUser' };
  }

  private intro(context: CallbackContext): Reply {
    const org = this.deps.organisationName;
    if (context.mode === 'readCode') return reply('voice.call.readCodeIntro', { org });
    return reply(context.purpose.kind === 'enrollment' ? 'voice.call.pressKeyIntro.enrollment' : 'voice.call.pressKeyIntro.verification', { org });
  }

  private notExpected(context: CallbackContext): Reply {
    return reply(context.purpose.kind === 'enrollment' ? 'voice.enrollment.notExpected' : 'voice.verification.notExpected');
  }

  private again(context: CallbackContext, attempt: number, said: readonly Reply[]): VoiceScript {
    if (attempt >= MAX_PROMPTS) return this.end(context, [reply('voice.call.giveUp')]);
    return { locale: context.locale, steps: [this.gather(context, attempt + 1, said)] };
  }

  private gather(context: CallbackContext, attempt: number, prompt: readonly Reply[]): VoiceStep {
    return { type: 'gather', action: callbackUrl(this.deps.publicBaseUrl, TWILIO_PATHS.voiceKey, context, { attempt: String(attempt) }), prompt };
  }

  private end(context: CallbackContext, said: readonly Reply[]): VoiceScript {
    return { locale: context.locale, steps: [...said.map((message): VoiceStep => ({ type: 'say', message })), { type: 'hangup' }] };
  }
}
