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
import type { User } from '../domain/user';
import type { Challenge } from '../domain/challenge';
import type { AnsweredWebhook } from '../domain/answeredWebhooks';
import type { EnrollmentService } from '../enrollment/enrollmentService';
import type { VerificationService } from '../verification/verificationService';
import type { WebhookPlan } from './webhookPlan';
import {
  askAgain,
  askForKey,
  callIntro,
  callNotExpected,
  challengeCallTarget,
  endCall,
  enrollmentCallTarget,
  loadCallTarget,
  MAX_PROMPTS,
  type CallScript,
  type PhoneCallDeps,
} from './phoneCallSteps';

export interface PressKeyDeps extends PhoneCallDeps {
  readonly enrollment: Pick<EnrollmentService, 'apply' | 'applyAnswering'>;
  readonly verification: Pick<VerificationService, 'apply' | 'applyAnswering'>;
  /** webhooks: where a read-aloud call's readings are found (their claims; recordCallStatus looks there too). */
  readonly stores: PhoneCallDeps['stores'] & Pick<Stores, 'webhooks' | 'users' | 'challenges'>;
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
        const { replies, saved } = await this.apply(context, callSid, key, attempt);
        const after = await loadCallTarget(this.deps, context, callSid);
        if (after.denied) await this.reportDenial(context);
        // Saved with the record: said exactly as a retry will say it (recall).
        if (saved) return { ...scriptOf(context, attempt, saved), recorded: true };
        if (after.waiting) return askAgain(context, attempt, replies);
        return endCall(context, replies);
      },
    };
  }

  /** What the key pressed at prompt `attempt` was answered, as saved with the record it changed; null when none was. */
  async recall(context: CallbackContext, callSid: string, attempt: number): Promise<CallScript | null> {
    const id = keyPressWebhookId(callSid, attempt);
    const { purpose } = context;
    const { users, challenges } = this.deps.stores;
    if (purpose.kind === 'notice') return null;
    const record = purpose.kind === 'enrollment' ? await users.findByAnsweredWebhook(id) : await challenges.findByAnsweredWebhook(id);
    const answer = record?.answeredWebhooks?.find((a) => a.webhookId === id);
    return answer ? { ...scriptOf(context, attempt, answer), recorded: true } : null;
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

  /**
   * Applies the key; the answer is saved with the record in the same save (`saved`), with whether the call then
   * asks again decided on the record as saved. `saved` is null when it could not be (a send may still add replies).
   */
  private async apply(context: CallbackContext, callSid: string, key: string, attempt: number): Promise<{ readonly replies: readonly Reply[]; readonly saved: AnsweredWebhook | null }> {
    const { enrollment, verification, clock } = this.deps;
    const { purpose } = context;
    // A notice is never a call: nothing waits on a key.
    if (purpose.kind === 'notice') return { replies: [], saved: null };
    const webhook = { id: keyPressWebhookId(callSid, attempt), locale: context.locale };
    if (purpose.kind === 'enrollment') {
      const event = { type: 'callKeyPressed', key, callRef: callSid, send: purpose.send } as const;
      const asksAgain = (user: User): boolean => enrollmentCallTarget(user, context, callSid, clock.now()).waiting;
      const { replies, answer } = await enrollment.applyAnswering(purpose.userId, event, { channel: 'voice' }, { ...webhook, asksAgain });
      return { replies, saved: answer };
    }
    const asksAgain = (challenge: Challenge): boolean => challengeCallTarget(challenge, context, callSid, clock.now()).waiting;
    const { replies, answer } = await verification.applyAnswering(purpose.refId, { type: 'callKeyPressed', key }, 'voice', { ...webhook, asksAgain });
    return { replies, saved: answer };
  }

  private async reportDenial(context: CallbackContext): Promise<void> {
    const { purpose } = context;
    if (purpose.kind === 'notice') return;
    await this.deps.helpDesk.report({ userId: purpose.userId, kind: purpose.kind, refId: purpose.refId, reason: 'deniedByPhone', channel: 'voice' });
    // The enrollment machine tells the person itself; a sign-in has no chat of its own, so tell them in Teams.
    if (purpose.kind === 'verification') await this.deps.notifier.notify(purpose.userId, 'teams', reply('verification.deniedOnCall'));
  }
}

/** What the call says after a key whose answer `saved` holds: the replies, then a new prompt or the end. */
function scriptOf(context: CallbackContext, attempt: number, saved: AnsweredWebhook): CallScript {
  return saved.asksAgain ? askAgain(context, attempt, saved.replies) : endCall(context, saved.replies);
}

function answered(script: CallScript): WebhookPlan<CallScript> {
  return { kind: 'answered', answer: script };
}
