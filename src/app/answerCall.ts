// Use case "a verification call is answered": a machine (voicemail) gets nothing and the attempt ends as
// 'voicemail'; a person is asked for a key; a call nothing waits for any more says so and hangs up.
import type { CallbackContext } from '../config/callbackUrls';
import { askForKey, callIntro, callNotExpected, endCall, failCall, loadCallTarget, type CallScript, type PhoneCallDeps } from './phoneCallSteps';

export class AnswerCall {
  constructor(private readonly deps: PhoneCallDeps) {}

  async answer(context: CallbackContext, callSid: string, answeredByMachine: boolean): Promise<CallScript> {
    const target = await loadCallTarget(this.deps, context, callSid);
    if (!target.waiting || target.failed) return endCall(context, [callNotExpected(context)]);
    if (answeredByMachine) {
      await failCall(this.deps, context, callSid, 'voicemail');
      return { locale: context.locale, steps: [{ type: 'hangup' }] };
    }
    return askForKey(context, 1, [callIntro(context, this.deps.organisationName, target.number)]);
  }
}
