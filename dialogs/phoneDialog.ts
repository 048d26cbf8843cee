// A mobile or alternate phone: the number (country from the organisation's default) with "Text me a code" or
// "Call me"; then the code typed here (or answered by SMS / on the call, which the machine also accepts), resend
// with its cool-down, text/call instead, change number (back), different method.
import { Dialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { reply, type Reply } from '../src/domain/effects';
import type { User } from '../src/domain/user';
import type { Enrollment, PhoneDelivery } from '../src/enrollment/enrollmentTypes';
import { phoneDeliveries, stepBehind } from '../src/domain/enrollmentRecord';
import type { Understanding } from '../src/nlu/intentRecognizer';
import { findPhoneInText, MAX_PHONE_MESSAGE, parsePhone, type ParsedPhone } from '../src/domain/rules/phoneNumbers';
import { hashKeyParams } from '../src/domain/rules/hashKeyName';
import { fitInView, textInput, type CardChoice, type CardElement } from './cards/adaptiveCards';
import { SignetDialog } from './signetDialog';
import { DIALOG_IDS } from './kit/dialogIds';
import type { DialogServices } from './kit/dialogServices';
import { field, type TurnInput } from './kit/turnInput';
import { displayStep } from './kit/enrollmentSteps';
import { understandTyped } from './kit/understandTurn';
import { cardData, choice, isLocked, lockedCard, navigationChoices, renderer, sendCard } from './kit/sendCards';

interface PhoneDialogState {
  /** A number (E.164) typed without saying text or call: kept until the person picks one (not a secret). */
  pendingNumber?: string;
}

/** A number found in a typed message, with what else the message said. */
interface TypedNumber {
  readonly phone: ParsedPhone;
  readonly extension: string | null;
  readonly rest: string;
}

const isDigit = (ch: string): boolean => ch >= '0' && ch <= '9';
const digitCount = (text: string): number => {
  let count = 0;
  for (const ch of text) if (isDigit(ch)) count++;
  return count;
};

/** A code typed where a number was asked for: 4–12 characters of digits, spaces and dashes, 3–8 digits, digits at both ends. */
export function looksLikeCode(typed: string): boolean {
  const text = typed.trim();
  if (text.length < 4 || text.length > 12 || !isDigit(text[0]!) || !isDigit(text[text.length - 1]!)) return false;
  for (const ch of text) if (!isDigit(ch) && ch !== '-' && ch.trim() !== '') return false;
  return digitCount(text) <= 8;
}

export class PhoneDialog extends SignetDialog {
  constructor(services: DialogServices, dialogId: string = DIALOG_IDS.phone) {
    super(dialogId, services);
  }

  protected helpKey(user: User, dc: DialogContext): string {
    if (user.enrollment && isLocked(user.enrollment)) return 'help.steps.locked';
    const step = user.enrollment ? displayStep(user.enrollment.step) : 'enteringPhone';
    if (step === 'codeSent') return 'help.steps.codeSent';
    return this.state(dc).pendingNumber !== undefined ? 'help.steps.phoneDelivery' : 'help.steps.enteringPhone';
  }

  protected state(dc: DialogContext): PhoneDialogState {
    return dc.activeDialog!.state as PhoneDialogState;
  }

  /** How this phone may be checked (the core's rule: office phones are called only), the default first. */
  protected deliveries(enrollment: Enrollment): readonly PhoneDelivery[] {
    const step = stepBehind(enrollment.step);
    if (step.name === 'enteringPhone') return phoneDeliveries(step.kind);
    return phoneDeliveries(step.name === 'codeSent' && step.kind !== 'email' ? step.kind : 'mobilePhone');
  }

  protected numberInputs(dc: DialogContext): CardElement[] {
    return [textInput('phone', renderer(this.services)(this.locale(dc), [reply('teams.phone.numberLabel', { countryRegion: this.services.org.phone.defaultCountry })])[0]!, { placeholder: this.t(dc, 'teams.phone.numberPlaceholder'), maxLength: 30 })];
  }

  protected defaultPrompt(user: User): Reply {
    const shown = stepBehind(user.enrollment!.step);
    if (shown.name === 'codeSent') return shown.codeHash === null ? reply('enrollment.phone.answerTheCall', shown.target.type === 'phone' ? hashKeyParams(shown.target.number) : {}) : reply('enrollment.phone.enterCode');
    return reply('enrollment.phone.askNumber', { countryRegion: this.services.org.phone.defaultCountry });
  }

  protected async prompt(dc: DialogContext, user: User, replies: readonly Reply[]): Promise<void> {
    const enrollment = user.enrollment!;
    const locale = this.locale(dc);
    const texts = renderer(this.services)(locale, replies.length > 0 ? replies : [this.defaultPrompt(user)]);
    const nav = navigationChoices(this.services, locale, enrollment);
    if (isLocked(enrollment)) {
      await sendCard(dc, lockedCard(this.services, locale, enrollment, texts));
      return;
    }
    if (displayStep(enrollment.step) === 'codeSent') {
      // A press-# call has no code to type: no Code box and no Verify.
      const codeBox = this.expectsCode(enrollment) ? [textInput('code', this.t(dc, 'teams.code.label'), { maxLength: 12 })] : [];
      const choices = [...this.codeChoices(dc, enrollment), ...nav.map((c) => (c.id === 'back' ? { ...c, title: this.t(dc, 'teams.buttons.changeNumber') } : c))];
      await sendCard(dc, { texts, body: codeBox, choices: fitInView(choices), moreTitle: this.t(dc, 'teams.buttons.moreOptions') });
      return;
    }
    const pending = this.state(dc).pendingNumber;
    if (pending !== undefined) {
      // "Text +43 664 12345671 or call it?": the whole number as read, so a wrong one is seen before anything is sent.
      const shown = parsePhone(pending, this.services.org.phone.defaultCountry);
      const question = this.t(dc, 'teams.phone.textOrCall', { phone: shown.ok ? shown.phone.international : pending });
      const said = replies.length > 0 ? renderer(this.services)(locale, replies) : [];
      await sendCard(dc, { texts: [...said, question], choices: [...this.deliveryChoices(dc, enrollment, 'deliver'), ...nav] });
      return;
    }
    await sendCard(dc, { texts, body: this.numberInputs(dc), choices: [...this.deliveryChoices(dc, enrollment, 'submitPhone'), ...nav] });
  }

  private deliveryChoices(dc: DialogContext, enrollment: Enrollment, action: string): CardChoice[] {
    return this.deliveries(enrollment).map((delivery) =>
      choice(delivery, this.t(dc, delivery === 'sms' ? 'teams.buttons.textMe' : 'teams.buttons.callMe'), cardData(action, enrollment, { delivery })),
    );
  }

  /** Whether the person has a code to type (a text, or a call that reads one out); not on a press-# call. */
  private expectsCode(enrollment: Enrollment): boolean {
    const step = stepBehind(enrollment.step);
    return step.name !== 'codeSent' || step.codeHash !== null;
  }

  private codeChoices(dc: DialogContext, enrollment: Enrollment): CardChoice[] {
    const step = stepBehind(enrollment.step);
    const current = step.name === 'codeSent' ? step.delivery : 'sms';
    const other = this.deliveries(enrollment).filter((d) => d !== current);
    return [
      ...(this.expectsCode(enrollment) ? [choice('verify', this.t(dc, 'teams.buttons.verify'), cardData('submitCode', enrollment))] : []),
      choice('resend', this.t(dc, current === 'voice' ? 'teams.buttons.callAgain' : 'teams.buttons.resend'), cardData('resend', enrollment)),
      ...other.map((d) => choice(`resend:${d}`, this.t(dc, d === 'sms' ? 'teams.buttons.textInstead' : 'teams.buttons.callInstead'), cardData('resend', enrollment, { delivery: d }))),
    ];
  }

  /**
   * Understood typed messages this step takes: a code, resend, "call me / text me instead", change number (code
   * step); a number, with or without how to check it, or the answer to "text or call?" (number step).
   */
  protected override onStepIntent(dc: DialogContext, user: User, input: TurnInput, understood: Understanding): Promise<DialogTurnResult> | undefined {
    const enrollment = user.enrollment!;
    const { intent, entities } = understood;
    const deliveries = this.deliveries(enrollment);
    const wanted: PhoneDelivery | undefined = intent === 'callMe' ? 'voice' : intent === 'textMe' ? 'sms' : undefined;
    if (displayStep(enrollment.step) === 'codeSent') {
      if (intent === 'resend') return this.applyAndEnd(dc, { type: 'resend' });
      if (wanted !== undefined && deliveries.includes(wanted)) return this.applyAndEnd(dc, { type: 'resend', delivery: wanted });
      if (intent === 'changeNumber' || intent === 'back') return this.applyAndEnd(dc, { type: 'back' });
      if (entities.code !== undefined) return this.onInput(dc, user, input);
      return undefined;
    }
    // "+1 425 555 0123, call me": the number step reads the number and the words itself.
    if (entities.phone !== undefined || entities.phoneProblem !== undefined) return this.onInput(dc, user, input);
    const pending = this.state(dc).pendingNumber;
    if (pending !== undefined && wanted !== undefined && deliveries.includes(wanted)) return this.submit(dc, pending, wanted, null);
    return undefined;
  }

  /** Digits nothing else was made of: a mistyped code or number, which the step (or the machine) explains. */
  protected override takesFreeText(_dc: DialogContext, _user: User, text: string): boolean {
    return digitCount(text) > 0;
  }

  protected async onInput(dc: DialogContext, user: User, input: TurnInput): Promise<DialogTurnResult> {
    const enrollment = user.enrollment!;
    if (displayStep(enrollment.step) === 'codeSent') return this.onCodeInput(dc, input);
    return this.onNumberInput(dc, user, input);
  }

  private async onCodeInput(dc: DialogContext, input: TurnInput): Promise<DialogTurnResult> {
    const { value, text } = input;
    if (value?.action === 'resend') {
      const delivery = value['delivery'];
      return this.applyAndEnd(dc, { type: 'resend', ...(delivery === 'sms' || delivery === 'voice' ? { delivery } : {}) });
    }
    if (value?.action === 'submitCode') return this.applyAndEnd(dc, { type: 'submitCode', code: field(value, 'code') });
    // Typed: resend, call/text instead and change number were understood before this (onStepIntent).
    return this.applyAndEnd(dc, { type: 'submitCode', code: text });
  }

  /** Whether this kind of phone has an extension (office phones only). */
  protected takesExtension(): boolean {
    return false;
  }

  /** The number (and extension) of a card submit: the card's own fields. */
  protected submittedNumber(value: TurnInput['value']): { number: string; extension: string | null } {
    return { number: field(value, 'phone'), extension: null };
  }

  private submit(dc: DialogContext, number: string, delivery: PhoneDelivery, extension: string | null): Promise<DialogTurnResult> {
    return this.applyAndEnd(dc, { type: 'submitPhone', number, delivery, ...(extension !== null ? { extension } : {}) });
  }

  private async ask(dc: DialogContext, user: User, replies: readonly Reply[]): Promise<DialogTurnResult> {
    await this.prompt(dc, user, replies);
    return Dialog.EndOfTurn;
  }

  private async onNumberInput(dc: DialogContext, user: User, input: TurnInput): Promise<DialogTurnResult> {
    const state = this.state(dc);
    const { value, text } = input;
    const country = this.services.org.phone.defaultCountry;
    const deliveries = this.deliveries(user.enrollment!);

    if (value?.action === 'submitPhone') {
      const delivery = value['delivery'] === 'voice' ? 'voice' : 'sms';
      const { number, extension } = this.submittedNumber(value);
      return this.submit(dc, number, deliveries.includes(delivery) ? delivery : 'voice', extension);
    }
    if (value?.action === 'deliver' && state.pendingNumber !== undefined) {
      return this.submit(dc, state.pendingNumber, value['delivery'] === 'voice' ? 'voice' : 'sms', null);
    }
    if (value) return this.submit(dc, field(value, 'phone'), deliveries[0]!, null);

    // Typed text: the number is found by libphonenumber-js, whole; its digits are never read as a menu choice.
    const found = findPhoneInText(text, country);
    if (found.found === 'tooLong') return this.ask(dc, user, [reply('teams.phone.tooLong', { max: MAX_PHONE_MESSAGE })]);
    if (found.found === 'several') return this.ask(dc, user, [reply('teams.phone.severalNumbers')]);
    if (found.found === 'one') return this.onTypedNumber(dc, user, found);

    if (looksLikeCode(text)) return this.ask(dc, user, [reply('enrollment.unexpected.enteringPhone')]);
    if (digitCount(text) >= 5) {
      // The finder reads only numbers in a recognised layout; one the strict parser still accepts is asked about too.
      const parsed = parsePhone(text, country);
      if (parsed.ok) return this.onTypedNumber(dc, user, { phone: parsed.phone, extension: null, rest: '' });
    }
    // Anything else goes to the machine, which explains what a valid number looks like (nothing is sent).
    return this.submit(dc, text, deliveries[0]!, null);
  }

  /** A number typed with perhaps an extension and words: call/text at once only when the words say which. */
  private async onTypedNumber(dc: DialogContext, user: User, typed: TypedNumber): Promise<DialogTurnResult> {
    const { phone, extension, rest } = typed;
    // Digits beside the number (or an extension where there is none) are never guessed at: ask again.
    if (digitCount(rest) > 0 || (extension !== null && !this.takesExtension())) {
      return this.ask(dc, user, [reply('teams.phone.extraDigits', { phone: phone.international })]);
    }
    const deliveries = this.deliveries(user.enrollment!);
    if (deliveries.length === 1) return this.submit(dc, phone.e164, deliveries[0]!, extension);
    // "+1 425 555 0123, call me": the number and the way to check it in one message.
    // The words beside the number, understood on their own as the answer to "text or call?".
    const intent = rest === '' ? undefined : (await understandTyped(this.services, dc.context, rest, 'help.steps.phoneDelivery')).intent;
    const how: PhoneDelivery | undefined = intent === 'callMe' ? 'voice' : intent === 'textMe' ? 'sms' : undefined;
    if (how !== undefined && deliveries.includes(how)) return this.submit(dc, phone.e164, how, null);
    this.state(dc).pendingNumber = phone.e164;
    return this.ask(dc, user, []);
  }
}
