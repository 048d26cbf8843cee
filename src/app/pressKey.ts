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
import type { Stores, WebhookLedger } from '../ports/repositories';
import type { WebhookPlan } from './webhookPlan';
import { askAgain, askForKey, callIntro, callNotExpected, endCall, loadCallTarget, MAX_PROMPTS, type CallScript, type PhoneCallDeps } from './phoneCallSteps';

export interface PressKeyDeps extends PhoneCallDeps {
  /** webhooks: where a read-aloud call's readings are found (their claims; recordCallStatus looks there too). */
  readonly stores: PhoneCallDeps['stores'] & Pick<Stores, 'webhooks'>;
  readonly secrets: Pick<SecretOps, 'open'>;
  readonly helpDesk: HelpDeskNotifier;
  readonly notifier: UserNotifier;
}

/** The ledger id of the key pressed at prompt number `attempt` of a call. */
export const keyPressWebhookId = (callSid: string, attempt: number): string => `${callSid}:key:${attempt}`;

/**
 * True when the call's code was read at a prompt before `before`. A reading is the only key press whose claim
 * carries a prepared answer (the goodbye its retries hear: see PressKey.plan), so the readings are found by
 * their claims, with no mark written besides.
 */
export async function codeWasRead(webhooks: Pick<WebhookLedger, 'get'>, callSid: string, before: number = MAX_PROMPTS + 1): Promise<boolean> {
  for (let attempt = before - 1; attempt >= 1; attempt--) {
    if ((await webhooks.get(keyPressWebhookId(callSid, attempt)))?.prepared !== undefined) return true;
  }
  return false;
}

export class PressKey {
  constructor(private readonly deps: PressKeyDeps) {}

  /**
   * The caller pressed `digits` (empty: nothing within the timeout) at prompt number `attempt`. What the call says
   * next, from reads alone where nothing is written (see WebhookPlan): a call nothing waits for, silence, and a
   * reading of the code (its retries hear a goodbye, never the code; the delivery's claim, carrying that goodbye
   * as its prepared answer, is what notes the reading); a key the machine decides on is applied first.
   */
  async plan(context: CallbackContext, callSid: string, digits: string, attempt: number): Promise<WebhookPlan<CallScript>> {
    const before = await loadCallTarget(this.deps, context, callSid);
    if (!before.waiting || before.failed) return answered(endCall(context, [callNotExpected(context)]));
    // Silence after the code was read (a reading asks for the next prompt, so it was read at the one before): the person has it.
    if (digits === '' && context.mode === 'readCode' && (await this.deps.stores.webhooks.get(keyPressWebhookId(callSid, attempt - 1)))?.prepared !== undefined) {
      return answered(endCall(context, [reply('voice.call.goodbye')]));
    }
    if (digits === '') return answered(askAgain(context, attempt, [reply('voice.call.noInput'), callIntro(context, this.deps.organisationName, before.number)]));
    const key = digits.slice(0, 1);
    if (context.mode === 'readCode' && key !== '0') {
      if (before.sealedCode === null) return answered(endCall(context, [callNotExpected(context)]));
      const sealed = before.sealedCode;
      return { kind: 'prepared', retryAnswer: endCall(context, [reply('voice.call.giveUp')]), carryOut: async () => this.readCode(context, sealed, attempt) };
    }
    return {
      kind: 'work',
      carryOut: async () => {
        const replies = await this.apply(context, callSid, key);
        const after = await loadCallTarget(this.deps, context, callSid);
        if (after.denied) await this.reportDenial(context);
        if (after.waiting) return askAgain(context, attempt, replies);
        return endCall(context, replies);
      },
    };
  }

  /** Whether a prepared answer's writes were made: a reading writes nothing, so it is done once claimed. */
  done(): boolean {
    return true;
  }

  private readCode(context: CallbackContext, sealed: SealedSecret, attempt: number): CallScript {
    // Opened only to be spoken; never logged, never stored in the clear.
    const code = this.deps.secrets.open(sealed, `code:${context.purpose.refId}`);
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

function answered(script: CallScript): WebhookPlan<CallScript> {
  return { kind: 'answered', answer: script };
}
