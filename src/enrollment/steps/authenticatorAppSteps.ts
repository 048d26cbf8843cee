// The authenticator-app method's steps: install and scan (the secret sealed in the step), then a first code from
// the app proves it was set up.
import { isPhoneKind } from '../../domain/methodKinds';
import { reply, type Reply } from '../../domain/effects';
import type { SecurityMethod, User } from '../../domain/user';
import { extractCode } from '../../security/oneTimeCodes';
import { checkTotp, groupSecret, totpUri } from '../../security/totp';
import type { Enrollment, EnrollmentStep } from '../enrollmentTypes';
import { complete, lockedReply, wrongAttempt, type At, type EnrollmentContext, type Result } from './stepKit';

/** Install, scan (QR data and the grouped secret for typing) and "try it out". */
export function appSetupReplies(user: User, secret: string, ctx: EnrollmentContext): Reply[] {
  return [
    reply('enrollment.app.install'),
    reply('enrollment.app.scan', {
      uri: totpUri(ctx.policy.organisationName, user.upn, secret),
      account: user.upn,
      issuer: ctx.policy.organisationName,
      secret: groupSecret(secret),
    }),
    reply('enrollment.app.enterCode', { issuer: ctx.policy.organisationName }),
  ];
}

export function submitAppCode(
  user: User,
  enrollment: Enrollment,
  step: Extract<EnrollmentStep, { name: 'scanningApp' }>,
  input: string,
  ctx: EnrollmentContext,
  at: At,
): Result {
  if (user.lockedUntil !== null && ctx.now < user.lockedUntil) return at(step, [lockedReply(user.lockedUntil, ctx.now)]);
  const code = extractCode(input, 6);
  if (code === null) return at(step, [reply('validation.code.format', { length: 6 })]);
  const secret = ctx.secrets.open(step.secret, `totp:${enrollment.id}`);
  const check = checkTotp(secret, code, ctx.now, null);
  if (check.valid) {
    const method: SecurityMethod = {
      kind: 'authenticatorApp',
      id: enrollment.id,
      createdAt: ctx.now,
      // Sealed with the enrollment id as context, which is also the method's id.
      secret: step.secret,
      lastUsedTimeStep: check.timeStep,
    };
    const extra = user.methods.some((m) => isPhoneKind(m.kind)) ? [] : [reply('enrollment.app.suggestBackupPhone')];
    return complete(user, enrollment, method, ctx, at, reply('enrollment.verified.authenticatorApp'), extra);
  }
  return wrongAttempt(user, step, ctx, at, (attempts) => ({ ...step, attempts }), 'enrollment.app.wrongCode');
}
