// An office (desk) phone: number and optional extension, verified by a call only. The machine's prompt carries
// the guides' warning (it only works at your desk; not the main line) and refuses configured main lines.
import type { DialogContext } from 'botbuilder-dialogs';
import { reply, type Reply } from '../src/domain/effects';
import type { User } from '../src/domain/user';
import { textInput, type CardElement } from './cards/adaptiveCards';
import { PhoneDialog } from './phoneDialog';
import { findPhoneInText } from '../src/domain/rules/phoneNumbers';
import { DIALOG_IDS } from './kit/dialogIds';
import type { DialogServices } from './kit/dialogServices';
import { field, type TurnInput } from './kit/turnInput';

export class OfficePhoneDialog extends PhoneDialog {
  constructor(services: DialogServices) {
    super(services, DIALOG_IDS.officePhone);
  }

  protected override helpKey(user: User, dc: DialogContext): string {
    const key = super.helpKey(user, dc);
    return key === 'help.steps.enteringPhone' ? 'help.steps.enteringOfficePhone' : key;
  }

  protected override numberInputs(dc: DialogContext): CardElement[] {
    return [
      ...super.numberInputs(dc),
      textInput('extension', this.t(dc, 'teams.phone.extensionLabel'), { placeholder: this.t(dc, 'teams.phone.extensionPlaceholder'), maxLength: 10 }),
    ];
  }

  protected override defaultPrompt(user: User): Reply {
    const base = super.defaultPrompt(user);
    return base.key === 'enrollment.phone.askNumber' ? reply('enrollment.officePhone.askNumber', { countryRegion: this.services.org.phone.defaultCountry }) : base;
  }

  protected override takesExtension(): boolean {
    return true;
  }

  /**
   * The card's number and extension fields; with the extension field empty, an extension written in the number
   * field ("+1 425 555 0100 x 1234") is read from there by libphonenumber-js.
   */
  protected override submittedNumber(value: TurnInput['value']): { number: string; extension: string | null } {
    const number = field(value, 'phone');
    const extension = field(value, 'extension');
    if (extension !== '') return { number, extension };
    const found = findPhoneInText(number, this.services.org.phone.defaultCountry);
    if (found.found === 'one' && found.extension !== null && found.rest === '') return { number: found.phone.e164, extension: found.extension };
    return { number, extension: null };
  }
}
