// "Keep your account secure": starts a registration (or says the person already meets the policy) and shows the
// method choice, "method N of M", as a card of the methods that may be chosen now; typing a method's name or
// number works too. The machine decides what may be chosen; this dialog only offers and forwards.
import { Dialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { reply, type Reply } from '../src/domain/effects';
import { METHOD_KINDS } from '../src/domain/methodKinds';
import type { User } from '../src/domain/user';
import type { EnrollmentPurpose } from '../src/enrollment/enrollmentTypes';
import type { Understanding } from '../src/nlu/intentRecognizer';
import { SignetDialog } from './signetDialog';
import { DIALOG_IDS } from './kit/dialogIds';
import type { DialogServices } from './kit/dialogServices';
import { applyEvent, loadUser } from './kit/turnRecord';
import type { TurnInput } from './kit/turnInput';
import type { StepOptions } from './kit/enrollmentSteps';
import { cardData, choice, navigationChoices, renderer, sendCard } from './kit/sendCards';

export class RegistrationDialog extends SignetDialog {
  constructor(
    services: DialogServices,
    dialogId: string = DIALOG_IDS.registration,
    protected readonly purpose: EnrollmentPurpose = 'register',
  ) {
    super(dialogId, services);
  }

  override async beginDialog(dc: DialogContext, options?: StepOptions): Promise<DialogTurnResult> {
    if (!options?.start) return super.beginDialog(dc, options);
    const user = await loadUser(this.services, dc.context);
    const refusal = this.refuseStart(user);
    if (refusal) return this.endWith(dc, [refusal]);
    const replies = await applyEvent(this.services, dc.context, { type: 'start', purpose: this.purpose, ...(options.kind ? { kind: options.kind } : {}) });
    return this.endWith(dc, replies);
  }

  /** Registration is for people who do not meet the policy yet; the others are offered management. */
  protected refuseStart(user: User): Reply | null {
    return this.services.progress(user).meetsPolicy ? reply('teams.register.alreadyMeets') : null;
  }

  protected helpKey(): string {
    return 'help.steps.choosingMethod';
  }

  protected async prompt(dc: DialogContext, user: User, replies: readonly Reply[]): Promise<void> {
    const locale = this.locale(dc);
    const enrollment = user.enrollment!;
    const progress = this.services.progress(user);
    const shown = replies.length > 0 ? replies : [progress.meetsPolicy ? reply('enrollment.chooseExtraMethod') : reply('enrollment.chooseMethod', { position: progress.position, required: progress.required })];
    const kinds = progress.choosable;
    // The methods as a list to pick from (there can be more than a card's buttons), then Continue and Cancel.
    await sendCard(dc, {
      texts: renderer(this.services)(locale, shown),
      picker: {
        inputId: 'kind',
        label: this.t(dc, 'teams.register.methodListLabel'),
        errorMessage: this.t(dc, 'teams.pickOne'),
        options: kinds.map((kind) => choice(kind, this.t(dc, `teams.methodLabels.${kind}`), cardData('chooseMethod', enrollment, { kind }))),
        submits: [choice('continue', this.t(dc, 'teams.buttons.continue'), cardData('chooseMethod', enrollment))],
      },
      choices: navigationChoices(this.services, locale, enrollment, { back: false }).filter((c) => c.id !== 'differentMethod'),
    });
  }

  /** A method named ("the app", "text me on my cell"), or a request to set one up, is this step's answer. */
  protected override onStepIntent(dc: DialogContext, _user: User, _input: TurnInput, understood: Understanding): Promise<DialogTurnResult> | undefined {
    const kind = understood.entities.method;
    if (kind !== undefined && (understood.intent === 'chooseMethod' || understood.intent === 'setUp' || understood.intent === 'addMethod')) {
      return this.applyAndEnd(dc, { type: 'chooseMethod', kind });
    }
    if (understood.intent === 'myMethods') return this.openMyMethods(dc);
    return undefined;
  }

  /** "My methods" at the method choice: nothing is half-done yet, so stop choosing and show the methods. */
  private async openMyMethods(dc: DialogContext): Promise<DialogTurnResult> {
    await applyEvent(this.services, dc.context, { type: 'cancel' });
    return dc.replaceDialog(DIALOG_IDS.manageMethods);
  }

  /** A card's method button (typed names and numbers come through onStepIntent and the shown choices). */
  protected async onInput(dc: DialogContext, user: User, input: TurnInput): Promise<DialogTurnResult> {
    const kind = input.value?.action === 'chooseMethod' ? METHOD_KINDS.find((k) => k === input.value!['kind']) : undefined;
    if (!kind) {
      await this.prompt(dc, user, [reply('teams.register.pickOne')]);
      return Dialog.EndOfTurn;
    }
    return this.applyAndEnd(dc, { type: 'chooseMethod', kind });
  }
}
