// The base of every Signet dialog: handles, once for all of them, a stale card submit, "help" (explains where the
// person is), and "cancel" / "back" / "different method" (events for the enrollment machine). Subclasses only
// render their step and turn the rest of the input into an event.
import { Dialog, type DialogContext, type DialogReason, type DialogTurnResult } from 'botbuilder-dialogs';
import type { Reply } from '../src/domain/effects';
import type { User } from '../src/domain/user';
import { isEnrollmentActive } from '../src/enrollment/enrollmentMachine';
import type { EnrollmentEvent } from '../src/enrollment/enrollmentTypes';
import { DIALOG_IDS } from './kit/dialogIds';
import type { DialogServices } from './kit/dialogServices';
import { turnUser } from './kit/turnUser';
import { applyEvent, loadUser } from './kit/turnRecord';
import { globalCommand, readInput, type GlobalCommand, type TurnInput } from './kit/turnInput';
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
  /** Shows the current step; `replies` are what the machine just said (empty: the step's own prompt). */
  protected abstract prompt(dc: DialogContext, user: User, replies: readonly Reply[]): Promise<void>;
  /** Handles input that is not a global command. */
  protected abstract onInput(dc: DialogContext, user: User, input: TurnInput): Promise<DialogTurnResult>;

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
    const command = globalCommand(this.services.i18n, this.locale(dc), input);
    // Locked, a step's own help ("type resend") would name what the lock refuses: the locked help says what works.
    if (command === 'help') return dc.beginDialog(DIALOG_IDS.help, { topicKey: user.enrollment?.step.name === 'locked' ? 'help.steps.locked' : this.helpKey(user, dc) });
    if (command) return this.onGlobal(dc, user, command);
    return this.onInput(dc, user, input);
  }
}
