// A mobile or alternate phone: the number (country from the organisation's default) with "Text me a code" or
// "Call me"; then the code typed here (or answered by SMS / on the call, which the machine also accepts), resend
// with its cool-down, text/call instead, change number (back), different method.
import { Dialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { reply, type Reply } from '../src/domain/effects';
import type { User } from '../src/domain/user';
import type { Enrollment, PhoneDelivery } from '../src/enrollment/enrollmentTypes';
import { matchOption, matchesPhrase } from '../src/channels/teams/choiceMatcher';
import { textInput, type CardChoice, type CardElement } from '../src/channels/teams/adaptiveCards';
import { SignetDialog } from './signetDialog';
import { cardData, choice, DIALOG_IDS, displayStep, field, navigationChoices, phrases, renderer, sendCard, type DialogServices, type TurnInput } from './dialogKit';

interface PhoneDialogState {
  /** A number typed without saying text or call: kept until the person picks one (not a secret). */
  pendingNumber?: string;
}

const looksLikeCode = (text: string): boolean => /^\s*\d[\d\s-]{2,10}\d\s*$/.test(text) && text.replace(/\D/g, '').length <= 8;
const looksLikeNumber = (text: string): boolean => text.replace(/\D/g, '').length >= 5;

export class PhoneDialog extends SignetDialog {
  constructor(services: DialogServices, dialogId: string = DIALOG_IDS.phone) {
    super(dialogId, services);
  }

  protected helpKey(user: User, dc: DialogContext): string {
    const step = user.enrollment ? displayStep(user.enrollment.step) : 'enteringPhone';
    if (step === 'codeSent') return 'help.steps.codeSent';
    return this.state(dc).pendingNumber !== undefined ? 'help.steps.phoneDelivery' : 'help.steps.enteringPhone';
  }

  protected state(dc: DialogContext): PhoneDialogState {
    return dc.activeDialog!.state as PhoneDialogState;
  }

  /** Office phones are called only; mobiles may be texted or called. */
  protected deliveries(): readonly PhoneDelivery[] {
    return ['sms', 'voice'];
  }

  protected numberInputs(dc: DialogContext): CardElement[] {
    return [textInput('phone', this.t(dc, 'teams.phone.numberLabel', { country: this.services.org.phone.defaultCountry }), { placeholder: this.t(dc, 'teams.phone.numberPlaceholder'), maxLength: 30 })];
  }

  protected defaultPrompt(user: User): Reply {
    const step = user.enrollment!.step;
    const shown = step.name === 'expired' || step.name === 'locked' ? step.previous : step;
    if (shown.name === 'codeSent') return shown.codeHash === null ? reply('enrollment.phone.answerTheCall') : reply('enrollment.phone.enterCode');
    return reply('enrollment.phone.askNumber', { country: this.services.org.phone.defaultCountry });
  }

  protected async prompt(dc: DialogContext, user: User, replies: readonly Reply[]): Promise<void> {
    const enrollment = user.enrollment!;
    const locale = this.locale(dc);
    const texts = renderer(this.services)(locale, replies.length > 0 ? replies : [this.defaultPrompt(user)]);
    const nav = navigationChoices(this.services, locale, enrollment);
    if (displayStep(enrollment.step) === 'codeSent') {
      await sendCard(dc, { texts, body: [textInput('code', this.t(dc, 'teams.code.label'), { maxLength: 12 })], choices: [...this.codeChoices(dc, enrollment), ...nav.map((c) => (c.id === 'back' ? { ...c, title: this.t(dc, 'teams.buttons.changeNumber') } : c))] });
      return;
    }
    const pending = this.state(dc).pendingNumber;
    if (pending !== undefined) {
      await sendCard(dc, { texts: [...texts, this.t(dc, 'teams.phone.howToVerify')], choices: [...this.deliveryChoices(dc, enrollment, 'deliver'), ...nav] });
      return;
    }
    await sendCard(dc, { texts, body: this.numberInputs(dc), choices: [...this.deliveryChoices(dc, enrollment, 'submitPhone'), ...nav] });
  }

  private deliveryChoices(dc: DialogContext, enrollment: Enrollment, action: string): CardChoice[] {
    return this.deliveries().map((delivery) =>
      choice(delivery, this.t(dc, delivery === 'sms' ? 'teams.buttons.textMe' : 'teams.buttons.callMe'), cardData(action, enrollment, { delivery })),
    );
  }

  private codeChoices(dc: DialogContext, enrollment: Enrollment): CardChoice[] {
    const step = enrollment.step.name === 'expired' || enrollment.step.name === 'locked' ? enrollment.step.previous : enrollment.step;
    const current = step.name === 'codeSent' ? step.delivery : 'sms';
    const other = this.deliveries().filter((d) => d !== current);
    return [
      choice('verify', this.t(dc, 'teams.buttons.verify'), cardData('submitCode', enrollment)),
      choice('resend', this.t(dc, current === 'voice' ? 'teams.buttons.callAgain' : 'teams.buttons.resend'), cardData('resend', enrollment)),
      ...other.map((d) => choice(`resend:${d}`, this.t(dc, d === 'sms' ? 'teams.buttons.textInstead' : 'teams.buttons.callInstead'), cardData('resend', enrollment, { delivery: d }))),
    ];
  }

  protected async onInput(dc: DialogContext, user: User, input: TurnInput): Promise<DialogTurnResult> {
    const enrollment = user.enrollment!;
    if (displayStep(enrollment.step) === 'codeSent') return this.onCodeInput(dc, input);
    return this.onNumberInput(dc, user, input);
  }

  private async onCodeInput(dc: DialogContext, input: TurnInput): Promise<DialogTurnResult> {
    const locale = this.locale(dc);
    const i18n = this.services.i18n;
    const { value, text } = input;
    if (value?.action === 'resend') {
      const delivery = value['delivery'];
      return this.applyAndEnd(dc, { type: 'resend', ...(delivery === 'sms' || delivery === 'voice' ? { delivery } : {}) });
    }
    if (value?.action === 'submitCode') return this.applyAndEnd(dc, { type: 'submitCode', code: field(value, 'code') });
    if (!value) {
      if (matchesPhrase(text, phrases(i18n, locale, 'resend'))) return this.applyAndEnd(dc, { type: 'resend' });
      if (this.deliveries().includes('voice') && matchesPhrase(text, phrases(i18n, locale, 'callMe'))) return this.applyAndEnd(dc, { type: 'resend', delivery: 'voice' });
      if (this.deliveries().includes('sms') && matchesPhrase(text, phrases(i18n, locale, 'textMe'))) return this.applyAndEnd(dc, { type: 'resend', delivery: 'sms' });
      if (matchesPhrase(text, phrases(i18n, locale, 'changeNumber'))) return this.applyAndEnd(dc, { type: 'back' });
    }
    return this.applyAndEnd(dc, { type: 'submitCode', code: text });
  }

  /** The extension typed or entered with the number (office phones only). */
  protected extensionFrom(_input: TurnInput): { number: string; extension?: string } | null {
    return null;
  }

  private deliveryOptions(dc: DialogContext): Array<{ id: PhoneDelivery; label: string; synonyms: string[] }> {
    return this.deliveries().map((d) => ({
      id: d,
      label: this.t(dc, d === 'sms' ? 'teams.buttons.textMe' : 'teams.buttons.callMe'),
      synonyms: phrases(this.services.i18n, this.locale(dc), d === 'sms' ? 'textMe' : 'callMe'),
    }));
  }

  private async onNumberInput(dc: DialogContext, user: User, input: TurnInput): Promise<DialogTurnResult> {
    const state = this.state(dc);
    const { value, text } = input;
    const split = this.extensionFrom(input);
    const submitted = (number: string, delivery: PhoneDelivery): Promise<DialogTurnResult> =>
      this.applyAndEnd(dc, { type: 'submitPhone', number, delivery, ...(split?.extension !== undefined ? { extension: split.extension } : {}) });

    if (value?.action === 'submitPhone') {
      const delivery = value['delivery'] === 'voice' ? 'voice' : 'sms';
      return submitted(split?.number ?? field(value, 'phone'), this.deliveries().includes(delivery) ? delivery : 'voice');
    }
    if (value?.action === 'deliver' && state.pendingNumber !== undefined) {
      return submitted(state.pendingNumber, value['delivery'] === 'voice' ? 'voice' : 'sms');
    }
    if (!value && state.pendingNumber !== undefined && !looksLikeNumber(text)) {
      const picked = matchOption(text, this.deliveryOptions(dc));
      if (picked) return submitted(state.pendingNumber, picked.id);
      await this.prompt(dc, user, [reply('teams.phone.pickDelivery')]);
      return Dialog.EndOfTurn;
    }
    if (!value && looksLikeNumber(text)) {
      const number = split?.number ?? text;
      if (this.deliveries().length === 1) return submitted(number, this.deliveries()[0]!);
      // "+1 425 555 0123, call me": the number and the way to check it in one message.
      const said = /^\s*(\+?[\d\s().-]*\d)\s*[,;]?\s*(\S.*)$/.exec(text);
      const how = said ? matchOption(said[2]!, this.deliveryOptions(dc)) : undefined;
      if (said && how) return submitted(said[1]!, how.id);
      state.pendingNumber = number;
      await this.prompt(dc, user, [reply('teams.phone.numberNoted')]);
      return Dialog.EndOfTurn;
    }
    if (!value && looksLikeCode(text)) {
      await this.prompt(dc, user, [reply('enrollment.unexpected.enteringPhone')]);
      return Dialog.EndOfTurn;
    }
    // Anything else goes to the machine, which explains what a valid number looks like.
    return submitted(field(value, 'phone') || text, this.deliveries()[0]!);
  }
}
