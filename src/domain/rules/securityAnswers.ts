// Security-question answers: length limits, and all answers different once case, spacing and Unicode forms
// are set aside ("Fluffy" and " fluffy " are the same answer).

export const ANSWER_MIN_LENGTH = 3;
export const ANSWER_MAX_LENGTH = 40;

export type AnswersProblem =
  | { readonly problem: 'wrongCount'; readonly expected: number }
  | { readonly problem: 'unknownQuestion'; readonly index: number }
  | { readonly problem: 'duplicateQuestion'; readonly index: number }
  | { readonly problem: 'tooShort'; readonly index: number }
  | { readonly problem: 'tooLong'; readonly index: number }
  | { readonly problem: 'duplicateAnswer'; readonly index: number; readonly sameAs: number };

/**
 * The longest answer as typed that is normalised at all: ten times the limit leaves room for any spacing, while
 * normalising 64 KB (NFKC can expand a character eighteen-fold) would hold the process up. Longer is 'tooLong'.
 */
export const ANSWER_MAX_TYPED_LENGTH = ANSWER_MAX_LENGTH * 10;

/** Case, spacing and Unicode forms set aside. Reads at most ANSWER_MAX_TYPED_LENGTH characters (checkAnswers refuses more). */
export function normaliseAnswer(answer: string): string {
  return answer.slice(0, ANSWER_MAX_TYPED_LENGTH).normalize('NFKC').toLocaleLowerCase('und').replace(/\s+/gu, ' ').trim();
}

export function checkAnswers(
  answers: readonly { readonly questionId: string; readonly answer: string }[],
  expectedCount: number,
  knownQuestionIds: readonly string[],
): AnswersProblem | null {
  if (answers.length !== expectedCount) return { problem: 'wrongCount', expected: expectedCount };
  const seenQuestions = new Set<string>();
  const seenAnswers = new Map<string, number>();
  for (const [index, { questionId, answer }] of answers.entries()) {
    if (!knownQuestionIds.includes(questionId)) return { problem: 'unknownQuestion', index };
    if (seenQuestions.has(questionId)) return { problem: 'duplicateQuestion', index };
    seenQuestions.add(questionId);
    if (answer.length > ANSWER_MAX_TYPED_LENGTH) return { problem: 'tooLong', index };
    const normal = normaliseAnswer(answer);
    const length = [...normal].length;
    if (length < ANSWER_MIN_LENGTH) return { problem: 'tooShort', index };
    if (length > ANSWER_MAX_LENGTH) return { problem: 'tooLong', index };
    const earlier = seenAnswers.get(normal);
    if (earlier !== undefined) return { problem: 'duplicateAnswer', index, sameAs: earlier };
    seenAnswers.set(normal, index);
  }
  return null;
}
