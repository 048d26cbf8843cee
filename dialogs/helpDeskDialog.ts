// The help-desk commands in Teams ("look up", "issue passcode for", "revoke passcode for", "unlock", "require
// re-registration for"): parses what staff type, calls HelpDeskService (which checks membership and audits), and
// shows the outcome; re-registration waits for a Confirm/Cancel card or a typed yes/no.
import { Dialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { matchesPhrase } from './typed/choiceMatcher';
import type { PersonSummary, Refusal } from '../src/helpdesk/helpDeskService';
import { formatPasscode } from '../src/helpdesk/temporaryAccessPass';
import type { I18n } from '../src/i18n';
import { DIALOG_IDS } from './kit/dialogIds';
import { turnServices, type DialogServices } from './kit/dialogServices';
import { requesterOf, turnUser } from './kit/turnUser';
import { phrases, readInput, type CardData } from './kit/turnInput';
import { cardData, choice, sendCard, type ShownChoicesState } from './kit/sendCards';

export const HELP_DESK_CONFIRM = 'helpDesk:confirm';
export const HELP_DESK_CANCEL = 'helpDesk:cancel';

export interface IssueOptions {
  readonly lifetimeMs?: number;
  readonly oneTime?: boolean;
}

export type HelpDeskCommand =
  | { readonly kind: 'lookUp' | 'revoke' | 'unlock' | 'reRegister'; readonly query: string }
  /** `options` is 'unreadable' when words followed the name that are not a lifetime or "reusable". */
  | { readonly kind: 'issue'; readonly query: string; readonly options: IssueOptions | 'unreadable' };

export interface HelpDeskOptions {
  readonly command: HelpDeskCommand;
}

interface HelpDeskState extends ShownChoicesState {
  /** The person whose methods await the confirmation, by UPN. */
  confirming?: { upn: string };
}

const COMMAND_KINDS = ['lookUp', 'issue', 'revoke', 'unlock', 'reRegister'] as const;
const UNITS = { minutes: 60_000, hours: 60 * 60_000, days: 24 * 60 * 60_000 } as const;
/** A UPN (name@domain) or a directory object id: other words after "unlock" are not a help-desk command. */
const PERSON = /^(?:[^\s@]+@[^\s@]+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** `text` without leading characters from `leading` and trailing ones from `trailing`: a linear scan, no regex. */
export function trimChars(text: string, leading: string, trailing: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && leading.includes(text[start]!)) start++;
  while (end > start && trailing.includes(text[end - 1]!)) end--;
  return text.slice(start, end);
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const alternatives = (list: readonly string[]): string => [...list].sort((a, b) => b.length - a.length).map(escape).join('|');

/** The longest message read as a help-desk command: a command word, a UPN (at most 254) and a few options. */
export const MAX_HELP_DESK_COMMAND = 400;

/** The help-desk command typed, or null when the text is not one (it then goes to the menu as usual). */
export function parseHelpDeskCommand(i18n: I18n, locale: string, typed: string): HelpDeskCommand | null {
  if (typed.length > MAX_HELP_DESK_COMMAND) return null;
  const text = typed.trim().replace(/\s+/g, ' ');
  // Every command is "<phrase> <person>": a text without a space (most turns: "help", a number) is none.
  if (!text.includes(' ')) return null;
  const lower = text.toLowerCase();
  for (const kind of COMMAND_KINDS) {
    const phrase = [...phrases(i18n, locale, kind, 'helpdesk')].sort((a, b) => b.length - a.length).find((p) => lower.startsWith(`${p.toLowerCase()} `));
    if (!phrase) continue;
    const [rawQuery = '', ...rest] = text.slice(phrase.length + 1).split(' ');
    // "look up <jane@contoso.com>." as pasted from mail: brackets, quotes and a final full stop are not the name.
    const query = trimChars(rawQuery, `<"'(`, `>"'),.;:!?`);
    if (!PERSON.test(query)) return null;
    if (kind !== 'issue') return rest.length === 0 ? { kind, query } : null;
    return { kind, query, options: readIssueOptions(i18n, locale, rest.join(' ').toLowerCase()) };
  }
  return null;
}

/** "for 2 hours", "30 minutes reusable", "" → the options; anything else → 'unreadable'. */
function readIssueOptions(i18n: I18n, locale: string, words: string): IssueOptions | 'unreadable' {
  const list = (name: string): string => alternatives(phrases(i18n, locale, name, 'helpdesk'));
  const lifetime = new RegExp(`^(?:(?:${list('lifetimeWords')}) )?(\\d{1,5}) ?(?:(${list('minutes')})|(${list('hours')})|(${list('days')}))(?: |$)`);
  const reusable = new RegExp(`^(?:${list('reusable')})(?: |$)`);
  const oneTime = new RegExp(`^(?:${list('oneTime')})(?: |$)`);
  let rest = trimChars(words, '', '.!').trim();
  let options: { lifetimeMs?: number; oneTime?: boolean } = {};
  while (rest !== '') {
    const m = lifetime.exec(rest);
    const unit = m ? (m[2] ? UNITS.minutes : m[3] ? UNITS.hours : UNITS.days) : 0;
    const match = m ?? reusable.exec(rest) ?? oneTime.exec(rest);
    if (!match) return 'unreadable';
    if (m) options = { ...options, lifetimeMs: Number(m[1]) * unit };
    else options = { ...options, oneTime: oneTime.test(rest) };
    rest = rest.slice(match[0].length).trim();
  }
  return options;
}

export class HelpDeskDialog extends Dialog<HelpDeskOptions> {
  constructor(private readonly services: DialogServices) {
    super(DIALOG_IDS.helpDesk);
  }

  override async beginDialog(dc: DialogContext, options?: HelpDeskOptions): Promise<DialogTurnResult> {
    const helpDesk = turnServices(this.services, dc.context).helpDesk;
    const command = options?.command;
    if (!helpDesk || !command) return dc.endDialog();
    const requester = requesterOf(dc.context);
    switch (command.kind) {
      case 'lookUp': {
        const result = await helpDesk.lookUp(requester, command.query);
        await this.say(dc, result.kind === 'found' ? this.describe(dc, result.person) : this.refusal(dc, result, command.query));
        return dc.endDialog();
      }
      case 'issue': {
        if (command.options === 'unreadable') {
          // Still asked of the service, with a lifetime it always refuses, so a non-member's attempt is audited.
          const result = await helpDesk.issuePass(requester, command.query, { lifetimeMs: -1 });
          return this.finish(dc, result.kind === 'notMember' ? this.refusal(dc, result, command.query) : this.t(dc, 'helpdesk.issue.badOptions'));
        }
        const result = await helpDesk.issuePass(requester, command.query, command.options);
        if (result.kind === 'issued') {
          const person = await helpDesk.lookUp(requester, command.query);
          const who = person.kind === 'found' ? person.person : { displayName: command.query, upn: command.query };
          // Sent once and never kept in dialog state: the passcode exists only in this message.
          return this.finish(
            dc,
            this.t(dc, 'helpdesk.issue.issued', {
              name: who.displayName,
              upn: who.upn,
              passcode: formatPasscode(result.passcode),
              use: this.t(dc, result.oneTime ? 'helpdesk.use.oneTime' : 'helpdesk.use.reusable'),
              expiresAt: this.when(dc, result.expiresAt),
            }),
          );
        }
        if (result.kind === 'selfIssue') return this.finish(dc, this.t(dc, 'helpdesk.issue.selfIssue'));
        if (result.kind === 'lifetimeOutOfRange') return this.finish(dc, this.t(dc, 'helpdesk.issue.lifetimeOutOfRange'));
        return this.finish(dc, this.refusal(dc, result, command.query));
      }
      case 'revoke': {
        const result = await helpDesk.revokePass(requester, command.query);
        if (result.kind === 'revoked' || result.kind === 'noPass') return this.finish(dc, this.t(dc, result.kind === 'revoked' ? 'helpdesk.revoke.revoked' : 'helpdesk.revoke.noPass', { upn: command.query }));
        return this.finish(dc, this.refusal(dc, result, command.query));
      }
      case 'unlock': {
        const result = await helpDesk.unlockVerifications(requester, command.query);
        return this.finish(dc, result.kind === 'unlocked' ? this.t(dc, 'helpdesk.unlock.unlocked', { upn: command.query }) : this.refusal(dc, result, command.query));
      }
      case 'reRegister': {
        // Not staff: the service refuses (and audits the attempt) without anything to confirm.
        if (!helpDesk.isMember(requester)) {
          const refused = await helpDesk.requireReRegistration(requester, command.query);
          return this.finish(dc, refused.kind === 'done' ? this.t(dc, 'helpdesk.reRegister.done', { upn: command.query, count: refused.removed }) : this.refusal(dc, refused, command.query));
        }
        const found = await helpDesk.lookUp(requester, command.query);
        if (found.kind !== 'found') return this.finish(dc, this.refusal(dc, found, command.query));
        (dc.activeDialog!.state as HelpDeskState).confirming = { upn: found.person.upn };
        await this.askToConfirm(dc, found.person);
        return Dialog.EndOfTurn;
      }
    }
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const state = dc.activeDialog!.state as HelpDeskState;
    const confirming = state.confirming;
    const helpDesk = turnServices(this.services, dc.context).helpDesk;
    if (!confirming || !helpDesk) return dc.endDialog();
    const locale = turnUser(dc.context).locale;
    const input = readInput(dc.context);
    // "1"/"2" typed against the card's numbered text version mean its first/second button.
    const value: CardData | null = input.value ?? (/^\d$/.test(input.text) ? (state.shownChoices?.[Number(input.text) - 1] ?? null) : null);
    const forThisPerson = value !== null && value['upn'] === confirming.upn;
    const i18n = this.services.i18n;
    const yes = value ? forThisPerson && value.action === HELP_DESK_CONFIRM : matchesPhrase(input.text, phrases(i18n, locale, 'yes'));
    // A card left over from a question about someone else answers nothing here.
    const no = value ? forThisPerson && value.action === HELP_DESK_CANCEL : matchesPhrase(input.text, [...phrases(i18n, locale, 'no', 'helpdesk'), ...phrases(i18n, locale, 'cancel')]);
    if (yes) {
      const result = await helpDesk.requireReRegistration(requesterOf(dc.context), confirming.upn);
      const text = result.kind === 'done' ? this.t(dc, 'helpdesk.reRegister.done', { upn: confirming.upn, count: result.removed }) : this.refusal(dc, result, confirming.upn);
      return this.finish(dc, text);
    }
    if (no) return this.finish(dc, this.t(dc, 'helpdesk.reRegister.cancelled'));
    await this.say(dc, [this.t(dc, 'helpdesk.reRegister.askAgain')]);
    const found = await helpDesk.lookUp(requesterOf(dc.context), confirming.upn);
    if (found.kind !== 'found') return this.finish(dc, this.refusal(dc, found, confirming.upn));
    await this.askToConfirm(dc, found.person);
    return Dialog.EndOfTurn;
  }

  private async askToConfirm(dc: DialogContext, person: PersonSummary): Promise<void> {
    await sendCard(dc, {
      texts: [this.t(dc, 'helpdesk.reRegister.confirm', { name: person.displayName, upn: person.upn, count: person.methods.length })],
      choices: [
        { ...choice('confirm', this.t(dc, 'helpdesk.reRegister.confirmButton'), cardData(HELP_DESK_CONFIRM, null, { upn: person.upn })), style: 'destructive' },
        choice('cancel', this.t(dc, 'helpdesk.reRegister.cancelButton'), cardData(HELP_DESK_CANCEL, null, { upn: person.upn })),
      ],
    });
  }

  /** The look-up as lines: who, registration status, masked methods (default marked), recent outcomes, resets, pass. */
  private describe(dc: DialogContext, person: PersonSummary): string[] {
    const lines = [this.t(dc, 'helpdesk.lookUp.header', { name: person.displayName, upn: person.upn })];
    lines.push(this.t(dc, person.meetsPolicy ? 'helpdesk.lookUp.registered' : 'helpdesk.lookUp.notRegistered'));
    if (person.methods.length === 0) lines.push(this.t(dc, 'helpdesk.lookUp.noMethods'));
    else {
      lines.push(this.t(dc, 'helpdesk.lookUp.methods'));
      for (const m of person.methods) {
        lines.push(this.t(dc, m.isDefault ? 'helpdesk.lookUp.defaultMethod' : 'helpdesk.lookUp.method', { method: this.t(dc, `teams.methodLabels.${m.kind}`), detail: m.label }).trimEnd().replace(/ {2,}/g, ' '));
      }
    }
    if (person.recentVerifications.length === 0) lines.push(this.t(dc, 'helpdesk.lookUp.noRecent'));
    else {
      lines.push(this.t(dc, 'helpdesk.lookUp.recent'));
      for (const v of person.recentVerifications) {
        lines.push(this.t(dc, 'helpdesk.lookUp.verification', { at: this.when(dc, v.at), method: this.t(dc, `helpdesk.challengeMethods.${v.method}`), status: this.t(dc, `helpdesk.status.${v.status}`) }));
      }
    }
    lines.push(...this.describeResets(dc, person.recentResets));
    const pass = person.pass;
    if (!pass) lines.push(this.t(dc, 'helpdesk.lookUp.passNone'));
    else if (!pass.usable) lines.push(this.t(dc, 'helpdesk.lookUp.passUnusable'));
    else lines.push(this.t(dc, 'helpdesk.lookUp.passUsable', { use: this.t(dc, pass.oneTime ? 'helpdesk.use.oneTime' : 'helpdesk.use.reusable'), expiresAt: this.when(dc, pass.expiresAt) }));
    return lines;
  }

  /** Self-service resets, unlocks and reset lockouts: what, how verified, how it started, when, from which address. */
  private describeResets(dc: DialogContext, resets: PersonSummary['recentResets']): string[] {
    if (resets.length === 0) return [this.t(dc, 'helpdesk.lookUp.noResets')];
    const known = (group: string, value: string | null, fallback: string): string =>
      this.t(dc, `helpdesk.${group}.${value !== null && this.services.i18n.has(`helpdesk.${group}.${value}`) ? value : fallback}`);
    const lines = [this.t(dc, 'helpdesk.lookUp.resets')];
    for (const r of resets) {
      const params = {
        at: this.when(dc, r.at),
        action: known('resetActions', r.action.replace(/^reset:/, ''), 'other'),
        via: known('resetVia', r.via, 'unknown'),
        ip: r.ip ?? this.t(dc, 'helpdesk.lookUp.unknownAddress'),
      };
      const proofs = (r.verifiedBy ?? '').split(',').filter((p) => p !== '');
      lines.push(
        proofs.length === 0
          ? this.t(dc, 'helpdesk.lookUp.resetUnverified', params)
          : this.t(dc, 'helpdesk.lookUp.reset', { ...params, verifiedBy: proofs.map((p) => known('resetProofs', p, 'other')).join(' + ') }),
      );
    }
    return lines;
  }

  private refusal(dc: DialogContext, refusal: Refusal | { readonly kind: string }, query: string): string {
    return refusal.kind === 'notMember' ? this.t(dc, 'helpdesk.notMember') : this.t(dc, 'helpdesk.notFound', { query });
  }

  /** A moment in the reader's locale and time zone (as their Teams reports it, else UTC), naming the zone. */
  private when(dc: DialogContext, at: number): string {
    const reader = turnUser(dc.context);
    return new Intl.DateTimeFormat(reader.locale, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: reader.timeZone ?? 'UTC', timeZoneName: 'short' }).format(at);
  }

  private t(dc: DialogContext, key: string, params?: Readonly<Record<string, string | number>>): string {
    return this.services.i18n.t(turnUser(dc.context).locale, key, params);
  }

  private async say(dc: DialogContext, lines: string | readonly string[]): Promise<void> {
    await dc.context.sendActivity(typeof lines === 'string' ? lines : lines.join('\n\n'));
  }

  private async finish(dc: DialogContext, text: string): Promise<DialogTurnResult> {
    await this.say(dc, text);
    return dc.endDialog();
  }
}
