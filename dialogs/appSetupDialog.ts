// The authenticator app: which app to install, the QR code (a PNG of the otpauth:// URI) with "Can't scan?"
// (account name and the secret in groups of four), then "Let's try it out": the current 6-digit code typed here.
import type { DialogContext, DialogTurnResult } from 'botbuilder-dialogs';
import type { Reply } from '../src/domain/effects';
import type { User } from '../src/domain/user';
import { imageElement, textBlock, textInput, type CardElement } from './cards/adaptiveCards';
import { qrPngDataUri } from './cards/qrImage';
import { createReplyRenderer } from '../src/renderReply';
import type { Understanding } from '../src/nlu/intentRecognizer';
import { SignetDialog } from './signetDialog';
import { DIALOG_IDS } from './kit/dialogIds';
import type { DialogServices } from './kit/dialogServices';
import { applyEvent } from './kit/turnRecord';
import { field, type TurnInput } from './kit/turnInput';
import { cardData, choice, isLocked, lockedCard, navigationChoices, sendCard } from './kit/sendCards';

export class AppSetupDialog extends SignetDialog {
  constructor(services: DialogServices) {
    super(DIALOG_IDS.appSetup, services);
  }

  protected helpKey(user: User): string {
    if (user.enrollment && isLocked(user.enrollment)) return 'help.steps.locked';
    return 'help.steps.scanningApp';
  }

  protected async prompt(dc: DialogContext, user: User, replies: readonly Reply[]): Promise<void> {
    const enrollment = user.enrollment!;
    const locale = this.locale(dc);
    const render = createReplyRenderer(this.services.i18n);
    // Resumed with nothing new to say (e.g. after a restart): ask the machine for the step again, QR code included.
    const shown = replies.length > 0 ? replies : await applyEvent(this.services, dc.context, { type: 'showStep' });
    if (isLocked(enrollment)) {
      await sendCard(dc, lockedCard(this.services, locale, enrollment, shown.map((r) => render(locale, r))));
      return;
    }
    const texts: string[] = [];
    const body: CardElement[] = [];
    const fallbackExtra: string[] = [];
    for (const r of shown) {
      if (r.key === 'enrollment.app.scan' && typeof r.params?.['uri'] === 'string') {
        // The QR image first, then the words (account and grouped secret) for anyone who cannot scan.
        body.push(imageElement(await qrPngDataUri(r.params['uri']), this.t(dc, 'teams.app.qrAlt'), 'Large'));
        body.push(textBlock(render(locale, r)));
        fallbackExtra.push(render(locale, r));
      } else if (body.length === 0) {
        texts.push(render(locale, r));
      } else {
        body.push(textBlock(render(locale, r)));
        fallbackExtra.push(render(locale, r));
      }
    }
    body.push(textInput('code', this.t(dc, 'teams.code.appLabel'), { placeholder: '123456', maxLength: 8 }));
    await sendCard(dc, {
      texts,
      body,
      fallbackExtra,
      choices: [choice('verify', this.t(dc, 'teams.buttons.verify'), cardData('submitCode', enrollment)), ...navigationChoices(this.services, locale, enrollment)],
    });
  }

  protected override onStepIntent(dc: DialogContext, user: User, input: TurnInput, understood: Understanding): Promise<DialogTurnResult> | undefined {
    return understood.entities.code !== undefined && understood.intent === 'giveCode' ? this.onInput(dc, user, input) : undefined;
  }

  /** Digits that are no code of the right length: the machine says the code is wrong, as for any code. */
  protected override takesFreeText(_dc: DialogContext, _user: User, text: string): boolean {
    return [...text].some((c) => c >= '0' && c <= '9');
  }

  protected async onInput(dc: DialogContext, _user: User, input: TurnInput): Promise<DialogTurnResult> {
    return this.applyAndEnd(dc, { type: 'submitCode', code: input.value ? field(input.value, 'code') : input.text });
  }
}
