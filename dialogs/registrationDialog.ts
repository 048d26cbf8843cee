// "Keep your account secure": starts a registration (or says the person already meets the policy) and shows the
// method choice, "method N of M", as a card of the methods that may be chosen now; typing a method's name or
// number works too. The machine decides what may be chosen; this dialog only offers and forwards.
import { Dialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { reply, type Reply } from '../src/domain/effects';
import { METHOD_KINDS, type MethodKind } from '../src/domain/methodKinds';
import type { User } from '../src/domain/user';
import type { EnrollmentPurpose } from '../src/enrollment/enrollmentTypes';
import { matchesPhrase, matchOption, type TypedOption } from './typed/choiceMatcher';
import { SignetDialog } from './signetDialog';
import { DIALOG_IDS } from './kit/dialogIds';
import type { DialogServices } from './kit/dialogServices';
import { applyEvent, loadUser } from './kit/turnRecord';
import { phrases, type TurnInput } from './kit/turnInput';
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

  protected async onInput(dc: DialogContext, user: User, input: TurnInput): Promise<DialogTurnResult> {
    const kind = this.kindFrom(dc, user, input);
    if (!kind && !input.value && matchesPhrase(input.text, phrases(this.services.i18n, this.locale(dc), 'menu.manage'))) {
      // "My methods" at the method choice: nothing is half-done yet, so stop choosing and show the methods.
      await applyEvent(this.services, dc.context, { type: 'cancel' });
      return dc.replaceDialog(DIALOG_IDS.manageMethods);
    }
    if (!kind) {
      await this.prompt(dc, user, [reply('teams.register.pickOne')]);
      return Dialog.EndOfTurn;
    }
    return this.applyAndEnd(dc, { type: 'chooseMethod', kind });
  }

  private kindFrom(dc: DialogContext, user: User, input: TurnInput): MethodKind | undefined {
    if (input.value) {
      const kind = input.value['kind'];
      return input.value.action === 'chooseMethod' && typeof kind === 'string' ? METHOD_KINDS.find((k) => k === kind) : undefined;
    }
    // Numbers follow the card's order (the choosable kinds); names may be any offered kind, so the machine can
    // explain why one cannot be chosen yet.
    const { choosable, notYet } = this.services.progress(user);
    const options: (TypedOption & { kind: MethodKind })[] = [...choosable, ...notYet].map((kind) => ({
      id: kind,
      kind,
      label: this.t(dc, `teams.methodLabels.${kind}`),
      synonyms: phrases(this.services.i18n, this.locale(dc), `methodSynonyms.${kind}`),
    }));
    const typed = /^\d{1,2}$/.test(input.text.trim()) ? options.slice(0, choosable.length) : options;
    return matchOption(input.text, typed)?.kind;
  }
}
