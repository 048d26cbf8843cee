// A personal email for password resets: the address (the machine refuses the organisation's own domains and
// says why), then the 6-digit code from the email typed here; resend, change address (back), different method.
import type { DialogContext, DialogTurnResult } from 'botbuilder-dialogs';
import { reply, type Reply } from '../src/domain/effects';
import type { User } from '../src/domain/user';
import { matchesPhrase } from './typed/choiceMatcher';
import type { Understanding } from '../src/nlu/intentRecognizer';
import { textInput } from './cards/adaptiveCards';
import { SignetDialog } from './signetDialog';
import { DIALOG_IDS } from './kit/dialogIds';
import type { DialogServices } from './kit/dialogServices';
import { field, phrases, type TurnInput } from './kit/turnInput';
import { displayStep } from './kit/enrollmentSteps';
import { cardData, choice, isLocked, lockedCard, navigationChoices, renderer, sendCard } from './kit/sendCards';

export class EmailDialog extends SignetDialog {
  constructor(services: DialogServices) {
    super(DIALOG_IDS.email, services);
  }

  protected helpKey(user: User): string {
    if (user.enrollment && isLocked(user.enrollment)) return 'help.steps.locked';
    return user.enrollment && displayStep(user.enrollment.step) === 'codeSent' ? 'help.steps.emailCode' : 'help.steps.enteringEmail';
  }

  protected async prompt(dc: DialogContext, user: User, replies: readonly Reply[]): Promise<void> {
    const enrollment = user.enrollment!;
    const locale = this.locale(dc);
    const codeStep = displayStep(enrollment.step) === 'codeSent';
    const texts = renderer(this.services)(locale, replies.length > 0 ? replies : [reply(codeStep ? 'enrollment.email.enterCode' : 'enrollment.email.askAddress')]);
    const nav = navigationChoices(this.services, locale, enrollment);
    if (isLocked(enrollment)) {
      await sendCard(dc, lockedCard(this.services, locale, enrollment, texts));
      return;
    }
    if (codeStep) {
      await sendCard(dc, {
        texts,
        body: [textInput('code', this.t(dc, 'teams.code.label'), { maxLength: 12 })],
        choices: [
          choice('verify', this.t(dc, 'teams.buttons.verify'), cardData('submitCode', enrollment)),
          choice('resend', this.t(dc, 'teams.buttons.resend'), cardData('resend', enrollment)),
          ...nav.map((c) => (c.id === 'back' ? { ...c, title: this.t(dc, 'teams.buttons.changeEmail') } : c)),
        ],
      });
      return;
    }
    await sendCard(dc, {
      texts,
      body: [textInput('email', this.t(dc, 'teams.email.addressLabel'), { placeholder: this.t(dc, 'teams.email.addressPlaceholder'), maxLength: 254 })],
      choices: [choice('send', this.t(dc, 'teams.buttons.sendCode'), cardData('submitEmail', enrollment)), ...nav],
    });
  }

  /** An address (never read for intents: "me@school.edu" is no question) and "change email" go to the step. */
  protected override claimsTyped(dc: DialogContext, user: User, text: string): boolean {
    if (displayStep(user.enrollment!.step) === 'codeSent') return matchesPhrase(text, phrases(this.services.i18n, this.locale(dc), 'changeEmail'));
    return text.includes('@');
  }

  protected override onStepIntent(dc: DialogContext, user: User, input: TurnInput, understood: Understanding): Promise<DialogTurnResult> | undefined {
    if (displayStep(user.enrollment!.step) !== 'codeSent') return undefined;
    if (understood.intent === 'resend') return this.applyAndEnd(dc, { type: 'resend' });
    if (understood.intent === 'back') return this.applyAndEnd(dc, { type: 'back' });
    return understood.entities.code !== undefined ? this.onInput(dc, user, input) : undefined;
  }

  /** The address step explains any address it cannot use; the code step a mistyped code. */
  protected override takesFreeText(_dc: DialogContext, user: User, text: string): boolean {
    return displayStep(user.enrollment!.step) !== 'codeSent' || [...text].some((c) => c >= '0' && c <= '9');
  }

  protected async onInput(dc: DialogContext, user: User, input: TurnInput): Promise<DialogTurnResult> {
    const { value, text } = input;
    if (displayStep(user.enrollment!.step) === 'codeSent') {
      if (value?.action === 'resend') return this.applyAndEnd(dc, { type: 'resend' });
      if (!value && matchesPhrase(text, phrases(this.services.i18n, this.locale(dc), 'changeEmail'))) return this.applyAndEnd(dc, { type: 'back' });
      return this.applyAndEnd(dc, { type: 'submitCode', code: value ? field(value, 'code') : text });
    }
    return this.applyAndEnd(dc, { type: 'submitEmail', address: value ? field(value, 'email') : text });
  }
}
