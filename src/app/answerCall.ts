// Use case "a verification call is answered": a machine (voicemail) gets nothing and the attempt ends as
// 'voicemail'; a person is asked for a key; a call nothing waits for any more says so and hangs up. Planned from
// reads (see WebhookPlan): only a machine's answer writes, and its answer (a hang-up) is known before.
import type { CallbackContext } from '../config/callbackUrls';
import { askForKey, callIntro, callNotExpected, endCall, failCall, loadCallTarget, type CallScript, type PhoneCallDeps } from './phoneCallSteps';
import { carriedOut, type WebhookPlan } from './webhookPlan';

export class AnswerCall {
  constructor(private readonly deps: PhoneCallDeps) {}

  async answer(context: CallbackContext, callSid: string, answeredByMachine: boolean): Promise<CallScript> {
    return carriedOut(await this.plan(context, callSid, answeredByMachine));
  }

  async plan(context: CallbackContext, callSid: string, answeredByMachine: boolean): Promise<WebhookPlan<CallScript>> {
    const target = await loadCallTarget(this.deps, context, callSid);
    if (!target.waiting || target.failed) return { kind: 'answered', answer: endCall(context, [callNotExpected(context)]) };
    if (answeredByMachine) {
      const hangUp: CallScript = { locale: context.locale, steps: [{ type: 'hangup' }] };
      return { kind: 'prepared', retryAnswer: hangUp, carryOut: async () => (await failCall(this.deps, context, callSid, 'voicemail'), hangUp) };
    }
    return { kind: 'answered', answer: askForKey(context, 1, [callIntro(context, this.deps.organisationName, target.number)]) };
  }

  /** Whether a machine's answer was recorded: the call's attempt no longer waits, or has its failure (the save of failCall). */
  async done(context: CallbackContext, callSid: string): Promise<boolean> {
    const target = await loadCallTarget(this.deps, context, callSid);
    return !target.waiting || target.failed;
  }
}
