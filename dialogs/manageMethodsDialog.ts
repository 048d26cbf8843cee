// "My methods": the registered methods with the default marked and numbers masked; make one the default, remove
// one (after a confirmation; the last sign-in method is refused with the help-desk contact), change a phone
// number (a new enrollment that replaces the old number once verified), or add a method.
import { Dialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { reply, type Reply } from '../src/domain/effects';
import { isPhoneKind } from '../src/domain/methodKinds';
import type { SecurityMethod, User } from '../src/domain/user';
import { maskEmail } from '../src/domain/rules/emailAddresses';
import { maskPhone, parsePhone } from '../src/domain/rules/phoneNumbers';
import { matchesPhrase, matchOption, normaliseTyped } from './typed/choiceMatcher';
import type { CardChoice, CardPicker } from './cards/adaptiveCards';
import { SignetDialog } from './signetDialog';
import { DIALOG_IDS } from './kit/dialogIds';
import { turnServices, type DialogServices } from './kit/dialogServices';
import { turnUser } from './kit/turnUser';
import { applyEvent, loadUser } from './kit/turnRecord';
import { phrases, type GlobalCommand, type TurnInput } from './kit/turnInput';
import { cardData, choice, helpDeskReplies, renderer, sendCard } from './kit/sendCards';

type Pending = { readonly action: 'remove' | 'change'; readonly methodId: string };
interface ManageState {
  pending?: Pending;
}
type ManageAction = 'setDefault' | 'remove' | 'change' | 'add' | 'done';
const ACTIONS: readonly ManageAction[] = ['setDefault', 'remove', 'change', 'add', 'done'];

/** "remove 2" → position 2 and the words "remove": the first one- or two-digit number, and the text without such numbers. */
export function positionAndWords(typed: string): { position: number | null; words: string } {
  const text = normaliseTyped(typed);
  const digits = /\b(\d{1,2})\b/.exec(text);
  const words = text.replace(/\b\d{1,2}\b/g, ' ').replace(/\s+/g, ' ').trim();
  return { position: digits ? Number(digits[1]) : null, words };
}

export class ManageMethodsDialog extends SignetDialog {
  constructor(services: DialogServices) {
    super(DIALOG_IDS.manageMethods, services);
  }

  // Works without an enrollment, and its numbers name methods ("remove 2"), not the buttons under the list.
  protected override readonly tracksEnrollment = false;
  protected override readonly numberedChoices = false;

  private state(dc: DialogContext): ManageState {
    return dc.activeDialog!.state as ManageState;
  }

  protected helpKey(_user: User, dc: DialogContext): string {
    return this.state(dc).pending ? 'help.steps.manageConfirm' : 'help.steps.manage';
  }

  /** "Mobile phone +1 ••• ••• ••23 (default)". */
  describe(dc: DialogContext, user: User, method: SecurityMethod): string {
    const label = this.t(dc, `teams.methodLabels.${method.kind}`);
    let detail = '';
    if ('number' in method) {
      const parsed = parsePhone(method.number, this.services.org.phone.defaultCountry);
      detail = maskPhone(parsed.ok ? parsed.phone.international : method.number);
      if (method.kind === 'officePhone' && method.extension) detail += ` ${this.t(dc, 'teams.manage.extension', { extension: method.extension })}`;
    } else if (method.kind === 'email') detail = maskEmail(method.address);
    const text = detail ? `${label} ${detail}` : label;
    return user.defaultMethodId === method.id ? this.t(dc, 'teams.manage.defaultMarker', { method: text }) : text;
  }

  protected async prompt(dc: DialogContext, user: User, replies: readonly Reply[]): Promise<void> {
    const locale = this.locale(dc);
    const texts = renderer(this.services)(locale, replies);
    const pending = this.state(dc).pending;
    const method = pending ? user.methods.find((m) => m.id === pending.methodId) : undefined;
    if (pending && method) {
      const key = pending.action === 'remove' ? 'teams.manage.confirmRemove' : 'teams.manage.secondMethodFirst';
      await sendCard(dc, {
        texts: [...texts, this.t(dc, key, { method: this.describe(dc, user, method) })],
        choices:
          pending.action === 'remove'
            ? [choice('yes', this.t(dc, 'teams.buttons.yesRemove'), cardData('confirm', null)), choice('no', this.t(dc, 'teams.buttons.noKeep'), cardData('decline', null))]
            : [choice('add', this.t(dc, 'teams.buttons.addFirst'), cardData('add', null)), choice('yes', this.t(dc, 'teams.buttons.changeAnyway'), cardData('confirm', null))],
      });
      return;
    }
    const { defaultCandidates } = this.services.progress(user);
    const lines = user.methods.map((m, i) => `${i + 1}. ${this.describe(dc, user, m)}`);
    // The methods as a list to pick from and what to do with the picked one: buttons per method would pass
    // what Teams shows on one card as soon as there are two methods.
    const onPicked: CardChoice[] = [
      ...(defaultCandidates.length > 0 ? [choice('setDefault', this.t(dc, 'teams.buttons.makeDefault'), cardData('setDefault', null))] : []),
      ...(user.methods.some((m) => isPhoneKind(m.kind)) ? [choice('change', this.t(dc, 'teams.buttons.changeNumber'), cardData('change', null))] : []),
      choice('remove', this.t(dc, 'teams.buttons.remove'), cardData('remove', null)),
    ];
    const picker: CardPicker | undefined =
      user.methods.length === 0
        ? undefined
        : { inputId: 'methodId', label: this.t(dc, 'teams.manage.methodListLabel'), errorMessage: this.t(dc, 'teams.pickOne'), options: user.methods.map((m, i) => ({ id: `method:${i + 1}`, title: lines[i]!, data: { methodId: m.id } })), submits: onPicked };
    texts.push(this.t(dc, user.methods.length === 0 ? 'teams.manage.none' : 'teams.manage.intro'));
    const choices = [choice('add', this.t(dc, 'teams.buttons.addMethod'), cardData('add', null)), choice('done', this.t(dc, 'teams.buttons.done'), cardData('done', null))];
    // Typed numbers name methods here ("remove 2"), so the text version is the numbered list and how to type.
    await sendCard(dc, { texts, ...(picker ? { picker } : {}), choices, fallback: [...texts, ...lines, this.t(dc, 'teams.manage.typeHint')].join('\n') });
  }

  protected override async onGlobal(dc: DialogContext, user: User, command: Exclude<GlobalCommand, 'help'>): Promise<DialogTurnResult> {
    const state = this.state(dc);
    if (state.pending && command !== 'differentMethod') {
      delete state.pending;
      await this.prompt(dc, user, [reply('teams.manage.keptAsIs')]);
      return Dialog.EndOfTurn;
    }
    if (command === 'differentMethod') return this.startAdd(dc);
    return this.endWith(dc, [reply('teams.manage.closed')]);
  }

  /** "yes"/"no" to a pending confirmation, and the list's own actions ("remove 2"), are read by this step. */
  protected override claimsTyped(dc: DialogContext, user: User, text: string): boolean {
    return this.state(dc).pending !== undefined || this.requestFrom(dc, user, { text, value: null }) !== null;
  }

  /** Anything else typed here is answered with what the list understands. */
  protected override takesFreeText(): boolean {
    return true;
  }

  protected async onInput(dc: DialogContext, user: User, input: TurnInput): Promise<DialogTurnResult> {
    const state = this.state(dc);
    const locale = this.locale(dc);
    const i18n = this.services.i18n;
    if (state.pending) {
      const pending = state.pending;
      const yes = input.value ? input.value.action === 'confirm' : matchesPhrase(input.text, phrases(i18n, locale, 'yes'));
      const add = input.value ? input.value.action === 'add' : matchesPhrase(input.text, phrases(i18n, locale, 'add'));
      delete state.pending;
      if (pending.action === 'change' && add) return this.startAdd(dc);
      if (!yes) {
        await this.prompt(dc, user, [reply('teams.manage.keptAsIs')]);
        return Dialog.EndOfTurn;
      }
      return pending.action === 'remove' ? this.remove(dc, pending.methodId) : this.change(dc, pending.methodId);
    }
    const request = this.requestFrom(dc, user, input);
    if (!request) {
      await this.prompt(dc, user, [reply('teams.manage.notUnderstood')]);
      return Dialog.EndOfTurn;
    }
    // A button under the list pressed with no method picked (clients that skip the required check).
    if (request.action !== 'add' && request.action !== 'done' && request.methodId === undefined) return this.reshow(dc, [reply('teams.manage.pickMethod')]);
    const method = request.methodId !== undefined ? user.methods.find((m) => m.id === request.methodId) : undefined;
    switch (request.action) {
      case 'add':
        return this.startAdd(dc);
      case 'done':
        return this.endWith(dc, [reply('teams.manage.closed')]);
      case 'setDefault': {
        const replies = await turnServices(this.services, dc.context).enrollment.changeSecurityInfo(turnUser(dc.context).id, { type: 'setDefault', methodId: request.methodId ?? '' }, { channel: 'teams' });
        return this.reshow(dc, replies);
      }
      case 'remove':
        if (!method) return this.reshow(dc, [reply('manage.remove.notFound')]);
        // The last sign-in method is refused before asking "Remove …?" (the core's rule), with who can help.
        if (!this.services.progress(user).removable.includes(method.id)) return this.reshow(dc, [reply('manage.remove.lastMfaMethod'), ...helpDeskReplies(this.services, turnUser(dc.context).locale)]);
        state.pending = { action: 'remove', methodId: method.id };
        await this.prompt(dc, user, []);
        return Dialog.EndOfTurn;
      case 'change':
        if (!method || !isPhoneKind(method.kind)) return this.reshow(dc, [reply('enrollment.replace.notFound')]);
        // With one sign-in method, changing the number is risky: suggest registering a second one first.
        if (this.services.progress(user).changeIsRisky) {
          state.pending = { action: 'change', methodId: method.id };
          await this.prompt(dc, user, []);
          return Dialog.EndOfTurn;
        }
        return this.change(dc, method.id);
    }
  }

  /** A card button, or typed "remove 2" / "make 1 default" / "change 1" / "add" / "done". */
  private requestFrom(dc: DialogContext, user: User, input: TurnInput): { action: ManageAction; methodId?: string } | null {
    const locale = this.locale(dc);
    if (input.value) {
      const action = ACTIONS.find((a) => a === input.value!.action);
      const methodId = input.value['methodId'];
      return action ? { action, ...(typeof methodId === 'string' ? { methodId } : {}) } : null;
    }
    const { position, words } = positionAndWords(input.text);
    const action = matchOption(words, ACTIONS.map((a) => ({ id: a, label: phrases(this.services.i18n, locale, `manage.${a}`)[0]!, synonyms: phrases(this.services.i18n, locale, `manage.${a}`) })))?.id;
    if (!action) return null;
    if (action === 'add' || action === 'done') return { action };
    const byNumber = position !== null ? user.methods[position - 1] : undefined;
    // "change phone" with a single phone needs no number.
    const phones = user.methods.filter((m) => isPhoneKind(m.kind));
    const method = byNumber ?? (action === 'change' && phones.length === 1 ? phones[0] : undefined);
    return method ? { action, methodId: method.id } : null;
  }

  private async remove(dc: DialogContext, methodId: string): Promise<DialogTurnResult> {
    const replies = await turnServices(this.services, dc.context).enrollment.changeSecurityInfo(turnUser(dc.context).id, { type: 'removeMethod', methodId }, { channel: 'teams' });
    // The last sign-in method cannot go: say who can help.
    const extra = replies.some((r) => r.key === 'manage.remove.lastMfaMethod') ? helpDeskReplies(this.services, turnUser(dc.context).locale) : [];
    return this.reshow(dc, [...replies, ...extra]);
  }

  private async change(dc: DialogContext, methodId: string): Promise<DialogTurnResult> {
    const replies = await applyEvent(this.services, dc.context, { type: 'start', purpose: 'replace', replacesMethodId: methodId });
    return this.endWith(dc, replies);
  }

  private async startAdd(dc: DialogContext): Promise<DialogTurnResult> {
    return dc.replaceDialog(DIALOG_IDS.addMethod, { start: true });
  }

  private async reshow(dc: DialogContext, replies: readonly Reply[]): Promise<DialogTurnResult> {
    const user = await loadUser(this.services, dc.context);
    await this.prompt(dc, user, replies);
    return Dialog.EndOfTurn;
  }
}
