// The base of every Signet dialog: handles, once for all of them, a stale card submit, what a typed message means
// (asked of the NLU with the step): a question is answered and the step shown again, "help" explains where the
// person is, "cancel" / "back" / "different method" are events for the enrollment machine, a language is switched,
// and nothing understood says what can be said here. Subclasses render their step and take their own answers.
import { Dialog, type DialogContext, type DialogReason, type DialogTurnResult } from 'botbuilder-dialogs';
import type { Reply } from '../src/domain/effects';
import type { User } from '../src/domain/user';
import { isEnrollmentActive } from '../src/enrollment/enrollmentMachine';
import type { EnrollmentEvent } from '../src/enrollment/enrollmentTypes';
import { DIALOG_IDS } from './kit/dialogIds';
import type { DialogServices } from './kit/dialogServices';
import { turnUser } from './kit/turnUser';
import { applyEvent, loadUser } from './kit/turnRecord';
import { cardCommand, readInput, type GlobalCommand, type TurnInput } from './kit/turnInput';
import { isSmallTalk, notUnderstoodTexts, understandTyped } from './kit/understandTurn';
import { switchLanguage } from './kit/switchLanguage';
import { faqAnswerFor } from '../src/nlu/faqAnswers';
import type { Understanding } from '../src/nlu/intentRecognizer';
import { isStaleSubmit, type StepOptions, type StepResult } from './kit/enrollmentSteps';
import type { ShownChoicesState } from './kit/sendCards';

export abstract class SignetDialog extends Dialog<StepOptions> {
  constructor(
    dialogId: string,
    protected readonly services: DialogServices,
  ) {
    super(dialogId);
  }

  /** The help text (a locale key) for where the person is in this dialog. */
  protected abstract helpKey(user: User, dc: DialogContext): string;

  /** Locked, a step's own help ("type resend") would name what the lock refuses: the locked help says what works. */
  private lockedAwareHelpKey(user: User, dc: DialogContext): string {
    return user.enrollment?.step.name === 'locked' ? 'help.steps.locked' : this.helpKey(user, dc);
  }
  /** Shows the current step; `replies` are what the machine just said (empty: the step's own prompt). */
  protected abstract prompt(dc: DialogContext, user: User, replies: readonly Reply[]): Promise<void>;
  /** Handles input that is not a global command: a card submit, or typed text the step takes as its answer. */
  protected abstract onInput(dc: DialogContext, user: User, input: TurnInput): Promise<DialogTurnResult>;

  /**
   * Typed text this step reads itself before any intent is asked for, because the NLU would misread it (an email
   * address, security answers, the list's own actions). Default: none.
   */
  protected claimsTyped(_dc: DialogContext, _user: User, _text: string): boolean {
    return false;
  }

  /** What the step does with an understood message it offers (its answer, resend, call me…); undefined: not here. */
  protected onStepIntent(_dc: DialogContext, _user: User, _input: TurnInput, _understood: Understanding): Promise<DialogTurnResult> | undefined {
    return undefined;
  }

  /** Whether a message nothing was understood in still goes to the step (a mistyped code or number it explains). */
  protected takesFreeText(_dc: DialogContext, _user: User, _text: string): boolean {
    return false;
  }

  override async beginDialog(dc: DialogContext, options?: StepOptions): Promise<DialogTurnResult> {
    const user = await loadUser(this.services, dc.context);
    if (options?.resume) return this.handleTurn(dc, user);
    await this.prompt(dc, user, options?.replies ?? []);
    return Dialog.EndOfTurn;
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    return this.handleTurn(dc, await loadUser(this.services, dc.context));
  }

  /** Back from the help dialog: show the step again. */
  override async resumeDialog(dc: DialogContext, _reason: DialogReason, _result?: unknown): Promise<DialogTurnResult> {
    await this.prompt(dc, await loadUser(this.services, dc.context), []);
    return Dialog.EndOfTurn;
  }

  protected locale(dc: DialogContext): string {
    return turnUser(dc.context).locale;
  }

  protected t(dc: DialogContext, key: string, params?: Readonly<Record<string, string | number>>): string {
    return this.services.i18n.t(this.locale(dc), key, params);
  }

  /** Applies an event and ends this dialog, so the router shows whichever step the machine moved to. */
  protected async applyAndEnd(dc: DialogContext, event: EnrollmentEvent): Promise<DialogTurnResult> {
    const replies = await applyEvent(this.services, dc.context, event);
    return this.endWith(dc, replies);
  }

  protected endWith(dc: DialogContext, replies: readonly Reply[]): Promise<DialogTurnResult> {
    const result: StepResult = { replies };
    return dc.endDialog(result);
  }

  /** cancel / back / different method: for enrollment steps these are machine events. */
  protected async onGlobal(dc: DialogContext, user: User, command: Exclude<GlobalCommand, 'help'>): Promise<DialogTurnResult> {
    if (!isEnrollmentActive(user)) return this.endWith(dc, []);
    return this.applyAndEnd(dc, { type: command });
  }

  /** Whether this dialog shows an enrollment step (false for dialogs that work without one, like "My methods"). */
  protected readonly tracksEnrollment: boolean = true;
  /** Whether a bare number picks the card's choice at that position (off where numbers mean something else). */
  protected readonly numberedChoices: boolean = true;

  /** "2" typed where a card offered choices: the same as pressing the second one. */
  private withNumberedChoice(dc: DialogContext, input: TurnInput): TurnInput {
    if (input.value || !this.numberedChoices || !/^\d{1,2}$/.test(input.text)) return input;
    const shown = (dc.activeDialog?.state as ShownChoicesState | undefined)?.shownChoices ?? [];
    const picked = shown[Number(input.text) - 1];
    return picked ? { text: '', value: picked } : input;
  }

  private async handleTurn(dc: DialogContext, user: User): Promise<DialogTurnResult> {
    const input = this.withNumberedChoice(dc, readInput(dc.context));
    if (this.tracksEnrollment && !isEnrollmentActive(user)) {
      // The step was finished (or cancelled) elsewhere, e.g. by an SMS reply: start afresh from the router.
      await dc.cancelAllDialogs();
      return dc.beginDialog(DIALOG_IDS.router);
    }
    if (input.value && isStaleSubmit(user, input.value)) {
      await dc.context.sendActivity(this.t(dc, 'teams.staleCard'));
      // The router shows the step the person is really at.
      return this.endWith(dc, []);
    }
    if (input.value?.action === 'menu') {
      if (isEnrollmentActive(user)) {
        // The main menu from an earlier card while a method is half set up: finish or cancel this one first.
        await dc.context.sendActivity(this.t(dc, 'teams.finishFirst'));
        await this.prompt(dc, user, []);
        return Dialog.EndOfTurn;
      }
      // Nothing in progress (e.g. the list of methods is open): the router opens what was picked.
      await dc.cancelAllDialogs();
      return dc.beginDialog(DIALOG_IDS.router);
    }
    if (input.value?.action === 'faq') return dc.beginDialog(DIALOG_IDS.help, { faqId: input.value['id'] });
    if (input.value || input.text === '') {
      const command = cardCommand(input);
      if (command === 'help') return dc.beginDialog(DIALOG_IDS.help, { topicKey: this.lockedAwareHelpKey(user, dc) });
      if (command) return this.onGlobal(dc, user, command);
      return this.onInput(dc, user, input);
    }
    if (this.claimsTyped(dc, user, input.text)) return this.onInput(dc, user, input);
    if (isSmallTalk(this.services, this.locale(dc), input.text)) {
      // "thanks", "one sec": the step's card is still there; showing it again would only push it up the chat.
      await dc.context.sendActivity(this.t(dc, 'teams.smallTalk'));
      return Dialog.EndOfTurn;
    }
    return this.onUnderstood(dc, user, input, await understandTyped(this.services, dc.context, input.text, this.lockedAwareHelpKey(user, dc)));
  }

  private async onUnderstood(dc: DialogContext, user: User, input: TurnInput, understood: Understanding): Promise<DialogTurnResult> {
    const own = this.onStepIntent(dc, user, input, understood);
    if (own) return own;
    const faq = faqAnswerFor(understood.intent);
    // A question mid-step: answered, then the help dialog hands back and resumeDialog shows this step again.
    if (faq) return dc.beginDialog(DIALOG_IDS.help, { faqId: faq.intent });
    switch (understood.intent) {
      case 'help':
        return dc.beginDialog(DIALOG_IDS.help, { topicKey: this.lockedAwareHelpKey(user, dc) });
      case 'cancel':
      case 'back':
      case 'differentMethod':
        return this.onGlobal(dc, user, understood.intent);
      case 'switchLanguage':
        await dc.context.sendActivity(await switchLanguage(this.services, dc.context, understood.entities.language));
        return this.reprompt(dc, user);
      case 'greeting':
        return this.reprompt(dc, user);
      case 'setUp':
      case 'addMethod':
      case 'myMethods':
      case 'removeMethod':
        if (isEnrollmentActive(user)) {
          await dc.context.sendActivity(this.t(dc, 'teams.finishFirst'));
          return this.reprompt(dc, user);
        }
        // Nothing half-done (the list of methods is open): the router opens what was asked for.
        await dc.cancelAllDialogs();
        return dc.beginDialog(DIALOG_IDS.router);
      default:
        if (understood.intent === 'none' && this.takesFreeText(dc, user, input.text)) return this.onInput(dc, user, input);
        await dc.context.sendActivity(notUnderstoodTexts(this.services, this.locale(dc), this.lockedAwareHelpKey(user, dc)).join('\n\n'));
        return this.reprompt(dc, user);
    }
  }

  private async reprompt(dc: DialogContext, user: User): Promise<DialogTurnResult> {
    await this.prompt(dc, user, []);
    return Dialog.EndOfTurn;
  }
}
