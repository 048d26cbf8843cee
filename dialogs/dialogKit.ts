// What every Teams dialog shares: the services they call, the person of this turn, reading a typed message or a
// card submit, the global commands (cancel, back, help, different method), rendering machine replies, and which
// dialog shows which enrollment step. Not a dialog itself: the dialogs in this folder import it.
import type { Attachment, TurnContext } from 'botbuilder';
import type { DialogContext } from 'botbuilder-dialogs';
import type { OrgConfig } from '../src/config/orgConfigSchema';
import { reply, type Reply } from '../src/domain/effects';
import type { NewUser, User } from '../src/domain/user';
import type { RegistrationPolicy } from '../src/domain/rules/registrationPolicy';
import type { EnrollmentService } from '../src/enrollment/enrollmentService';
import type { Enrollment, EnrollmentEvent, EnrollmentStep } from '../src/enrollment/enrollmentTypes';
import type { I18n } from '../src/i18n';
import type { HelpDeskService, Requester } from '../src/helpdesk/helpDeskService';
import { createReplyRenderer } from '../src/renderReply';
import { adaptiveCard, type CardChoice, type CardSpec } from '../src/channels/teams/adaptiveCards';
import { matchesPhrase } from '../src/channels/teams/choiceMatcher';
import { cutStrings, cutText } from '../src/channels/inputLimits';

export const DIALOG_IDS = {
  router: 'signet:router',
  registration: 'signet:registration',
  addMethod: 'signet:addMethod',
  appSetup: 'signet:appSetup',
  phone: 'signet:phone',
  officePhone: 'signet:officePhone',
  email: 'signet:email',
  securityQuestions: 'signet:securityQuestions',
  securityKey: 'signet:securityKey',
  manageMethods: 'signet:manageMethods',
  help: 'signet:help',
  helpDesk: 'signet:helpDesk',
} as const;

export interface DialogServices {
  readonly enrollment: EnrollmentService;
  readonly i18n: I18n;
  readonly org: OrgConfig;
  readonly registration: RegistrationPolicy;
  /** The help-desk use cases; absent where help-desk commands are not offered. */
  readonly helpDesk?: HelpDeskService;
  /**
   * How many writing service calls the running turn has made so far (the bot counts them). The turn's copy of the
   * record is trusted only while this is unchanged; absent: no copy is kept and every `loadUser` reads the store.
   */
  readonly turnWrites?: () => number;
}

export function registrationPolicyOf(org: OrgConfig): RegistrationPolicy {
  return { required: org.methods.required, firstMethodKinds: org.methods.firstMethodKinds, offered: org.methods.offered, usage: org.methods.usage };
}

/** Who is talking and in which locale; the bot resolves it before any dialog runs. */
export interface TurnUser {
  readonly id: string;
  readonly locale: string;
  /** The directory profile the record is created from on first contact. */
  readonly profile: NewUser;
}

const TURN_USER = Symbol('signet:turnUser');
const TURN_RECORD = Symbol('signet:turnRecord');

/** The record as this turn last read or saved it, and the turn's write count at that moment. */
interface TurnRecord {
  readonly user: User;
  readonly writes: number;
}

export function setTurnUser(context: TurnContext, user: TurnUser): void {
  context.turnState.set(TURN_USER, user);
}

export function turnUser(context: TurnContext): TurnUser {
  const user = context.turnState.get(TURN_USER) as TurnUser | undefined;
  if (!user) throw new Error('The bot did not resolve the person before running dialogs');
  return user;
}

/** The person of this turn as the help-desk service sees them (membership is by directory id or UPN). */
export function requesterOf(context: TurnContext): Requester {
  const user = turnUser(context);
  return { id: user.id, upn: user.profile.upn, channel: 'teams' };
}

/** The data our cards put in activity.value: an action, and for enrollment cards the enrollment and step. */
export interface CardData {
  readonly signet: 1;
  readonly action: string;
  readonly enrollmentId?: string;
  readonly step?: string;
  readonly [field: string]: unknown;
}

export interface TurnInput {
  readonly text: string;
  /** Our card's submit data merged with its inputs; null for typed text or someone else's card. */
  readonly value: CardData | null;
}

export function readInput(context: TurnContext): TurnInput {
  const activity = context.activity;
  // Cut again here (the bot cuts at the turn's entry) so that no dialog ever parses more than the limit.
  const text = typeof activity.text === 'string' ? cutText(activity.text).trim() : '';
  const raw: unknown = cutStrings(activity.value);
  const value =
    raw !== null && typeof raw === 'object' && !Array.isArray(raw) && (raw as { signet?: unknown }).signet === 1 && typeof (raw as { action?: unknown }).action === 'string'
      ? (raw as CardData)
      : null;
  return { text, value };
}

/** A string field of a card submit (an input's value), trimmed; '' when absent. */
export function field(value: CardData | null, name: string): string {
  const v = value?.[name];
  return typeof v === 'string' ? v.trim() : '';
}

export type GlobalCommand = 'cancel' | 'back' | 'help' | 'differentMethod';
const GLOBAL_COMMANDS: readonly GlobalCommand[] = ['cancel', 'back', 'help', 'differentMethod'];

/** The phrases of a command in a locale: `<flow>.commands.<name>` holds them separated by "|". */
export function phrases(i18n: I18n, locale: string, name: string, flow: 'teams' | 'helpdesk' = 'teams'): string[] {
  return i18n.t(locale, `${flow}.commands.${name}`).split('|');
}

export function globalCommand(i18n: I18n, locale: string, input: TurnInput): GlobalCommand | null {
  if (input.value) return (GLOBAL_COMMANDS as readonly string[]).includes(input.value.action) ? (input.value.action as GlobalCommand) : null;
  return GLOBAL_COMMANDS.find((c) => matchesPhrase(input.text, phrases(i18n, locale, c))) ?? null;
}

export function renderer(services: DialogServices): (locale: string, replies: readonly Reply[]) => string[] {
  const render = createReplyRenderer(services.i18n);
  return (locale, replies) => replies.map((r) => render(locale, r));
}

/** Keeps `user` as this turn's copy of the record: dialogs read it instead of the store (one read per turn). */
export function setTurnRecord(services: DialogServices, context: TurnContext, user: User): void {
  if (!services.turnWrites) return;
  const record: TurnRecord = { user, writes: services.turnWrites() };
  context.turnState.set(TURN_RECORD, record);
}

/** The turn's copy of the record if no write has made it stale since it was kept. */
function keptRecord(services: DialogServices, context: TurnContext): User | undefined {
  const kept = context.turnState.get(TURN_RECORD) as TurnRecord | undefined;
  return kept && services.turnWrites && kept.writes === services.turnWrites() ? kept.user : undefined;
}

/** Drops the turn's copy (the turn is re-run on fresh state): the next `loadUser` reads the store. */
export function forgetTurnRecord(context: TurnContext): void {
  context.turnState.delete(TURN_RECORD);
}

export async function loadUser(services: DialogServices, context: TurnContext): Promise<User> {
  // A write that did not hand back the record (a method removed, a help-desk action) makes the copy stale.
  const kept = keptRecord(services, context);
  if (kept) return kept;
  // The bot created the record at the start of the turn; this reads the latest version.
  const user = await services.enrollment.ensureUser(turnUser(context).profile);
  setTurnRecord(services, context, user);
  return user;
}

/** Applies an event from this turn's copy of the record and keeps the record as saved for the rest of the turn. */
export async function applyEvent(services: DialogServices, context: TurnContext, event: EnrollmentEvent): Promise<readonly Reply[]> {
  const loaded = keptRecord(services, context);
  // Forgotten first: should the call fail half-way, nothing later in the turn trusts the old copy.
  forgetTurnRecord(context);
  const { replies, user } = await services.enrollment.applyReturningUser(turnUser(context).id, event, { channel: 'teams' }, loaded);
  setTurnRecord(services, context, user);
  return replies;
}

/** The step a card was made for: an expired or locked code keeps its code card valid (resend, different method). */
export function displayStep(step: EnrollmentStep): string {
  if (step.name === 'expired') return step.previous.name;
  if (step.name === 'locked') return step.previous.name;
  return step.name;
}

export function isStaleSubmit(user: User, value: CardData): boolean {
  if (value.enrollmentId === undefined) return false;
  const e = user.enrollment;
  if (!e || e.id !== value.enrollmentId) return true;
  return value.step !== undefined && value.step !== displayStep(e.step);
}

/** Which dialog shows an enrollment in this step. */
export function stepDialogId(enrollment: Enrollment): string {
  const step = enrollment.step.name === 'expired' || enrollment.step.name === 'locked' ? enrollment.step.previous : enrollment.step;
  switch (step.name) {
    case 'choosingMethod':
      return enrollment.purpose === 'register' ? DIALOG_IDS.registration : DIALOG_IDS.addMethod;
    case 'enteringPhone':
      return step.kind === 'officePhone' ? DIALOG_IDS.officePhone : DIALOG_IDS.phone;
    case 'codeSent':
      return step.kind === 'email' ? DIALOG_IDS.email : step.kind === 'officePhone' ? DIALOG_IDS.officePhone : DIALOG_IDS.phone;
    case 'enteringEmail':
      return DIALOG_IDS.email;
    case 'scanningApp':
      return DIALOG_IDS.appSetup;
    case 'answeringQuestions':
      return DIALOG_IDS.securityQuestions;
    case 'securityKeyOnWeb':
      return DIALOG_IDS.securityKey;
    default:
      return DIALOG_IDS.registration;
  }
}

/** Options a step dialog is begun with: what the machine just said, or "treat this turn's input as an answer". */
export interface StepOptions {
  readonly replies?: readonly Reply[];
  /** Dialog state was lost (new process, new storage): handle this turn's input against the stored step. */
  readonly resume?: boolean;
  /** Begin a new enrollment (registration / add method dialogs). */
  readonly start?: boolean;
}

/** What a step dialog ends with: the machine's replies, for the router to show with the next step. */
export interface StepResult {
  readonly replies: readonly Reply[];
}

export function cardData(action: string, enrollment: Enrollment | null, extra: Readonly<Record<string, unknown>> = {}): CardData {
  return { signet: 1, action, ...(enrollment ? { enrollmentId: enrollment.id, step: displayStep(enrollment.step) } : {}), ...extra };
}

export function choice(id: string, title: string, data: CardData): CardChoice {
  return { id, title, data };
}

/** Dialog (UI) state every card-showing dialog keeps: the submit data of the choices last shown, by position. */
export interface ShownChoicesState {
  shownChoices?: CardData[];
}

export async function sendCard(dc: DialogContext, spec: CardSpec, text?: string): Promise<void> {
  // Remembered so that typing a choice's number works like pressing it (the text fallback numbers them).
  if (dc.activeDialog) (dc.activeDialog.state as ShownChoicesState).shownChoices = spec.choices.map((c) => c.data as CardData);
  const attachment: Attachment = adaptiveCard(spec);
  await dc.context.sendActivity({ type: 'message', ...(text !== undefined ? { text } : {}), attachments: [attachment] });
}

export async function sendText(dc: DialogContext, lines: readonly string[]): Promise<void> {
  if (lines.length > 0) await dc.context.sendActivity(lines.join('\n\n'));
}

/** The ways out every enrollment card offers: back, a different method, cancel. */
export function navigationChoices(services: DialogServices, locale: string, enrollment: Enrollment, options: { back?: boolean } = {}): CardChoice[] {
  const t = (key: string): string => services.i18n.t(locale, key);
  return [
    ...(options.back === false ? [] : [choice('back', t('teams.buttons.back'), cardData('back', enrollment))]),
    choice('differentMethod', t('teams.buttons.differentMethod'), cardData('differentMethod', enrollment)),
    choice('cancel', t('teams.buttons.cancel'), cardData('cancel', enrollment)),
  ];
}

/** The configured help-desk contact as replies (phone, web, email, hours: whichever are configured). */
export function helpDeskReplies(services: DialogServices): Reply[] {
  const desk = services.org.helpDesk;
  return [
    reply('common.helpDesk.intro'),
    ...(desk.phone ? [reply('common.helpDesk.phone', { phone: desk.phone })] : []),
    ...(desk.url ? [reply('common.helpDesk.url', { url: desk.url })] : []),
    ...(desk.email ? [reply('common.helpDesk.email', { email: desk.email })] : []),
    ...(desk.hours ? [reply('common.helpDesk.hours', { hours: desk.hours })] : []),
  ];
}
