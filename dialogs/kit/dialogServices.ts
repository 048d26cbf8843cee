// What the dialogs are given to work with: the core services they call, the words, the organisation, and the
// registration-progress query they ask instead of deciding policy themselves.
import type { ProgressOf } from '../../src/app/registrationProgress';
import type { OrgConfig } from '../../src/config/orgConfigSchema';
import type { EnrollmentService } from '../../src/enrollment/enrollmentService';
import type { HelpDeskService } from '../../src/helpdesk/helpDeskService';
import type { TurnContext } from 'botbuilder';
import type { I18n } from '../../src/i18n';
import type { Nlu } from '../../src/nlu/understand';
import type { AnswerResetCheck } from '../../src/app/answerResetCheck';
import type { ResetCheckOption } from '../../src/app/resetCheckRules';
import type { StartResetCheck } from '../../src/app/startResetCheck';
import type { User } from '../../src/domain/user';

/** The password-reset journey's use cases (verify, then a one-time link to the web reset page). */
export interface PasswordResetServices {
  /** The ways this person may prove it is them for a reset (reads the record given, writes nothing). */
  options(user: User): ResetCheckOption[];
  readonly start: Pick<StartResetCheck, 'start'>;
  readonly answer: Pick<AnswerResetCheck, 'answer'>;
}

export interface DialogServices {
  readonly enrollment: EnrollmentService;
  readonly i18n: I18n;
  readonly org: OrgConfig;
  /** What comes next in a person's registration ("method N of M", what may be chosen, what is risky). */
  readonly progress: ProgressOf;
  /** The help-desk use cases; absent where help-desk commands are not offered. */
  readonly helpDesk?: HelpDeskService;
  /** "I forgot my password" in the chat; absent: the journey is not offered. */
  readonly passwordReset?: PasswordResetServices;
  /**
   * How many writing service calls the turn has made so far (the bot counts them, per turn). The turn's copy of the
   * record is trusted only while this is unchanged; absent: no copy is kept and every `loadUser` reads the store.
   */
  readonly turnWrites?: (context: TurnContext) => number;
  /**
   * These services as this turn must call them: the writing ones note each call on the turn (so a turn that changed
   * something is never re-run). Absent: the services are called as they are. Reach them through `turnServices`.
   */
  readonly forTurn?: (context: TurnContext) => DialogServices;
  /** What a typed message means (intents and entities per locale), asked at every step (kit/understandTurn.ts). */
  readonly nlu: Nlu;
  /** Keeps the language the person chose for this conversation; absent: the language follows Teams only. */
  readonly keepLanguage?: (context: TurnContext, locale: string) => Promise<void>;
}

/** The services this turn calls its writing use cases through (see DialogServices.forTurn). */
export function turnServices(services: DialogServices, context: TurnContext): DialogServices {
  return services.forTurn ? services.forTurn(context) : services;
}
