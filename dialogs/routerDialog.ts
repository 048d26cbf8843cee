// The root dialog: the main menu (set up MFA, add a method, my methods, help) and the one place that decides,
// from the stored enrollment state (not from dialog state), which step dialog shows next. After a step it shows
// the machine's replies, continues a registration until the policy is met, and ends with a summary. Typed
// help-desk commands open the help-desk dialog (which refuses non-members). Other typed messages are understood
// by the NLU: a question is answered, a request opened, and anything else says what can be said here.
import { Dialog, type DialogContext, type DialogReason, type DialogTurnResult } from 'botbuilder-dialogs';
import type { Reply } from '../src/domain/effects';
import type { User } from '../src/domain/user';
import { isMethodKind } from '../src/domain/methodKinds';
import { isEnrollmentActive } from '../src/enrollment/enrollmentMachine';
import { matchesPhrase } from './typed/choiceMatcher';
import type { MethodKind } from '../src/domain/methodKinds';
import { faqAnswerFor } from '../src/nlu/faqAnswers';
import type { Understanding } from '../src/nlu/intentRecognizer';
import { adaptiveCard } from './cards/adaptiveCards';
import { DIALOG_IDS } from './kit/dialogIds';
import type { DialogServices } from './kit/dialogServices';
import { turnUser } from './kit/turnUser';
import { applyEvent, loadUser } from './kit/turnRecord';
import { cardCommand, phrases, readInput } from './kit/turnInput';
import { isSmallTalk, notUnderstoodTexts, understandTyped } from './kit/understandTurn';
import { switchLanguage } from './kit/switchLanguage';
import { stepDialogId, type StepResult } from './kit/enrollmentSteps';
import { cardData, choice, renderer } from './kit/sendCards';
import { HELP_DESK_CANCEL, HELP_DESK_CONFIRM, parseHelpDeskCommand } from './helpDeskDialog';

type MenuItem = 'register' | 'add' | 'manage' | 'help';
const MENU: readonly MenuItem[] = ['register', 'add', 'manage', 'help'];

export class RouterDialog extends Dialog {
  constructor(private readonly services: DialogServices) {
    super(DIALOG_IDS.router);
  }

  override async beginDialog(dc: DialogContext): Promise<DialogTurnResult> {
    return this.onTurn(dc);
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    return this.onTurn(dc);
  }

  /** A step dialog (or help, or manage) ended: show what the machine said and what comes next. */
  override async resumeDialog(dc: DialogContext, _reason: DialogReason, result?: unknown): Promise<DialogTurnResult> {
    const replies = isStepResult(result) ? result.replies : null;
    return this.route(dc, replies);
  }

  private locale(dc: DialogContext): string {
    return turnUser(dc.context).locale;
  }

  private t(dc: DialogContext, key: string, params?: Readonly<Record<string, string | number>>): string {
    return this.services.i18n.t(this.locale(dc), key, params);
  }

  private async onTurn(dc: DialogContext): Promise<DialogTurnResult> {
    const user = await loadUser(this.services, dc.context);
    const input = readInput(dc.context);
    // Dialog state was lost or a step ended without a next one: the stored step decides, and this turn's input
    // is an answer to it (a new process resumes mid-flow).
    if (isEnrollmentActive(user)) return dc.beginDialog(stepDialogId(user.enrollment!), { resume: true });
    if (input.value?.enrollmentId !== undefined) {
      await dc.context.sendActivity(this.t(dc, 'teams.staleCard'));
      return this.showMenu(dc, 'teams.menu.prompt');
    }
    if (input.value?.action === HELP_DESK_CONFIRM || input.value?.action === HELP_DESK_CANCEL) {
      // A confirmation card whose question is gone (answered, or the state was lost): do nothing drastic.
      await dc.context.sendActivity(this.t(dc, 'teams.staleCard'));
      return this.showMenu(dc, 'teams.menu.prompt');
    }
    if (input.value?.action === 'faq') return dc.beginDialog(DIALOG_IDS.help, { faqId: input.value['id'] });
    const helpDeskCommand = !input.value && this.services.helpDesk ? parseHelpDeskCommand(this.services.i18n, this.locale(dc), input.text) : null;
    if (helpDeskCommand) return dc.beginDialog(DIALOG_IDS.helpDesk, { command: helpDeskCommand });
    const item = this.menuItem(input);
    // "Set up this method" on the next-step notice (src/channels/teams/nextMethodCard.ts) names the method.
    const kind = input.value?.['kind'];
    if (item === 'register' && isMethodKind(kind)) return dc.beginDialog(DIALOG_IDS.registration, { start: true, kind });
    if (item) return this.open(dc, item);
    if (input.value || input.text === '') {
      const command = cardCommand(input);
      if (command === 'help') return dc.beginDialog(DIALOG_IDS.help, { topicKey: 'help.steps.idle' });
      if (command === 'differentMethod') return dc.beginDialog(DIALOG_IDS.addMethod, { start: true });
      if (command) return this.nothingInProgress(dc);
      return this.showMenu(dc, 'common.welcome');
    }
    // "I forgot my password" / "I'm locked out": the reset journey (before the FAQ, whose answer is broader).
    // Without the journey (no directory), the FAQ's answer names the help desk instead.
    if (this.services.passwordReset && matchesPhrase(input.text, phrases(this.services.i18n, this.locale(dc), 'passwordReset'))) return dc.beginDialog(DIALOG_IDS.passwordReset);
    if (isSmallTalk(this.services, this.locale(dc), input.text)) {
      // "thanks" after finishing: a word back, not the menu again.
      await dc.context.sendActivity(this.t(dc, 'teams.smallTalk'));
      return Dialog.EndOfTurn;
    }
    return this.onUnderstood(dc, user, await understandTyped(this.services, dc.context, input.text));
  }

  /** A typed message in a fresh chat (no step): its question answered, its request opened, else what can be said. */
  private async onUnderstood(dc: DialogContext, user: User, understood: Understanding): Promise<DialogTurnResult> {
    const faq = faqAnswerFor(understood.intent);
    if (faq) return dc.beginDialog(DIALOG_IDS.help, { faqId: faq.intent });
    const method = understood.entities.method;
    switch (understood.intent) {
      case 'setUp':
        // Registration says so itself when the policy is already met.
        return this.start(dc, DIALOG_IDS.registration, method);
      case 'addMethod':
      case 'chooseMethod':
      case 'differentMethod':
        // "add my cell number": the method named is chosen at once; a registration while the policy is not met.
        return this.start(dc, this.services.progress(user).meetsPolicy ? DIALOG_IDS.addMethod : DIALOG_IDS.registration, method);
      case 'myMethods':
      case 'removeMethod':
        return dc.beginDialog(DIALOG_IDS.manageMethods);
      case 'help':
        return dc.beginDialog(DIALOG_IDS.help, { topicKey: 'help.steps.idle' });
      case 'greeting':
        return this.showMenu(dc, 'common.welcome');
      case 'switchLanguage':
        return this.showMenu(dc, null, [await switchLanguage(this.services, dc.context, understood.entities.language)]);
      case 'cancel':
      case 'back':
      case 'resend':
      case 'callMe':
      case 'textMe':
      case 'giveCode':
        return this.nothingInProgress(dc);
      default:
        return this.showMenu(dc, null, notUnderstoodTexts(this.services, this.locale(dc), 'help.steps.idle'));
    }
  }

  private async nothingInProgress(dc: DialogContext): Promise<DialogTurnResult> {
    await dc.context.sendActivity(this.t(dc, 'enrollment.nothingInProgress'));
    return this.showMenu(dc, 'teams.menu.prompt');
  }

  private start(dc: DialogContext, dialogId: string, kind: MethodKind | undefined): Promise<DialogTurnResult> {
    return dc.beginDialog(dialogId, { start: true, ...(kind !== undefined ? { kind } : {}) });
  }

  /** A menu button, or the number of one typed ("2"); words are understood by the NLU. */
  private menuItem(input: ReturnType<typeof readInput>): MenuItem | undefined {
    if (input.value) return input.value.action === 'menu' ? MENU.find((m) => m === input.value!['item']) : undefined;
    const text = input.text.trim();
    return text.length > 0 && text.length <= 2 && [...text].every((c) => c >= '0' && c <= '9') ? MENU[Number(text) - 1] : undefined;
  }

  private open(dc: DialogContext, item: MenuItem): Promise<DialogTurnResult> {
    switch (item) {
      case 'register':
        return dc.beginDialog(DIALOG_IDS.registration, { start: true });
      case 'add':
        return dc.beginDialog(DIALOG_IDS.addMethod, { start: true });
      case 'manage':
        return dc.beginDialog(DIALOG_IDS.manageMethods);
      case 'help':
        return dc.beginDialog(DIALOG_IDS.help, { topicKey: 'help.steps.idle' });
    }
  }

  private async route(dc: DialogContext, replies: readonly Reply[] | null): Promise<DialogTurnResult> {
    const user = await loadUser(this.services, dc.context);
    if (isEnrollmentActive(user)) return dc.beginDialog(stepDialogId(user.enrollment!), { replies: replies ?? [] });
    if (replies === null) return Dialog.EndOfTurn; // back from help: nothing else to show
    const locale = this.locale(dc);
    const lines = renderer(this.services)(locale, replies);
    const justVerified = replies.some((r) => r.key.startsWith('enrollment.verified.'));
    // A registration goes on until the policy is met: the progress query says whether it does.
    if (justVerified && this.services.progress(user).continuesRegistration) {
      if (lines.length > 0) await dc.context.sendActivity(lines.join('\n\n'));
      const next = await applyEvent(this.services, dc.context, { type: 'start', purpose: 'register' });
      return dc.beginDialog(DIALOG_IDS.registration, { replies: next });
    }
    if (justVerified) lines.push(this.summary(dc, user));
    if (replies.some((r) => r.key === 'teams.register.alreadyMeets')) lines.push(this.summary(dc, user));
    return this.showMenu(dc, null, lines);
  }

  /**
   * "You can sign in with: …" names only what signs in; reset-only methods and what resets a password are said
   * apart, with what to add when there are not enough reset methods. What each method is for is the usage table's
   * (the progress query), never decided here.
   */
  private summary(dc: DialogContext, user: User): string {
    const { uses, resetToAdd } = this.services.progress(user);
    const names = (kinds: readonly string[]): string => kinds.map((k) => this.t(dc, `methods.${k}`)).join(', ');
    const lines = [this.t(dc, 'teams.summary', { methods: names(uses.signIn) })];
    if (uses.resetOnly.length > 0) lines.push(this.t(dc, 'teams.summaryResetOnly', { methods: names(uses.resetOnly) }));
    if (uses.reset.length > 0) lines.push(this.t(dc, 'teams.summaryReset', { methods: names(uses.reset) }));
    if (uses.resetMissing > 0) {
      lines.push(
        resetToAdd.length > 0
          ? this.t(dc, 'teams.summaryResetShort', { count: uses.resetMissing, methods: names(resetToAdd) })
          : this.t(dc, 'teams.summaryResetShortNothingToAdd', { count: uses.resetMissing }),
      );
    }
    return lines.join('\n\n');
  }

  private async showMenu(dc: DialogContext, promptKey: string | null, lines: readonly string[] = []): Promise<DialogTurnResult> {
    const texts = [...lines];
    if (promptKey === 'common.welcome') texts.push(this.t(dc, promptKey, { orgName: this.services.org.organisation.name }));
    else if (promptKey) texts.push(this.t(dc, promptKey));
    texts.push(this.t(dc, 'teams.menu.whatNext'));
    const card = adaptiveCard({ texts: [this.t(dc, 'teams.menu.whatNext')], choices: MENU.map((m) => choice(m, this.t(dc, `teams.menu.${m}`), cardData('menu', null, { item: m }))) });
    // One activity: the words as text (what every client shows) and the menu as a card under them.
    await dc.context.sendActivity({ type: 'message', text: texts.slice(0, -1).join('\n\n') || texts.join('\n\n'), attachments: [card] });
    return Dialog.EndOfTurn;
  }
}

function isStepResult(value: unknown): value is StepResult {
  return value !== null && typeof value === 'object' && Array.isArray((value as { replies?: unknown }).replies);
}

