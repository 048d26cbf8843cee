// The steps of a code challenge, shared by the phone and e-mail methods: the code or call sent (with the resend
// cool-down), what the person can do while it is out (code, key press, delivery reports, resend), and completion.
import { isSameSend, phoneDeliveries } from '../../domain/enrollmentRecord';
import { reply, type Effect, type Reply } from '../../domain/effects';
import type { SecurityMethod, User } from '../../domain/user';
import { maskEmail } from '../../domain/rules/emailAddresses';
import { parsePhone } from '../../domain/rules/phoneNumbers';
import { hashKeyParams } from '../../domain/rules/hashKeyName';
import type { PhoneKind } from '../../domain/methodKinds';
import { extractCode, generateNumericCode } from '../../security/oneTimeCodes';
import type { ChallengeTarget, CodeDelivery, Enrollment, EnrollmentEvent, EnrollmentStep, PhoneDelivery } from '../enrollmentTypes';
import { audit, complete, lockedReply, notify, wrongAttempt, type At, type CodeSentStep, type EnrollmentContext, type Result } from './stepKit';

export function onCodeSent(user: User, enrollment: Enrollment, step: CodeSentStep, event: EnrollmentEvent, ctx: EnrollmentContext, at: At): Result {
  switch (event.type) {
    case 'submitCode': {
      if (step.codeHash === null) return at(step, [reply('enrollment.phone.answerTheCall', hashKeyOf(step))]);
      if (user.lockedUntil !== null && ctx.now < user.lockedUntil) return at(step, [lockedReply(user.lockedUntil, ctx.now)]);
      const code = extractCode(event.code, ctx.policy.codes.length);
      if (code === null) return at(step, [reply('validation.code.format', { length: ctx.policy.codes.length })]);
      if (ctx.secrets.codeMatches(enrollment.id, code, step.codeHash)) return completeChallenge(user, enrollment, step, ctx, at);
      return wrongAttempt(user, step, ctx, at, (attempts) => ({ ...step, attempts }), 'enrollment.code.wrong');
    }
    case 'callKeyPressed': {
      if (step.delivery !== 'voice' || !isSameSend(step, event.send, event.callRef)) {
        return at(step, [reply('voice.enrollment.notExpected')]);
      }
      if (event.key === '0') {
        return at(
          { name: 'failed', reason: 'deniedByPhone' },
          [reply('voice.enrollment.denied')],
          [notify(user, enrollment, ctx, reply('enrollment.deniedOnCall')), audit(user, ctx, 'enrollment:deniedByPhone', { kind: step.kind })],
        );
      }
      if (step.codeHash === null && event.key === '#') return completeChallenge(user, enrollment, step, ctx, at);
      return at(step, [step.codeHash === null ? reply('voice.enrollment.pressKeyAgain', hashKeyOf(step, 'spoken')) : reply('voice.enrollment.readCode')]);
    }
    case 'deliveryFailed': {
      if (!isSameSend(step, event.send, event.deliveryRef)) return at(step, []);
      const message = reply(`delivery.failed.${event.reason}`, { targetKey: step.delivery === 'email' ? 'delivery.target.email' : 'delivery.target.phone' });
      const effects: Effect[] = [audit(user, ctx, 'enrollment:deliveryFailed', { kind: step.kind, reason: event.reason })];
      const replies: Reply[] = [];
      if (ctx.channel === enrollment.channel) replies.push(message, reply('enrollment.code.resendOrChange'));
      else effects.push(notify(user, enrollment, ctx, message), notify(user, enrollment, ctx, reply('enrollment.code.resendOrChange')));
      return at({ ...step, deliveryFailure: event.reason }, replies, effects);
    }
    case 'resend':
      return resend(user, enrollment, step, event.delivery, ctx, at, { ignoreCooldown: false });
    default:
      return at(step, [reply('enrollment.unexpected.codeSent'), codeSentPrompt(step)]);
  }
}

export function codeSentPrompt(step: CodeSentStep): Reply {
  if (step.delivery === 'email') return reply('enrollment.email.enterCode');
  return step.codeHash === null ? reply('enrollment.phone.answerTheCall', hashKeyOf(step)) : reply('enrollment.phone.enterCode');
}

/** The # key's name for the phone this step called (its country decides, not the reader's language). */
function hashKeyOf(step: CodeSentStep, medium: 'written' | 'spoken' = 'written'): { readonly hashKey?: string } {
  return step.target.type === 'phone' ? hashKeyParams(step.target.number, medium) : {};
}

export function resend(
  user: User,
  enrollment: Enrollment,
  step: CodeSentStep,
  delivery: PhoneDelivery | undefined,
  ctx: EnrollmentContext,
  at: At,
  options: { ignoreCooldown: boolean },
): Result {
  if (!options.ignoreCooldown && ctx.now < step.resendAvailableAt) {
    return at(step, [reply('enrollment.code.resendTooSoon', { seconds: Math.ceil((step.resendAvailableAt - ctx.now) / 1000) })]);
  }
  if (user.lockedUntil !== null && ctx.now < user.lockedUntil) return at(step, [lockedReply(user.lockedUntil, ctx.now)]);
  let next: CodeDelivery = step.delivery;
  if (delivery !== undefined && step.kind !== 'email' && phoneDeliveries(step.kind).includes(delivery)) next = delivery;
  if (next === 'sms' && step.target.type === 'phone') {
    // The number was checked for voice; a text needs a number that can receive one.
    const parsed = parsePhone(step.target.number, ctx.policy.phone.defaultCountry);
    if (parsed.ok && parsed.phone.type === 'FIXED_LINE') return at(step, [reply('validation.phone.notMobile')]);
  }
  return sendChallenge(user, enrollment, step.kind, step.target, next, step.attempts, ctx, at);
}

/** Issues a code or call; when something actually went out, stamps the enrollment's resend cool-down and send count. */
export function sendChallenge(...args: Parameters<typeof issueChallenge>): Result {
  const ctx = args[6];
  const result = issueChallenge(...args);
  if (result.effects.length === 0) return result;
  const sent = result.state.enrollment!;
  const sends = sent.step.name === 'codeSent' ? sent.step.send : undefined;
  return { ...result, state: { ...result.state, enrollment: { ...sent, nextSendAt: ctx.now + ctx.policy.codes.resendCooldownMs, sends } } };
}

export function issueChallenge(
  user: User,
  enrollment: Enrollment,
  kind: PhoneKind | 'email',
  target: ChallengeTarget,
  delivery: CodeDelivery,
  attempts: number,
  ctx: EnrollmentContext,
  at: At,
): Result {
  const { codes, voiceMode } = ctx.policy;
  // The cool-down belongs to the enrollment, not the step: going back and submitting again must not skip it.
  const nextSendAt = enrollment.nextSendAt ?? null;
  if (nextSendAt !== null && ctx.now < nextSendAt) {
    const stay: EnrollmentStep = enrollment.step;
    return at(stay, [reply('enrollment.code.resendTooSoon', { seconds: Math.ceil((nextSendAt - ctx.now) / 1000) })]);
  }
  const pressKey = delivery === 'voice' && voiceMode === 'pressKey';
  const code = pressKey ? null : generateNumericCode(ctx.random, codes.length);
  const minutes = Math.round(codes.lifetimeMs / 60_000);
  // Numbered so that the provider's callbacks (which carry it) find this send and no other.
  const send = (enrollment.sends ?? 0) + 1;
  const purpose = { kind: 'enrollment', userId: user.id, refId: enrollment.id, send } as const;
  const step: CodeSentStep = {
    name: 'codeSent',
    kind,
    target,
    delivery,
    codeHash: code === null ? null : ctx.secrets.hashCode(enrollment.id, code),
    sealedCode: code !== null && delivery === 'voice' ? ctx.secrets.seal(code, `code:${enrollment.id}`) : null,
    attempts,
    sentAt: ctx.now,
    expiresAt: ctx.now + codes.lifetimeMs,
    resendAvailableAt: ctx.now + codes.resendCooldownMs,
    send,
    deliveryFailure: null,
  };
  const org = ctx.policy.organisationName;
  if (target.type === 'email') {
    return at(
      step,
      [reply('enrollment.email.codeSent', { address: maskEmail(target.address), minutes }), reply('enrollment.email.enterCode')],
      [
        {
          type: 'sendEmail',
          to: target.address,
          subject: reply('email.enrollmentCode.subject', { org }),
          body: reply('email.enrollmentCode.body', { code: code!, org, minutes }),
          locale: user.locale,
          purpose,
        },
      ],
    );
  }
  const phone = displayPhone(target.number, ctx);
  if (delivery === 'sms') {
    return at(
      step,
      [reply('enrollment.phone.codeTexted', { phone, minutes }), reply('enrollment.phone.enterCode')],
      [{ type: 'sendSms', to: target.number, message: reply('sms.enrollmentCode', { code: code!, org, minutes }), locale: user.locale, purpose }],
    );
  }
  return at(
    step,
    [pressKey ? reply('enrollment.phone.callingPressKey', { phone, ...hashKeyParams(target.number) }) : reply('enrollment.phone.callingReadCode', { phone, minutes })],
    [{ type: 'placeCall', to: target.number, extension: target.extension, mode: pressKey ? 'pressKey' : 'readCode', locale: user.locale, purpose }],
  );
}

export function displayPhone(e164: string, ctx: EnrollmentContext): string {
  const parsed = parsePhone(e164, ctx.policy.phone.defaultCountry);
  return parsed.ok ? parsed.phone.international : e164;
}

export function completeChallenge(user: User, enrollment: Enrollment, step: CodeSentStep, ctx: EnrollmentContext, at: At): Result {
  const base = { id: enrollment.id, createdAt: ctx.now };
  let method: SecurityMethod;
  let confirmation: Reply;
  if (step.target.type === 'email') {
    method = { ...base, kind: 'email', address: step.target.address };
    confirmation = reply('enrollment.verified.email', { address: maskEmail(step.target.address) });
  } else {
    const phone = displayPhone(step.target.number, ctx);
    method =
      step.kind === 'officePhone'
        ? { ...base, kind: 'officePhone', number: step.target.number, extension: step.target.extension }
        : { ...base, kind: step.kind === 'email' ? 'mobilePhone' : step.kind, number: step.target.number };
    confirmation = reply(enrollment.purpose === 'replace' ? 'enrollment.verified.phoneReplaced' : 'enrollment.verified.phone', { phone });
  }
  return complete(user, enrollment, method, ctx, at, confirmation);
}
