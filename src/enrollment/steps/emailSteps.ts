// The e-mail method's own step: the address typed (checked against the blocked domains), then a code mailed
// through the code steps.
import { reply } from '../../domain/effects';
import type { User } from '../../domain/user';
import { checkEmail } from '../../domain/rules/emailAddresses';
import type { Enrollment, EnrollmentStep } from '../enrollmentTypes';
import { sendChallenge } from './codeSteps';
import { lockedReply, type At, type EnrollmentContext, type Result } from './stepKit';

export function submitEmail(user: User, enrollment: Enrollment, address: string, ctx: EnrollmentContext, at: At): Result {
  const stay: EnrollmentStep = { name: 'enteringEmail' };
  const checked = checkEmail(address, ctx.policy.blockedEmailDomains);
  if (!checked.ok) return at(stay, [reply(`validation.email.${checked.problem}`, { domain: checked.domain ?? '' })]);
  if (user.lockedUntil !== null && ctx.now < user.lockedUntil) return at(stay, [lockedReply(user.lockedUntil, ctx.now)]);
  return sendChallenge(user, enrollment, 'email', { type: 'email', address: checked.address }, 'email', 0, ctx, at);
}
