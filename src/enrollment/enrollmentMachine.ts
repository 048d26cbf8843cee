// The enrollment state machine: (user, event, context) → (user, replies, effects). Pure: no I/O, no clock, no
// Math.random — time, randomness and keys come in through the context. Expected problems (bad number, wrong
// code, expired, locked) are transitions with a reply, never exceptions.
import { isPhoneKind, type MethodKind, type PhoneKind } from '../domain/methodKinds';
import { reply, type AuditDraft, type Effect, type Reply } from '../domain/effects';
import type { Channel, SecurityMethod, User } from '../domain/user';
import { checkEmail, maskEmail } from '../domain/rules/emailAddresses';
import { checkPhone, parseExtension, parsePhone } from '../domain/rules/phoneNumbers';
import { checkAnswers, normaliseAnswer } from '../domain/rules/securityAnswers';
import { canChooseMethod, countsForMfa, meetsPolicy, mfaMethods } from '../domain/rules/registrationPolicy';
import { SECURITY_QUESTION_IDS } from '../domain/securityQuestions';
import { phoneDeliveries, stepBehind } from '../domain/enrollmentRecord';
import { extractCode, generateNumericCode } from '../security/oneTimeCodes';
import { randomId, type RandomSource } from '../security/random';
import { checkTotp, generateTotpSecret, groupSecret, totpUri } from '../security/totp';
import type { EnrollmentPolicy, SecretOps } from './enrollmentPolicy';
import type {
  ChallengeTarget,
  CodeDelivery,
  Enrollment,
  EnrollmentEvent,
  EnrollmentResult,
  EnrollmentStep,
  PhoneDelivery,
} from './enrollmentTypes';

export interface EnrollmentContext {
  readonly now: number;
  readonly random: RandomSource;
  readonly policy: EnrollmentPolicy;
  readonly secrets: SecretOps;
  /** The channel this event arrived on. */
  readonly channel: Channel;
  /** Who caused the event, for the audit log (the user themself unless help desk or system). */
  readonly actor?: string;
}

type CodeSentStep = Extract<EnrollmentStep, { name: 'codeSent' }>;
type Result = EnrollmentResult<User>;

const TERMINAL: readonly EnrollmentStep['name'][] = ['verified', 'failed', 'cancelled'];

export function isEnrollmentActive(user: Pick<User, 'enrollment'>): boolean {
  return user.enrollment !== null && !TERMINAL.includes(user.enrollment.step.name);
}

export function transitionEnrollment(user: User, event: EnrollmentEvent, ctx: EnrollmentContext): Result {
  if (event.type === 'start') return start(user, event, ctx);
  const enrollment = user.enrollment;
  if (!enrollment || TERMINAL.includes(enrollment.step.name)) {
    return { state: user, replies: [reply('enrollment.nothingInProgress')], effects: [] };
  }
  const current = { ...user, enrollment: { ...enrollment, step: settle(enrollment.step, ctx.now) } };
  if (event.type === 'showStep') return { state: user, replies: stepPrompt(current, current.enrollment, ctx), effects: [] };
  return handle(current, current.enrollment, event, ctx);
}

/** Time-driven changes, applied before any event: a code past its lifetime expires; a lockout wears off. */
function settle(step: EnrollmentStep, now: number): EnrollmentStep {
  if (step.name === 'codeSent' && now >= step.expiresAt) return { name: 'expired', previous: step };
  if (step.name === 'locked' && now >= step.until) {
    return step.previous.name === 'codeSent' ? { name: 'expired', previous: { ...step.previous, attempts: 0 } } : { ...step.previous, attempts: 0 };
  }
  return step;
}

function start(user: User, event: Extract<EnrollmentEvent, { type: 'start' }>, ctx: EnrollmentContext): Result {
  if (event.purpose === 'replace') {
    const old = user.methods.find((m) => m.id === event.replacesMethodId);
    if (!old || !isPhoneKind(old.kind)) return { state: user, replies: [reply('enrollment.replace.notFound')], effects: [] };
  }
  const enrollment: Enrollment = {
    id: randomId(ctx.random),
    purpose: event.purpose,
    replacesMethodId: event.purpose === 'replace' ? (event.replacesMethodId ?? null) : null,
    channel: ctx.channel,
    step: { name: 'choosingMethod' },
    startedAt: ctx.now,
    updatedAt: ctx.now,
  };
  const started = { ...user, enrollment };
  const kind = event.kind ?? (event.purpose === 'replace' ? user.methods.find((m) => m.id === event.replacesMethodId)?.kind : undefined);
  if (kind) return handle(started, enrollment, { type: 'chooseMethod', kind }, ctx);
  return { state: started, replies: [chooseMethodPrompt(started, ctx)], effects: [] };
}

/** What the person is asked at the current step, said again without changing anything. */
function stepPrompt(user: User, enrollment: Enrollment, ctx: EnrollmentContext): Reply[] {
  const step = enrollment.step;
  switch (step.name) {
    case 'choosingMethod':
      return [chooseMethodPrompt(user, ctx)];
    case 'enteringPhone':
      return [phonePrompt(step.kind, ctx)];
    case 'enteringEmail':
      return [reply('enrollment.email.askAddress')];
    case 'answeringQuestions':
      return [reply('enrollment.questions.ask', { count: ctx.policy.securityQuestionCount })];
    case 'securityKeyOnWeb':
      return [reply('enrollment.securityKey.onWeb')];
    case 'scanningApp':
      return appSetupReplies(user, ctx.secrets.open(step.secret, `totp:${enrollment.id}`), ctx).slice(1);
    case 'codeSent':
      return [codeSentPrompt(step)];
    case 'expired':
      return [reply('enrollment.code.expired')];
    case 'locked':
      return [lockedReply(step.until, ctx.now)];
    default:
      return [reply('enrollment.nothingInProgress')];
  }
}

/** Install, scan (QR data and the grouped secret for typing) and "try it out". */
function appSetupReplies(user: User, secret: string, ctx: EnrollmentContext): Reply[] {
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

function chooseMethodPrompt(user: User, ctx: EnrollmentContext): Reply {
  return reply('enrollment.chooseMethod', {
    position: Math.min(user.methods.length + 1, ctx.policy.registration.required),
    required: ctx.policy.registration.required,
  });
}

function handle(user: User, enrollment: Enrollment, event: EnrollmentEvent, ctx: EnrollmentContext): Result {
  const step = enrollment.step;
  const at = (next: EnrollmentStep, replies: Reply[], effects: Effect[] = [], patch: Partial<User> = {}): Result => ({
    state: { ...user, ...patch, enrollment: { ...enrollment, step: next, updatedAt: ctx.now } },
    replies,
    effects,
  });

  // Ways out that work at every step.
  switch (event.type) {
    case 'cancel':
      return at({ name: 'cancelled' }, [reply('enrollment.cancelled')]);
    case 'differentMethod':
      return at({ name: 'choosingMethod' }, [chooseMethodPrompt(user, ctx)]);
    case 'back':
      return back(step, at, user, ctx);
    default:
      break;
  }

  switch (step.name) {
    case 'choosingMethod':
      if (event.type === 'chooseMethod') return choose(user, enrollment, event.kind, ctx, at);
      return at(step, [reply('enrollment.unexpected.choosingMethod'), chooseMethodPrompt(user, ctx)]);

    case 'enteringPhone':
      if (event.type === 'submitPhone') return submitPhone(user, enrollment, step.kind, event, ctx, at);
      return at(step, [reply('enrollment.unexpected.enteringPhone'), phonePrompt(step.kind, ctx)]);

    case 'enteringEmail':
      if (event.type === 'submitEmail') return submitEmail(user, enrollment, event.address, ctx, at);
      return at(step, [reply('enrollment.unexpected.enteringEmail'), reply('enrollment.email.askAddress')]);

    case 'answeringQuestions':
      if (event.type === 'submitAnswers') return submitAnswers(user, enrollment, event.answers, ctx, at);
      return at(step, [reply('enrollment.unexpected.answeringQuestions'), reply('enrollment.questions.ask', { count: ctx.policy.securityQuestionCount })]);

    case 'securityKeyOnWeb':
      return at(step, [reply('enrollment.securityKey.onWeb')]);

    case 'scanningApp':
      if (event.type === 'submitCode') return submitAppCode(user, enrollment, step, event.code, ctx, at);
      return at(step, [reply('enrollment.unexpected.scanningApp'), reply('enrollment.app.enterCode', { issuer: ctx.policy.organisationName })]);

    case 'codeSent':
      return onCodeSent(user, enrollment, step, event, ctx, at);

    case 'expired':
      if (event.type === 'resend') return resend(user, enrollment, step.previous, event.delivery, ctx, at, { ignoreCooldown: true });
      if (event.type === 'callKeyPressed') return at(step, [reply('voice.enrollment.expired')]);
      if (event.type === 'deliveryFailed' || event.type === 'deliveryAccepted') return at(step, []);
      return at(step, [reply('enrollment.code.expired')]);

    case 'locked':
      if (event.type === 'deliveryFailed' || event.type === 'deliveryAccepted') return at(step, []);
      return at(step, [lockedReply(step.until, ctx.now)]);

    default:
      return at(step, [reply('enrollment.nothingInProgress')]);
  }
}

type At = (next: EnrollmentStep, replies: Reply[], effects?: Effect[], patch?: Partial<User>) => Result;

function back(step: EnrollmentStep, at: At, user: User, ctx: EnrollmentContext): Result {
  const previous = stepBehind(step);
  if (previous.name === 'codeSent') {
    if (previous.kind === 'email') return at({ name: 'enteringEmail' }, [reply('enrollment.email.askAddress')]);
    return at({ name: 'enteringPhone', kind: previous.kind }, [phonePrompt(previous.kind, ctx)]);
  }
  if (previous.name === 'choosingMethod') return at(previous, [reply('enrollment.nothingToGoBackTo'), chooseMethodPrompt(user, ctx)]);
  return at({ name: 'choosingMethod' }, [chooseMethodPrompt(user, ctx)]);
}

function lockedReply(until: number, now: number): Reply {
  return reply('enrollment.locked', { minutes: Math.max(1, Math.ceil((until - now) / 60_000)) });
}

function phonePrompt(kind: PhoneKind, ctx: EnrollmentContext): Reply {
  return kind === 'officePhone'
    ? reply('enrollment.officePhone.askNumber', { country: ctx.policy.phone.defaultCountry })
    : reply('enrollment.phone.askNumber', { country: ctx.policy.phone.defaultCountry });
}

function choose(user: User, enrollment: Enrollment, kind: MethodKind, ctx: EnrollmentContext, at: At): Result {
  const replacing = enrollment.purpose === 'replace' ? user.methods.find((m) => m.id === enrollment.replacesMethodId) : undefined;
  if (replacing) {
    if (!isPhoneKind(kind)) return at({ name: 'choosingMethod' }, [reply('enrollment.replace.phoneOnly')]);
    // The policy still applies, with the phone being replaced left out of "already registered".
    const problem = canChooseMethod(ctx.policy.registration, { methods: user.methods.filter((m) => m.id !== replacing.id) }, kind);
    if (problem) {
      return at({ name: 'choosingMethod' }, [reply(`enrollment.cannotChoose.${problem}`, { methodKey: `methods.${kind}` }), chooseMethodPrompt(user, ctx)]);
    }
  } else {
    const problem = canChooseMethod(ctx.policy.registration, user, kind);
    if (problem) {
      return at({ name: 'choosingMethod' }, [reply(`enrollment.cannotChoose.${problem}`, { methodKey: `methods.${kind}` }), chooseMethodPrompt(user, ctx)]);
    }
  }
  switch (kind) {
    case 'authenticatorApp': {
      const secret = generateTotpSecret(ctx.random);
      return at({ name: 'scanningApp', secret: ctx.secrets.seal(secret, `totp:${enrollment.id}`), attempts: 0 }, appSetupReplies(user, secret, ctx));
    }
    case 'mobilePhone':
    case 'alternatePhone':
    case 'officePhone':
      return at({ name: 'enteringPhone', kind }, [phonePrompt(kind, ctx)]);
    case 'email':
      return at({ name: 'enteringEmail' }, [reply('enrollment.email.askAddress')]);
    case 'securityQuestions':
      return at({ name: 'answeringQuestions' }, [reply('enrollment.questions.ask', { count: ctx.policy.securityQuestionCount })]);
    case 'securityKey':
      return at({ name: 'securityKeyOnWeb' }, [reply('enrollment.securityKey.onWeb')]);
  }
}

function submitPhone(
  user: User,
  enrollment: Enrollment,
  kind: PhoneKind,
  event: Extract<EnrollmentEvent, { type: 'submitPhone' }>,
  ctx: EnrollmentContext,
  at: At,
): Result {
  const stay: EnrollmentStep = { name: 'enteringPhone', kind };
  // An office phone is called, never texted: the guides' desk phones cannot receive texts.
  const allowed = phoneDeliveries(kind);
  const delivery: PhoneDelivery = allowed.includes(event.delivery) ? event.delivery : allowed[0]!;
  const checked = checkPhone(event.number, ctx.policy.phone, { sms: delivery === 'sms' });
  if (!checked.ok) {
    const problem =
      checked.problem === 'blocked'
        ? reply('validation.phone.blocked', { reasonKey: `validation.phone.blockedReason.${checked.reason}` })
        : reply(`validation.phone.${checked.problem}`, { country: ctx.policy.phone.defaultCountry });
    return at(stay, [problem]);
  }
  const extension = kind === 'officePhone' ? parseExtension(event.extension) : ({ ok: true, extension: null } as const);
  if (!extension.ok) return at(stay, [reply('validation.phone.extensionInvalid')]);
  const { phone } = checked;
  const replaced = user.methods.find((m) => m.id === enrollment.replacesMethodId);
  if (replaced && 'number' in replaced && replaced.number === phone.e164) return at(stay, [reply('validation.phone.sameAsCurrent')]);
  const clash = user.methods.find((m) => m.id !== enrollment.replacesMethodId && 'number' in m && m.number === phone.e164);
  if (clash) return at(stay, [reply('validation.phone.alreadyRegistered', { methodKey: `methods.${clash.kind}` })]);
  if (user.lockedUntil !== null && ctx.now < user.lockedUntil) return at(stay, [lockedReply(user.lockedUntil, ctx.now)]);
  return sendChallenge(user, enrollment, kind, { type: 'phone', number: phone.e164, extension: extension.extension }, delivery, 0, ctx, at);
}

function submitEmail(user: User, enrollment: Enrollment, address: string, ctx: EnrollmentContext, at: At): Result {
  const stay: EnrollmentStep = { name: 'enteringEmail' };
  const checked = checkEmail(address, ctx.policy.blockedEmailDomains);
  if (!checked.ok) return at(stay, [reply(`validation.email.${checked.problem}`, { domain: checked.domain ?? '' })]);
  if (user.lockedUntil !== null && ctx.now < user.lockedUntil) return at(stay, [lockedReply(user.lockedUntil, ctx.now)]);
  return sendChallenge(user, enrollment, 'email', { type: 'email', address: checked.address }, 'email', 0, ctx, at);
}

function submitAnswers(
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

function submitAppCode(
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

function wrongAttempt<S extends CodeSentStep | Extract<EnrollmentStep, { name: 'scanningApp' }>>(
  user: User,
  step: S,
  ctx: EnrollmentContext,
  at: At,
  withAttempts: (attempts: number) => S,
  wrongKey: string,
): Result {
  const attempts = step.attempts + 1;
  const left = ctx.policy.codes.maxAttempts - attempts;
  if (left > 0) return at(withAttempts(attempts), [reply(wrongKey, { attemptsLeft: left })]);
  const until = ctx.now + ctx.policy.codes.lockoutMs;
  return at(
    { name: 'locked', until, previous: withAttempts(attempts) },
    [lockedReply(until, ctx.now)],
    [audit(user, ctx, 'enrollment:locked', { attempts })],
    { lockedUntil: until },
  );
}

function onCodeSent(user: User, enrollment: Enrollment, step: CodeSentStep, event: EnrollmentEvent, ctx: EnrollmentContext, at: At): Result {
  switch (event.type) {
    case 'submitCode': {
      if (step.codeHash === null) return at(step, [reply('enrollment.phone.answerTheCall')]);
      if (user.lockedUntil !== null && ctx.now < user.lockedUntil) return at(step, [lockedReply(user.lockedUntil, ctx.now)]);
      const code = extractCode(event.code, ctx.policy.codes.length);
      if (code === null) return at(step, [reply('validation.code.format', { length: ctx.policy.codes.length })]);
      if (ctx.secrets.codeMatches(enrollment.id, code, step.codeHash)) return completeChallenge(user, enrollment, step, ctx, at);
      return wrongAttempt(user, step, ctx, at, (attempts) => ({ ...step, attempts }), 'enrollment.code.wrong');
    }
    case 'callKeyPressed': {
      if (step.delivery !== 'voice' || (step.deliveryRef !== null && event.callRef !== step.deliveryRef)) {
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
      return at(step, [reply(step.codeHash === null ? 'voice.enrollment.pressKeyAgain' : 'voice.enrollment.readCode')]);
    }
    case 'deliveryAccepted':
      return at({ ...step, deliveryRef: event.deliveryRef }, []);
    case 'deliveryFailed': {
      if (event.deliveryRef !== undefined && step.deliveryRef !== null && event.deliveryRef !== step.deliveryRef) return at(step, []);
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

function codeSentPrompt(step: CodeSentStep): Reply {
  if (step.delivery === 'email') return reply('enrollment.email.enterCode');
  return step.codeHash === null ? reply('enrollment.phone.answerTheCall') : reply('enrollment.phone.enterCode');
}

function resend(
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

/** Issues a code or call and stamps the enrollment's resend cool-down when something actually went out. */
function sendChallenge(...args: Parameters<typeof issueChallenge>): Result {
  const ctx = args[6];
  const result = issueChallenge(...args);
  if (result.effects.length === 0) return result;
  const sent = result.state.enrollment!;
  return { ...result, state: { ...result.state, enrollment: { ...sent, nextSendAt: ctx.now + ctx.policy.codes.resendCooldownMs } } };
}

function issueChallenge(
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
  const purpose = { kind: 'enrollment', userId: user.id, refId: enrollment.id } as const;
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
    deliveryRef: null,
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
    [pressKey ? reply('enrollment.phone.callingPressKey', { phone }) : reply('enrollment.phone.callingReadCode', { phone, minutes })],
    [{ type: 'placeCall', to: target.number, extension: target.extension, mode: pressKey ? 'pressKey' : 'readCode', locale: user.locale, purpose }],
  );
}

function displayPhone(e164: string, ctx: EnrollmentContext): string {
  const parsed = parsePhone(e164, ctx.policy.phone.defaultCountry);
  return parsed.ok ? parsed.phone.international : e164;
}

function completeChallenge(user: User, enrollment: Enrollment, step: CodeSentStep, ctx: EnrollmentContext, at: At): Result {
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

/** Adds the verified method (replacing the old phone when changing a number) and reports progress. */
function complete(user: User, enrollment: Enrollment, method: SecurityMethod, ctx: EnrollmentContext, at: At, confirmation: Reply, extra: Reply[] = []): Result {
  const policy = ctx.policy.registration;
  const replaced = user.methods.find((m) => m.id === enrollment.replacesMethodId) ?? null;
  const methods = [...user.methods.filter((m) => m.id !== replaced?.id), method];
  let defaultMethodId = user.defaultMethodId;
  if (replaced && defaultMethodId === replaced.id) defaultMethodId = method.id;
  if ((defaultMethodId === null || !methods.some((m) => m.id === defaultMethodId)) && countsForMfa(policy, method.kind)) defaultMethodId = method.id;
  if (defaultMethodId !== null && !methods.some((m) => m.id === defaultMethodId)) defaultMethodId = mfaMethods(policy, methods)[0]?.id ?? null;
  const updated = { ...user, methods, defaultMethodId };
  const progress = meetsPolicy(policy, updated)
    ? reply('enrollment.progress.complete', { count: methods.length })
    : reply('enrollment.progress.more', { done: methods.length, required: policy.required });
  const effects: Effect[] = [
    audit(user, ctx, replaced ? 'method:replaced' : 'method:added', { kind: method.kind, methodId: method.id, replacedMethodId: replaced?.id ?? null }),
  ];
  const replies: Reply[] = [confirmation, ...extra];
  if (enrollment.purpose !== 'replace') replies.push(progress);
  if (ctx.channel !== enrollment.channel) effects.push(...replies.map((r) => notify(user, enrollment, ctx, r)));
  return at({ name: 'verified', methodId: method.id, at: ctx.now }, ctx.channel !== enrollment.channel ? [confirmation] : replies, effects, {
    methods,
    defaultMethodId,
    lockedUntil: null,
  });
}

function notify(user: User, enrollment: Enrollment, _ctx: EnrollmentContext, message: Reply): Effect {
  return { type: 'notifyUser', userId: user.id, channel: enrollment.channel, message };
}

function audit(user: User, ctx: EnrollmentContext, action: string, details: AuditDraft['details']): Effect {
  return { type: 'audit', entry: { userId: user.id, actor: ctx.actor ?? user.id, action, channel: ctx.channel, ...(details ? { details } : {}) } };
}
