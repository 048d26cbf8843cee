// Use case "a key is pressed on a verification call": '#' approves and '0' says "this wasn't me" (the machine
// decides; a denial is then reported to the help desk, and for a sign-in the person is told in Teams), other keys
// re-prompt up to MAX_PROMPTS; on a read-aloud call any key but '0' reads the code and offers "press 1 to hear it
// again", up to MAX_PROMPTS readings in all (the prompt number bounds the loop). Returns what the call says next.
import { reply, type Reply } from '../domain/effects';
import type { SealedSecret } from '../domain/user';
import type { CallbackContext } from '../config/callbackUrls';
import type { SecretOps } from '../enrollment/enrollmentPolicy';
import type { HelpDeskNotifier } from '../ports/helpDesk';
import type { UserNotifier } from '../ports/deliveryPorts';
import type { Stores } from '../ports/repositories';
import { askAgain, askForKey, callIntro, callNotExpected, endCall, loadCallTarget, MAX_PROMPTS, type CallScript, type PhoneCallDeps } from './phoneCallSteps';

export interface PressKeyDeps extends PhoneCallDeps {
  /** webhooks: where a read-aloud call notes that its code was read (recordCallStatus looks for it). */
  readonly stores: PhoneCallDeps['stores'] & Pick<Stores, 'webhooks'>;
  readonly secrets: Pick<SecretOps, 'open'>;
  readonly helpDesk: HelpDeskNotifier;
  readonly notifier: UserNotifier;
}

/** The ledger entry a read-aloud call leaves once its code was spoken. */
export const codeReadMark = (callSid: string): string => `${callSid}:codeRead`;

export class PressKey {
  constructor(private readonly deps: PressKeyDeps) {}

  /** The caller pressed `digits` (empty: nothing within the timeout) at prompt number `attempt`. */
  async press(context: CallbackContext, callSid: string, digits: string, attempt: number): Promise<CallScript> {
    const before = await loadCallTarget(this.deps, context, callSid);
    if (!before.waiting || before.failed) return endCall(context, [callNotExpected(context)]);
    // Silence after the code was read: the person has it.
    if (digits === '' && context.mode === 'readCode' && (await this.deps.stores.webhooks.get(codeReadMark(callSid))) !== null) return endCall(context, [reply('voice.call.goodbye')]);
    if (digits === '') return askAgain(context, attempt, [reply('voice.call.noInput'), callIntro(context, this.deps.organisationName, before.number)]);
    const key = digits.slice(0, 1);
    if (context.mode === 'readCode' && key !== '0') return this.readCode(context, callSid, before.sealedCode, attempt);

    const replies = await this.apply(context, callSid, key);
    const after = await loadCallTarget(this.deps, context, callSid);
    if (after.denied) await this.reportDenial(context);
    if (after.waiting) return askAgain(context, attempt, replies);
    return endCall(context, replies);
  }

  private async readCode(context: CallbackContext, callSid: string, sealed: SealedSecret | null, attempt: number): Promise<CallScript> {
    if (sealed === null) return endCall(context, [callNotExpected(context)]);
    // Opened only to be spoken; never logged, never stored in the clear.
    const code = this.deps.secrets.open(sealed, `code:${context.purpose.refId}`);
    await this.deps.stores.webhooks.claim(codeReadMark(callSid), this.deps.clock.now());
    // Digit by digit ("4, 0, 7…"), never as a quantity.
    const digits = [...code].join(', ');
    if (attempt >= MAX_PROMPTS) return endCall(context, [reply('voice.call.codeIs', { digits }), reply('voice.call.codeAgain', { digits })]);
    return askForKey(context, attempt + 1, [reply('voice.call.codeIs', { digits }), reply('voice.call.hearAgain')]);
  }

  private async apply(context: CallbackContext, callSid: string, key: string): Promise<readonly Reply[]> {
    const { enrollment, verification } = this.deps;
    const { purpose } = context;
    // A notice is never a call: nothing waits on a key.
    if (purpose.kind === 'notice') return [];
    if (purpose.kind === 'enrollment') return enrollment.apply(purpose.userId, { type: 'callKeyPressed', key, callRef: callSid, send: purpose.send }, { channel: 'voice' });
    return (await verification.apply(purpose.refId, { type: 'callKeyPressed', key }, 'voice')).replies;
  }

  private async reportDenial(context: CallbackContext): Promise<void> {
    const { purpose } = context;
    if (purpose.kind === 'notice') return;
    await this.deps.helpDesk.report({ userId: purpose.userId, kind: purpose.kind, refId: purpose.refId, reason: 'deniedByPhone', channel: 'voice' });
    // The enrollment machine tells the person itself; a sign-in has no chat of its own, so tell them in Teams.
    if (purpose.kind === 'verification') await this.deps.notifier.notify(purpose.userId, 'teams', reply('verification.deniedOnCall'));
  }
}
