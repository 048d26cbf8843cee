// The Teams bot: the ActivityHandler that identifies the person, hands sign-in approval answers to their use case,
// and runs the dialogs in dialogs/ (the adapter and turn-error handler are in botAdapter.ts). It reads no store:
// what it needs of the records comes from the use cases in src/app/ it is given (see teamsWiring.ts).
import {
  ActivityHandler,
  Channels,
  ConversationState,
  TeamsInfo,
  TurnContext,
  type Activity,
  type ConversationReference,
  type StatePropertyAccessor,
  type InvokeResponse,
  type ResourceResponse,
  type Storage,
} from 'botbuilder';
import { DialogSet, DialogTurnStatus, type Dialog, type DialogState } from 'botbuilder-dialogs';
import type { OrgConfig } from '../../config/orgConfigSchema';
import type { NewUser, User } from '../../domain/user';
import type { EnrollmentService } from '../../enrollment/enrollmentService';
import type { I18n } from '../../i18n';
import type { Logger } from '../../logging/logger';
import type { HelpDeskService } from '../../helpdesk/helpDeskService';
import { registrationPolicyFrom } from '../../enrollment/enrollmentPolicy';
import { registrationProgressOf } from '../../app/registrationProgress';
import type { AnswerSignInCard, SignInCardInput } from '../../app/answerSignInCard';
import { createReplyRenderer } from '../../renderReply';
import { readSignInSubmit, readTypedSignInAnswer } from './signInRequestCard';
import type { RecognisePerson } from '../../app/recognisePerson';
import type { RememberConversation } from '../../app/rememberConversation';
import type { ChooseLanguage } from '../../app/chooseLanguage';
import { DIALOG_IDS } from '../../../dialogs/kit/dialogIds';
import type { DialogServices } from '../../../dialogs/kit/dialogServices';
import { setTurnUser, turnLocaleOr, turnUser, type TurnUser } from '../../../dialogs/kit/turnUser';
import { clientTimeZone } from './clientTimeZone';
import { forgetTurnRecord, setTurnRecord } from '../../../dialogs/kit/turnRecord';
import { phrases } from '../../../dialogs/kit/turnInput';
import { RouterDialog } from '../../../dialogs/routerDialog';
import { RegistrationDialog } from '../../../dialogs/registrationDialog';
import { AddMethodDialog } from '../../../dialogs/addMethodDialog';
import { AppSetupDialog } from '../../../dialogs/appSetupDialog';
import { PhoneDialog } from '../../../dialogs/phoneDialog';
import { OfficePhoneDialog } from '../../../dialogs/officePhoneDialog';
import { EmailDialog } from '../../../dialogs/emailDialog';
import { SecurityQuestionsDialog } from '../../../dialogs/securityQuestionsDialog';
import { SecurityKeyDialog } from '../../../dialogs/securityKeyDialog';
import { ManageMethodsDialog } from '../../../dialogs/manageMethodsDialog';
import { HelpDialog } from '../../../dialogs/helpDialog';
import { HelpDeskDialog } from '../../../dialogs/helpDeskDialog';
import { PasswordResetDialog } from '../../../dialogs/passwordResetDialog';
import type { PasswordResetServices } from '../../../dialogs/kit/dialogServices';
import { ConversationQueue } from './conversationQueue';
import { ADAPTIVE_CARD_ACTION, badExecuteResponse, cardInvokeResponse, readExecuteData, UnhandledInvokeLog } from './invokeActivities';
import { noteWrite, recordWrites, writeRecording, writesSoFar } from './turnWrites';
import { cutTurnInput } from '../inputLimits';
import { organisationNlu, type Nlu } from '../../nlu/understand';
// Built at start-up from botAdapter.ts (which does not load botbuilder-dialogs); re-exported for existing callers.
export { createBotAdapter, createTurnErrorHandler } from './botAdapter';

// Where botbuilder-dialogs' DialogStateManager looks for (and caches) its memory configuration within a turn.
const DIALOG_MEMORY_CONFIGURATION = 'DialogStateManagerConfiguration';

// A turn that changed nothing but lost the race on dialog state to another instance is re-run this many times.
const MAX_DIALOG_ATTEMPTS = 3;

export interface SignetBotDeps extends TeamsUseCases {
  readonly i18n: I18n;
  readonly org: OrgConfig;
  readonly enrollment: EnrollmentService;
  /** Where dialog (UI) state is kept: MemoryStorage with the memory store, MongoDB storage with MongoDB. */
  readonly storage: Storage;
  /** Bot Framework authentication is on (a MicrosoftAppId is set): the person is the activity's AAD object id. */
  readonly authEnabled: boolean;
  readonly logger?: Logger;
  /** The help-desk use cases behind the help-desk commands; absent: the commands are not offered. */
  readonly helpDesk?: HelpDeskService;
  /** "I forgot my password" in the chat (verify, then a one-time link); absent: not offered. */
  readonly passwordReset?: PasswordResetServices;
  /** Turns of one conversation that may wait behind the running one in this process; more are told "busy". */
  readonly maxWaitingTurns?: number;
  /** What typed messages mean; default: the NLU of the organisation's offered locales, shared in this process. */
  readonly nlu?: Nlu;
}

/** The use cases (src/app/) behind a Teams turn; teamsWiring.ts builds them. */
export interface TeamsUseCases {
  readonly people: RecognisePerson;
  readonly conversations: RememberConversation;
  /** "español" / "English": the person's language, kept on their record. */
  readonly languages: ChooseLanguage;
  /** Absent where sign-in challenges are not answered in Teams. */
  readonly signIns?: AnswerSignInCard;
}

type TurnOutcome = 'answered' | 'busy';

/**
 * The Teams bot: works out who is talking (and refuses tenants the organisation does not list), creates the
 * record on first contact (UPN and name from the Teams roster), keeps the conversation reference for proactive
 * notices, then lets the dialogs answer. All state that matters is the user record; dialog state is UI only.
 */
export class SignetBot extends ActivityHandler {
  private readonly conversationState: ConversationState;
  private readonly dialogs: DialogSet;
  /** The conversation reference as last saved for notices, kept in the dialog state read every turn anyway. */
  private readonly savedReference: StatePropertyAccessor<string | undefined>;
  private readonly services: DialogServices;
  private readonly turns: ConversationQueue;
  private readonly unhandledInvokes: UnhandledInvokeLog;
  /** The dialog memory configuration botbuilder built on the first turn (see reuseDialogMemoryConfiguration). */
  private dialogMemoryConfiguration: unknown;

  constructor(private readonly deps: SignetBotDeps) {
    super();
    this.conversationState = new ConversationState(deps.storage);
    this.dialogs = new DialogSet(this.conversationState.createProperty<DialogState>('signet:dialogState'));
    this.savedReference = this.conversationState.createProperty<string | undefined>('signet:savedReference');
    this.turns = new ConversationQueue(deps.maxWaitingTurns);
    this.unhandledInvokes = new UnhandledInvokeLog(deps.logger);
    // Recorded, per turn, so that a turn which changed something is never re-run (see runDialogs).
    const base: DialogServices = {
      enrollment: deps.enrollment,
      i18n: deps.i18n,
      org: deps.org,
      progress: registrationProgressOf(registrationPolicyFrom(deps.org)),
      ...(deps.helpDesk ? { helpDesk: deps.helpDesk } : {}),
      ...(deps.passwordReset ? { passwordReset: deps.passwordReset } : {}),
      turnWrites: writesSoFar,
      nlu: deps.nlu ?? organisationNlu(deps.org),
      keepLanguage: async (context, locale) => this.keepLanguage(context, locale),
    };
    this.services = { ...base, forTurn: (context) => servicesForTurn(base, deps, context) };
    for (const dialog of createDialogs(this.services)) this.dialogs.add(dialog);

    this.onMessage(async (context, next) => {
      await this.handleMessage(context);
      await next();
    });

    this.onMembersAdded(async (context, next) => {
      const bot = context.activity.recipient?.id;
      const added = (context.activity.membersAdded ?? []).filter((m) => m.id !== bot);
      if (added.length > 0 && this.tenantAllowed(context)) {
        const locale = deps.i18n.resolveLocale(context.activity.locale);
        await context.sendActivity(deps.i18n.t(locale, 'common.welcome', { orgName: deps.org.organisation.name }));
      }
      await next();
    });
  }

  /** Runs the turn after the earlier turns of its conversation (in this process); "busy" when too many wait. */
  override async run(context: TurnContext): Promise<void> {
    const conversationId = context.activity?.conversation?.id;
    if (typeof conversationId !== 'string' || conversationId === '') return super.run(context);
    const outcome = await this.turns.run(`${context.activity.channelId}/${conversationId}`, () => super.run(context));
    if (outcome === 'refused') await this.sayBusy(context);
  }

  /**
   * `adaptiveCard/action` (an Action.Execute) is handled exactly like the Action.Submit with the same data and
   * answered with a card; every other invoke Teams may send gets a 200 with no effect, never botbuilder's 501.
   */
  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    const activity = context.activity;
    if (activity.name !== ADAPTIVE_CARD_ACTION) {
      this.unhandledInvokes.note(activity.name);
      return { status: 200 };
    }
    const data = readExecuteData(activity.value);
    if (!data) return badExecuteResponse();
    // The dialogs and the sign-in card read a submit from activity.value: give them what Action.Submit would have.
    activity.value = data;
    activity.text = '';
    const outcome = await this.handleMessage(context);
    if (outcome === 'busy') return { status: 200 };
    // In the person's language (they may have chosen one other than Teams').
    return cardInvokeResponse(this.deps.i18n.t(turnLocaleOr(context, this.deps.i18n.resolveLocale(activity.locale)), 'teams.cardAnswered'));
  }

  private async handleMessage(context: TurnContext): Promise<TurnOutcome> {
    // Typed text and submitted values are cut to the documented maximum before anything parses them.
    cutTurnInput(context.activity);
    const identified = await this.identify(context);
    if (!identified) return 'answered';
    const { user, record } = identified;
    setTurnUser(context, user);
    // Approval-card answers bypass the dialog stack, so they work mid-enrollment and after a restart.
    if (await this.answerSignIn(context, user)) {
      await this.saveReference(context, record.id, user.locale);
      return 'answered';
    }
    setTurnRecord(this.services, context, record);
    return this.runDialogs(context, record.id);
  }

  /**
   * botbuilder-dialogs builds its memory scopes and path resolvers (a service collection and a dependency graph)
   * afresh on every turn unless the turn state already holds them; they keep no per-turn state, so the first
   * turn's set is handed to every later one. Should botbuilder rename its key, turns simply build their own again.
   */
  private reuseDialogMemoryConfiguration(context: TurnContext): void {
    if (this.dialogMemoryConfiguration !== undefined) context.turnState.set(DIALOG_MEMORY_CONFIGURATION, this.dialogMemoryConfiguration);
  }

  /**
   * Keeps the conversation reference for proactive notices (the newest conversation wins), with the person's
   * language of this turn in it: the notifier speaks the reference's locale, which Teams sets to its own.
   */
  private async saveReference(context: TurnContext, userId: string, locale: string): Promise<string> {
    await this.deps.conversations.remember(userId, JSON.stringify({ ...TurnContext.getConversationReference(context.activity), locale }));
    return referenceIdentity(userId, context.activity, locale);
  }

  /** The person said which language they want: saved on their record, and notices to this chat follow it at once. */
  private async keepLanguage(context: TurnContext, locale: string): Promise<void> {
    const { id } = turnUser(context);
    noteWrite(context);
    await this.deps.languages.choose(id, locale);
    await this.savedReference.set(context, await this.saveReference(context, id, locale));
  }

  /**
   * Saves the conversation reference only when it differs from the one this conversation's state says was saved
   * last (the state is loaded every turn anyway, so this costs no read). The state travels between instances,
   * so each one sees what any other saved; a lost state only means one more save.
   */
  private async rememberReference(context: TurnContext, userId: string): Promise<void> {
    await this.conversationState.load(context);
    const { locale } = turnUser(context);
    if ((await this.savedReference.get(context)) === referenceIdentity(userId, context.activity, locale)) return;
    await this.savedReference.set(context, await this.saveReference(context, userId, locale));
  }

  /**
   * Runs the dialogs with their replies held back until the dialog state is saved. The save is conditional on
   * the eTag read at the start: if another instance saved first and this turn changed nothing (no write through
   * the services), its replies are dropped and it runs again on the fresh state; a turn that changed something
   * is never re-run (that would repeat the change), so its replies stand and its state overwrites.
   */
  private async runDialogs(context: TurnContext, userId: string): Promise<TurnOutcome> {
    const replies = new HeldReplies(context);
    for (let attempt = 1; ; attempt++) {
      // Outside the write recording: saving the same reference again changes nothing.
      await this.rememberReference(context, userId);
      replies.hold();
      const outcome = await recordWrites(context, async () => {
        this.reuseDialogMemoryConfiguration(context);
        const dc = await this.dialogs.createContext(context);
        this.dialogMemoryConfiguration ??= context.turnState.get<unknown>(DIALOG_MEMORY_CONFIGURATION);
        const result = await dc.continueDialog();
        if (result.status === DialogTurnStatus.empty) await dc.beginDialog(DIALOG_IDS.router);
      });
      if ('error' in outcome) {
        // What was said before a failure stands when something was changed; the error handler then apologises.
        if (outcome.wrote) await replies.release();
        else replies.discard();
        throw outcome.error;
      }
      if (outcome.wrote) {
        await replies.release();
        await this.overwriteDialogState(context);
        return 'answered';
      }
      if ((await this.saveIfUnchanged(context)) === 'saved') {
        await replies.release();
        return 'answered';
      }
      replies.discard();
      this.deps.logger?.info('Teams turn lost the dialog-state race to another instance', { attempt });
      if (attempt >= MAX_DIALOG_ATTEMPTS) {
        await this.sayBusy(context);
        return 'busy';
      }
      // Another instance may have changed the record too: the re-run reads it afresh.
      forgetTurnRecord(context);
      await this.conversationState.load(context, true);
    }
  }

  /** Writes the dialog state only if nobody saved it since this turn read it; 'conflict' otherwise. */
  private async saveIfUnchanged(context: TurnContext): Promise<'saved' | 'conflict'> {
    const state = await this.conversationState.load(context);
    const key = this.conversationState.getStorageKey(context);
    if (key === undefined) return 'saved';
    try {
      // The state carries the eTag it was read with; a state never saved has none and is simply written.
      await this.deps.storage.write({ [key]: { ...state } });
      return 'saved';
    } catch (error) {
      if (isETagConflict(error)) return 'conflict';
      throw error;
    }
  }

  /** Last writer wins; losing even that race only leaves stale UI state, which every dialog checks against the record. */
  private async overwriteDialogState(context: TurnContext): Promise<void> {
    try {
      await this.conversationState.saveChanges(context, true);
    } catch (error) {
      if (!isETagConflict(error)) throw error;
      this.deps.logger?.warn('Teams dialog state not saved: it kept changing', { error });
    }
  }

  private async sayBusy(context: TurnContext): Promise<void> {
    await context.sendActivity(this.deps.i18n.t(this.deps.i18n.resolveLocale(context.activity.locale), 'teams.busy'));
    if (context.activity.type === 'invoke') await context.sendActivity({ type: 'invokeResponse', value: { status: 200 } });
  }

  /** Forgets this conversation's dialog (UI) state after a failed turn; the user record keeps the real state. */
  async resetDialogs(context: TurnContext): Promise<void> {
    await this.conversationState.delete(context);
  }

  /**
   * Answers the person's Teams sign-in challenge from an approval-card submit, or from typed text (one of the
   * numbers, or "deny") while one is pending. True when this turn was such an answer (and has been replied to).
   */
  private async answerSignIn(context: TurnContext, user: TurnUser): Promise<boolean> {
    const signIns = this.deps.signIns;
    if (!signIns) return false;
    const input = this.signInInput(context, user);
    if (!input) return false;
    const replies = await signIns.answer(user.id, input);
    if (!replies) return false;
    const render = createReplyRenderer(this.deps.i18n);
    const lines = replies.map((r) => render(user.locale, r));
    if (lines.length > 0) await context.sendActivity(lines.join('\n\n'));
    return true;
  }

  /** The approval card's submit, or typed text that reads as an answer to one (any short number, or "deny"). */
  private signInInput(context: TurnContext, user: TurnUser): SignInCardInput | null {
    const activity = context.activity;
    const submit = readSignInSubmit(activity.value);
    if (submit) return submit;
    if (activity.value !== undefined && activity.value !== null) return null;
    const text = typeof activity.text === 'string' ? activity.text : '';
    // Cheap test first: most messages are not answers, and need no look-up of pending challenges.
    const typed = readTypedSignInAnswer(text, phrases(this.deps.i18n, user.locale, 'denySignIn'));
    return typed ? { typed } : null;
  }

  private tenantAllowed(context: TurnContext): boolean {
    const allowed = this.deps.org.organisation.tenantIds;
    if (allowed.length === 0) return true;
    const tenant = tenantOf(context.activity);
    return tenant !== null && allowed.includes(tenant);
  }

  /** The person of this turn and their record (created on first contact); null when refused. */
  private async identify(context: TurnContext): Promise<{ user: TurnUser; record: User } | null> {
    const activity = context.activity;
    const fromTeams = this.deps.i18n.resolveLocale(activity.locale);
    const from = activity.from;
    // With authentication on, only Teams vouches for who is talking (an AAD object id and a roster UPN); another
    // channel of the same bot registration (Web Chat, Direct Line) would let a client name any user.
    const unverifiable = this.deps.authEnabled && (activity.channelId !== Channels.Msteams || typeof from.aadObjectId !== 'string' || from.aadObjectId === '');
    if (unverifiable || !this.tenantAllowed(context)) {
      await context.sendActivity(this.deps.i18n.t(fromTeams, 'common.tenantNotAllowed'));
      return null;
    }
    // With credentials the AAD object id is trustworthy (the token vouches for the activity); without them
    // (local development, the Emulator) only from.id is available.
    const id = this.deps.authEnabled && typeof from.aadObjectId === 'string' && from.aadObjectId !== '' ? from.aadObjectId : from.id;
    const tenantId = tenantOf(activity);
    const profile: NewUser = { id, tenantId, upn: id, displayName: from.name ?? id, locale: fromTeams };
    const user = await this.deps.people.recognise(id, async () => (activity.channelId === Channels.Msteams ? this.fromRoster(context, profile) : profile), this.deps.org.locales.offered.includes(fromTeams) ? fromTeams : undefined);
    const locale = this.localeOf(user, fromTeams);
    return { user: { id: user.id, locale, timeZone: clientTimeZone(activity), profile: { id: user.id, tenantId: user.tenantId, upn: user.upn, displayName: user.displayName, locale: user.locale } }, record: user };
  }

  /** The language the person chose (on any channel) while the organisation still offers it, else Teams' locale. */
  private localeOf(user: User, fromTeams: string): string {
    return user.localeChosen === true && this.deps.org.locales.offered.includes(user.locale) ? user.locale : fromTeams;
  }

  /** UPN and display name from the Teams roster; the activity's own fields if the roster cannot be read. */
  private async fromRoster(context: TurnContext, profile: NewUser): Promise<NewUser> {
    try {
      const member = await TeamsInfo.getMember(context, context.activity.from.id);
      const upn = member.userPrincipalName ?? member.email ?? profile.upn;
      return { ...profile, upn, displayName: member.name ?? profile.displayName, tenantId: member.tenantId ?? profile.tenantId };
    } catch (error) {
      this.deps.logger?.warn('could not read the Teams roster', { error });
      return profile;
    }
  }
}

/** botbuilder's Storage contract has no error type: MemoryStorage and MongoBotStorage both say "eTag conflict". */
const TURN_SERVICES = Symbol('signet:turnServices');

/**
 * The dialogs' services for this turn (made once per turn, kept on its TurnContext): each writing call notes the
 * turn's write (turnWrites.ts). Starting a reset check and spending it both write: such a turn is never re-run.
 */
function servicesForTurn(base: DialogServices, deps: SignetBotDeps, context: TurnContext): DialogServices {
  const kept = context.turnState.get(TURN_SERVICES) as DialogServices | undefined;
  if (kept) return kept;
  const reset = deps.passwordReset;
  const services: DialogServices = {
    ...base,
    enrollment: writeRecording(deps.enrollment, ['ensureUser'], context),
    ...(deps.helpDesk ? { helpDesk: writeRecording(deps.helpDesk, ['isMember'], context) } : {}),
    ...(reset ? { passwordReset: { options: reset.options, start: writeRecording(reset.start, [], context), answer: writeRecording(reset.answer, [], context) } } : {}),
  };
  context.turnState.set(TURN_SERVICES, services);
  return services;
}

function isETagConflict(error: unknown): boolean {
  return error instanceof Error && /eTag conflict/i.test(error.message);
}

/**
 * Holds a turn's outgoing messages until the turn's dialog state is saved, so a turn that is re-run says
 * nothing twice. Invoke responses and other non-message activities are never held.
 */
class HeldReplies {
  private held: Array<Partial<Activity>> | null = null;

  constructor(private readonly context: TurnContext) {
    context.onSendActivities(async (_ctx, activities, next) => {
      if (this.held === null || activities.some((a) => a.type !== 'message')) return next();
      this.held.push(...activities);
      return activities.map((): ResourceResponse => ({ id: '' }));
    });
  }

  hold(): void {
    this.held = [];
  }

  /** Drops what is held and stops holding (the error handler's apology must go out). */
  discard(): void {
    this.held = null;
  }

  async release(): Promise<void> {
    const out = this.held ?? [];
    this.held = null;
    if (out.length > 0) await this.context.sendActivities(out);
  }
}

/**
 * What makes a saved conversation reference current: whose it is, every field but the activity id (new each
 * message, and not needed to start a conversation), and the language notices to it are said in.
 */
function referenceIdentity(userId: string, activity: Activity, locale: string): string {
  const { activityId: _activityId, ...stable }: Partial<ConversationReference> = TurnContext.getConversationReference(activity);
  return JSON.stringify([userId, { ...stable, locale }]);
}

function tenantOf(activity: TurnContext['activity']): string | null {
  const data = activity.channelData as { tenant?: { id?: unknown } } | undefined;
  const fromData = data?.tenant?.id;
  if (typeof fromData === 'string' && fromData !== '') return fromData;
  const fromConversation = activity.conversation?.tenantId;
  return typeof fromConversation === 'string' && fromConversation !== '' ? fromConversation : null;
}

/** Every dialog, each in its own file under dialogs/. */
export function createDialogs(services: DialogServices): Dialog[] {
  return [
    new RouterDialog(services),
    new RegistrationDialog(services),
    new AddMethodDialog(services),
    new AppSetupDialog(services),
    new PhoneDialog(services),
    new OfficePhoneDialog(services),
    new EmailDialog(services),
    new SecurityQuestionsDialog(services),
    new SecurityKeyDialog(services),
    new ManageMethodsDialog(services),
    new HelpDialog(services),
    new HelpDeskDialog(services),
    new PasswordResetDialog(services),
  ];
}
