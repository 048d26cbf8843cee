// Security keys are registered on the web registration page, not in chat: this dialog says so (the machine's
// words) and offers a different method or stopping, without pretending a key can be added here.
import { Dialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { reply, type Reply } from '../src/domain/effects';
import type { User } from '../src/domain/user';
import { SignetDialog } from './signetDialog';
import { DIALOG_IDS } from './kit/dialogIds';
import type { DialogServices } from './kit/dialogServices';
import { navigationChoices, renderer, sendCard } from './kit/sendCards';

export class SecurityKeyDialog extends SignetDialog {
  constructor(services: DialogServices) {
    super(DIALOG_IDS.securityKey, services);
  }

  protected helpKey(): string {
    return 'help.steps.securityKey';
  }

  protected async prompt(dc: DialogContext, user: User, replies: readonly Reply[]): Promise<void> {
    const locale = this.locale(dc);
    await sendCard(dc, {
      texts: renderer(this.services)(locale, replies.length > 0 ? replies : [reply('enrollment.securityKey.onWeb')]),
      choices: navigationChoices(this.services, locale, user.enrollment!),
    });
  }

  protected async onInput(dc: DialogContext, user: User): Promise<DialogTurnResult> {
    await this.prompt(dc, user, [reply('enrollment.securityKey.onWeb')]);
    return Dialog.EndOfTurn;
  }
}
