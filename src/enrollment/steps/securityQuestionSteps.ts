// The security-questions method's step: the answers checked, then kept only as slow hashes.
import { reply } from '../../domain/effects';
import type { SecurityMethod, User } from '../../domain/user';
import { checkAnswers, normaliseAnswer } from '../../domain/rules/securityAnswers';
import { SECURITY_QUESTION_IDS } from '../../domain/securityQuestions';
import type { Enrollment } from '../enrollmentTypes';
import { complete, type At, type EnrollmentContext, type Result } from './stepKit';

export function submitAnswers(
  user: User,
  enrollment: Enrollment,
  answers: readonly { questionId: string; answer: string }[],
  ctx: EnrollmentContext,
  at: At,
): Result {
  const problem = checkAnswers(answers, ctx.policy.securityQuestionCount, SECURITY_QUESTION_IDS);
  if (problem) {
    const params = {
      expected: ctx.policy.securityQuestionCount,
      position: 'index' in problem ? problem.index + 1 : 0,
      other: problem.problem === 'duplicateAnswer' ? problem.sameAs + 1 : 0,
    };
    return at({ name: 'answeringQuestions' }, [reply(`validation.answers.${problem.problem}`, params)]);
  }
  const method: SecurityMethod = {
    kind: 'securityQuestions',
    id: enrollment.id,
    createdAt: ctx.now,
    answers: answers.map((a) => ({ questionId: a.questionId, answerHash: ctx.secrets.slowHash(normaliseAnswer(a.answer)) })),
  };
  return complete(user, enrollment, method, ctx, at, reply('enrollment.verified.securityQuestions'));
}
