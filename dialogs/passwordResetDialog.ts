// "I forgot my password" / "I'm locked out" in the chat: reset or unlock only → how to check it's you (a texted
// code, a call answered with #, an authenticator code, through the same verification core as sign-in) → a
// one-time link to the web reset page. The use cases decide everything; this dialog only asks and tells.
import { Dialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import type { ResetLinkOutcome } from '../src/app/issueResetLink';
import type { ResetCheckMethod, ResetCheckOption } from '../src/app/resetCheckRules';
import type { Reply } from '../src/domain/effects';
import { matchOption, matchOptionByWords, matchesPhrase } from './typed/choiceMatcher';
import { DIALOG_IDS } from './kit/dialogIds';
import { turnServices, type DialogServices, type PasswordResetServices } from './kit/dialogServices';
import { turnUser } from './kit/turnUser';
import { loadUser } from './kit/turnRecord';
import { cardCommand, phrases, readInput, type TurnInput } from './kit/turnInput';
import { cardData, choice, helpDeskReplies, renderer, sendCard } from './kit/sendCards';

type Purpose = 'reset' | 'unlock';

/** Dialog (UI) state: where the person is; the check itself lives in the verification core. */
interface ResetState {
  step: 'purpose' | 'method' | 'answer';
  purpose?: Purpose;
  challengeId?: string;
  method?: ResetCheckMethod;
  hint?: string | null;
}

const PURPOSE_ACTION = 'resetPurpose';
const METHOD_ACTION = 'resetMethod';
const CALL_ANSWERED_ACTION = 'resetCallAnswered';
const CANCEL_ACTION = 'resetCancel';

export class PasswordResetDialog extends Dialog {
  constructor(private readonly services: DialogServices) {
    super(DIALOG_IDS.passwordReset);
  }

  override async beginDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const reset = turnServices(this.services, dc.context).passwordReset;
    if (!reset) return this.end(dc, [this.t(dc, 'teams.reset.notOffered'), ...this.helpDesk(dc)]);
    const user = await loadUser(this.services, dc.context);
    if (reset.options(user).length === 0) return this.end(dc, [this.t(dc, 'teams.reset.noMethods'), ...this.helpDesk(dc)]);
    this.state(dc).step = 'purpose';
    await sendCard(dc, {
      texts: [this.t(dc, 'teams.reset.intro')],
      choices: [
        choice('reset', this.t(dc, 'teams.reset.purpose.reset'), cardData(PURPOSE_ACTION, null, { purpose: 'reset' })),
        choice('unlock', this.t(dc, 'teams.reset.purpose.unlock'), cardData(PURPOSE_ACTION, null, { purpose: 'unlock' })),
        choice('cancel', this.t(dc, 'teams.reset.cancel'), cardData(CANCEL_ACTION, null)),
      ],
    });
    return Dialog.EndOfTurn;
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const reset = turnServices(this.services, dc.context).passwordReset;
    const input = readInput(dc.context);
    if (!reset) return this.end(dc, [this.t(dc, 'teams.reset.notOffered')]);
    if (input.value?.action === CANCEL_ACTION || cardCommand(input) === 'cancel' || (!input.value && matchesPhrase(input.text, phrases(this.services.i18n, this.locale(dc), 'cancel')))) return this.end(dc, [this.t(dc, 'teams.reset.cancelled')]);
    const state = this.state(dc);
    switch (state.step) {
      case 'purpose':
        return this.onPurpose(dc, reset, input);
      case 'method':
        return this.onMethod(dc, reset, input);
      case 'answer':
        return this.onAnswer(dc, reset, input);
    }
  }

  private async onPurpose(dc: DialogContext, reset: PasswordResetServices, input: TurnInput): Promise<DialogTurnResult> {
    const purpose = input.value?.action === PURPOSE_ACTION ? input.value['purpose'] : this.typedPurpose(dc, input.text);
    if (purpose !== 'reset' && purpose !== 'unlock') return this.beginDialog(dc);
    const state = this.state(dc);
    state.purpose = purpose;
    state.step = 'method';
    await this.methodCard(dc, reset.options(await loadUser(this.services, dc.context)));
    return Dialog.EndOfTurn;
  }

  private async onMethod(dc: DialogContext, reset: PasswordResetServices, input: TurnInput): Promise<DialogTurnResult> {
    const options = reset.options(await loadUser(this.services, dc.context));
    const method = input.value?.action === METHOD_ACTION ? input.value['method'] : matchOption(input.text, options.map((o) => ({ id: o.method, label: this.methodLabel(dc, o) })))?.id;
    const picked = options.find((o) => o.method === method);
    if (!picked) {
      await this.methodCard(dc, options);
      return Dialog.EndOfTurn;
    }
    const outcome = await reset.start.start(turnUser(dc.context).id, picked.method);
    if (outcome.kind === 'refused') return this.end(dc, [this.t(dc, 'teams.reset.refused'), ...this.helpDesk(dc)]);
    if (outcome.kind === 'unavailable') {
      await this.methodCard(dc, options);
      return Dialog.EndOfTurn;
    }
    const state = this.state(dc);
    Object.assign(state, { step: 'answer', challengeId: outcome.challengeId, method: outcome.method, hint: outcome.hint });
    await this.answerPrompt(dc, state);
    return Dialog.EndOfTurn;
  }

  private async onAnswer(dc: DialogContext, reset: PasswordResetServices, input: TurnInput): Promise<DialogTurnResult> {
    const state = this.state(dc);
    if (!state.challengeId || !state.purpose) return this.end(dc, [this.t(dc, 'teams.reset.expired')]);
    // Typed text is the code (a call in read-code mode reads one out); a button press means "look now".
    const code = input.value ? null : input.text;
    const outcome = await reset.answer.answer(turnUser(dc.context).id, state.challengeId, state.purpose, code);
    const said = this.render(dc, outcome.kind === 'missing' ? [] : outcome.replies);
    switch (outcome.kind) {
      case 'missing':
        return this.end(dc, [this.t(dc, 'teams.reset.expired')]);
      case 'ended':
        return this.end(dc, [...said, this.t(dc, 'teams.reset.checkFailed')]);
      case 'pending':
        if (state.method === 'voice') await this.answerPrompt(dc, state, [...said, this.t(dc, 'teams.reset.stillWaiting')]);
        else await dc.context.sendActivity(said.join('\n\n') || this.t(dc, state.method === 'app' ? 'teams.reset.enterAppCode' : 'teams.reset.enterTextedCode', this.promptParams(state)));
        return Dialog.EndOfTurn;
      case 'link':
        return this.end(dc, [...said, ...this.linkWords(dc, state.purpose, outcome.link)]);
    }
  }

  private linkWords(dc: DialogContext, purpose: Purpose, link: ResetLinkOutcome): string[] {
    switch (link.kind) {
      case 'issued':
        return [this.t(dc, purpose === 'unlock' ? 'teams.reset.unlockLink' : 'teams.reset.link', { url: link.url, minutes: link.minutes })];
      case 'limited':
        return [this.t(dc, 'teams.reset.limited', { minutes: Math.max(1, Math.ceil(link.retryAfterMs / 60_000)) })];
      case 'notAllowed':
        return [this.t(dc, 'teams.reset.notAllowed'), ...this.helpDesk(dc)];
      case 'notLinked':
        return [this.t(dc, 'teams.reset.notLinked'), ...this.helpDesk(dc)];
      case 'unavailable':
        return [this.t(dc, 'teams.reset.unavailable')];
    }
  }

  private async methodCard(dc: DialogContext, options: readonly ResetCheckOption[]): Promise<void> {
    await sendCard(dc, {
      texts: [this.t(dc, 'teams.reset.chooseMethod')],
      choices: [
        ...options.map((o) => choice(o.method, this.methodLabel(dc, o), cardData(METHOD_ACTION, null, { method: o.method }))),
        choice('cancel', this.t(dc, 'teams.reset.cancel'), cardData(CANCEL_ACTION, null)),
      ],
    });
  }

  private async answerPrompt(dc: DialogContext, state: ResetState, before: readonly string[] = []): Promise<void> {
    const params = this.promptParams(state);
    if (state.method !== 'voice') {
      await dc.context.sendActivity([...before, this.t(dc, state.method === 'app' ? 'teams.reset.enterAppCode' : 'teams.reset.enterTextedCode', params)].join('\n\n'));
      return;
    }
    await sendCard(dc, {
      texts: [...before, this.t(dc, 'teams.reset.answerCall', params)],
      choices: [choice('answered', this.t(dc, 'teams.reset.callAnswered'), cardData(CALL_ANSWERED_ACTION, null)), choice('cancel', this.t(dc, 'teams.reset.cancel'), cardData(CANCEL_ACTION, null))],
    });
  }

  private promptParams(state: ResetState): Record<string, string> {
    return { hint: state.hint ?? '', org: this.services.org.organisation.name };
  }

  private methodLabel(dc: DialogContext, option: ResetCheckOption): string {
    return this.t(dc, `teams.reset.method.${option.method}`, { hint: option.hint ?? '' });
  }

  private typedPurpose(dc: DialogContext, text: string): Purpose | undefined {
    const option = (purpose: Purpose) => ({ id: purpose, label: this.t(dc, `teams.reset.purpose.${purpose}`), synonyms: this.t(dc, `teams.reset.purpose.${purpose}Synonyms`).split('|') });
    return matchOptionByWords(text, [option('reset'), option('unlock')])?.id ?? (text === '1' ? 'reset' : text === '2' ? 'unlock' : undefined);
  }

  private async end(dc: DialogContext, lines: readonly string[]): Promise<DialogTurnResult> {
    if (lines.length > 0) await dc.context.sendActivity(lines.join('\n\n'));
    // Back to the router with nothing for it to add (it shows nothing after a null result).
    return dc.endDialog();
  }

  private state(dc: DialogContext): ResetState {
    return dc.activeDialog!.state as ResetState;
  }

  private render(dc: DialogContext, replies: readonly Reply[]): string[] {
    return renderer(this.services)(this.locale(dc), replies);
  }

  private helpDesk(dc: DialogContext): string[] {
    return this.render(dc, helpDeskReplies(this.services, this.locale(dc)));
  }

  private locale(dc: DialogContext): string {
    return turnUser(dc.context).locale;
  }

  private t(dc: DialogContext, key: string, params?: Readonly<Record<string, string | number>>): string {
    return this.services.i18n.t(this.locale(dc), key, params);
  }
}
