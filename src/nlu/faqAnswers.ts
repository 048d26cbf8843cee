// Where the answer to a recognised question lives: its faq.<intent>.* keys, and whether the organisation's
// help-desk contact follows it. The channel renders these; the NLU only names them.
import { ANSWERED_WITH_HELP_DESK, isQuestionIntent, type Intent, type QuestionIntent } from './intents';

export interface FaqAnswer {
  readonly intent: QuestionIntent;
  readonly questionKey: string;
  readonly answerKey: string;
  /** Follow the answer with the help desk's phone, page, email and hours. */
  readonly withHelpDesk: boolean;
  /** methodUsage is shown as a table: these keys head its columns and fill its cells. */
  readonly tableKeyPrefix?: string;
}

/** The answer to `intent` when it is a question, else undefined (a command, an answer to the step, or "none"). */
export function faqAnswerFor(intent: Intent | 'none'): FaqAnswer | undefined {
  if (!isQuestionIntent(intent)) return undefined;
  return {
    intent,
    questionKey: `faq.${intent}.question`,
    answerKey: `faq.${intent}.answer`,
    withHelpDesk: ANSWERED_WITH_HELP_DESK.includes(intent),
    ...(intent === 'methodUsage' ? { tableKeyPrefix: 'faq.methodUsage.table.' } : {}),
  };
}
