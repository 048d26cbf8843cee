// The intents Signet understands: the questions the guides answer and the commands a person can give at any step.
// Utterances live in locales/<lng>/intents.json; answers to questions in locales/<lng>/faq.json (faq.<intent>.*).

/** Questions, each answered by `faq.<intent>.question` / `faq.<intent>.answer` in every locale. */
export const QUESTION_INTENTS = [
  'noSignal',
  'leftPhoneAtHome',
  'lostPhone',
  'newPhone',
  'changeNumber',
  'noMobilePhone',
  'officePhone',
  'howOften',
  'whatIsHashKey',
  'didntGetCode',
  'whyMfa',
  'whatOptions',
  'whyNotSchoolEmail',
  'methodUsage',
  'whoCanSeeNumber',
  'whatIsTemporaryPasscode',
  'forgotPassword',
  'travellingAbroad',
  'cantScanQr',
] as const;

/** Commands: things a person asks Signet to do, at any step. */
export const COMMAND_INTENTS = [
  'cancel',
  'back',
  'differentMethod',
  'callMe',
  'textMe',
  'resend',
  'help',
  'setUp',
  'addMethod',
  'removeMethod',
  'myMethods',
  'greeting',
  'switchLanguage',
] as const;

/** What a message is when it is only an answer to the step: a code, a phone number, a method's name. */
export const ANSWER_INTENTS = ['giveCode', 'givePhone', 'chooseMethod'] as const;

export type QuestionIntent = (typeof QUESTION_INTENTS)[number];
export type CommandIntent = (typeof COMMAND_INTENTS)[number];
export type AnswerIntent = (typeof ANSWER_INTENTS)[number];
/** The intents trained from utterance files. */
export type TrainedIntent = QuestionIntent | CommandIntent;
export type Intent = TrainedIntent | AnswerIntent;

export const TRAINED_INTENTS: readonly TrainedIntent[] = [...QUESTION_INTENTS, ...COMMAND_INTENTS];

export function isTrainedIntent(value: string): value is TrainedIntent {
  return (TRAINED_INTENTS as readonly string[]).includes(value);
}

export function isQuestionIntent(intent: Intent | 'none'): intent is QuestionIntent {
  return (QUESTION_INTENTS as readonly string[]).includes(intent);
}

/**
 * Questions whose answer ends with the organisation's help-desk contact (the guides send people there when
 * they cannot sign in by themselves).
 */
export const ANSWERED_WITH_HELP_DESK: readonly QuestionIntent[] = [
  'leftPhoneAtHome',
  'lostPhone',
  'newPhone',
  'noMobilePhone',
  'didntGetCode',
  'whatIsTemporaryPasscode',
  'forgotPassword',
  'travellingAbroad',
];
