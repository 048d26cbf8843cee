// An office (desk) phone: number and optional extension, verified by a call only. The machine's prompt carries
// the guides' warning (it only works at your desk; not the main line) and refuses configured main lines.
import type { DialogContext } from 'botbuilder-dialogs';
import { reply, type Reply } from '../src/domain/effects';
import type { User } from '../src/domain/user';
import type { PhoneDelivery } from '../src/enrollment/enrollmentTypes';
import { textInput, type CardElement } from '../src/channels/teams/adaptiveCards';
import { PhoneDialog } from './phoneDialog';
import { DIALOG_IDS, field, type DialogServices, type TurnInput } from './dialogKit';

const EXTENSION = /\s*(?:,|;|\bext\.?|\bextension\b|\bx)\s*(\d{1,10})\s*$/i;

export class OfficePhoneDialog extends PhoneDialog {
  constructor(services: DialogServices) {
    super(services, DIALOG_IDS.officePhone);
  }

  protected override deliveries(): readonly PhoneDelivery[] {
    return ['voice'];
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
    return base.key === 'enrollment.phone.askNumber' ? reply('enrollment.officePhone.askNumber', { country: this.services.org.phone.defaultCountry }) : base;
  }

  /** "+1 425 555 0100 ext 12" typed, or the card's separate extension field. */
  protected override extensionFrom(input: TurnInput): { number: string; extension?: string } | null {
    if (input.value) {
      const extension = field(input.value, 'extension');
      return { number: field(input.value, 'phone'), ...(extension !== '' ? { extension } : {}) };
    }
    const match = EXTENSION.exec(input.text);
    if (!match) return { number: input.text };
    return { number: input.text.slice(0, match.index).trim(), extension: match[1]! };
  }
}
