// Which dialog shows an enrollment step, what a step dialog is begun and ends with, and whether a card was made
// for the step the record is really at (an old card pressed later is stale).
import type { Reply } from '../../src/domain/effects';
import { stepBehind } from '../../src/domain/enrollmentRecord';
import type { User } from '../../src/domain/user';
import type { MethodKind } from '../../src/domain/methodKinds';
import type { Enrollment, EnrollmentStep } from '../../src/enrollment/enrollmentTypes';
import { DIALOG_IDS } from './dialogIds';
import type { CardData } from './turnInput';

/** The step a card was made for: an expired or locked code keeps its code card valid (resend, different method). */
export function displayStep(step: EnrollmentStep): string {
  return stepBehind(step).name;
}

export function isStaleSubmit(user: User, value: CardData): boolean {
  if (value.enrollmentId === undefined) return false;
  const e = user.enrollment;
  if (!e || e.id !== value.enrollmentId) return true;
  return value.step !== undefined && value.step !== displayStep(e.step);
}

/** Which dialog shows an enrollment in this step. */
export function stepDialogId(enrollment: Enrollment): string {
  const step = stepBehind(enrollment.step);
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
  /** With `start`: the method already chosen (the next-step notice's drop-down, or one the person named: "add my cell number"). */
  readonly kind?: MethodKind;
}

/** What a step dialog ends with: the machine's replies, for the router to show with the next step. */
export interface StepResult {
  readonly replies: readonly Reply[];
}
