// The enrollment state machine: (user, event, context) → (user, replies, effects). Pure: no I/O, no clock, no
// Math.random — time, randomness and keys come in through the context. Expected problems (bad number, wrong
// code, expired, locked) are transitions with a reply, never exceptions. This file dispatches: the steps of each
// method live in steps/ (phone, e-mail, the code challenge they share, security questions, authenticator app).
import { isPhoneKind, type MethodKind } from '../domain/methodKinds';
import { reply, type Effect, type Reply } from '../domain/effects';
import type { User } from '../domain/user';
import { stepBehind } from '../domain/enrollmentRecord';
import { canChooseMethod, meetsPolicy } from '../domain/rules/registrationPolicy';
import { randomId } from '../security/random';
import { generateTotpSecret } from '../security/totp';
import type { Enrollment, EnrollmentEvent, EnrollmentStep } from './enrollmentTypes';
import { appSetupReplies, submitAppCode } from './steps/authenticatorAppSteps';
import { codeSentPrompt, onCodeSent, resend } from './steps/codeSteps';
import { submitEmail } from './steps/emailSteps';
import { phonePrompt, submitPhone } from './steps/phoneSteps';
import { submitAnswers } from './steps/securityQuestionSteps';
import { lockedReply, type At, type EnrollmentContext, type Result } from './steps/stepKit';

export type { EnrollmentContext };

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

function chooseMethodPrompt(user: User, ctx: EnrollmentContext): Reply {
  // Once the policy is met a further method is an extra, not "method 2 of 2".
  if (meetsPolicy(ctx.policy.registration, user)) return reply('enrollment.chooseExtraMethod');
  return reply('enrollment.chooseMethod', {
    position: Math.min(user.methods.length + 1, ctx.policy.registration.required),
    required: ctx.policy.registration.required,
  });
}

/** "Stopped", naming what really starts again: set up MFA (policy not met), my methods (a change), or add a method. */
function cancelledReply(user: User, enrollment: Enrollment, ctx: EnrollmentContext): Reply {
  if (!meetsPolicy(ctx.policy.registration, user)) return reply('enrollment.cancelledSetUp');
  return reply(enrollment.purpose === 'replace' ? 'enrollment.cancelledChange' : 'enrollment.cancelled');
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
      return at({ name: 'cancelled' }, [cancelledReply(user, enrollment, ctx)]);
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
      if (event.type === 'deliveryFailed') return at(step, []);
      return at(step, [reply('enrollment.code.expired')]);

    case 'locked':
      if (event.type === 'deliveryFailed') return at(step, []);
      return at(step, [lockedReply(step.until, ctx.now)]);

    default:
      return at(step, [reply('enrollment.nothingInProgress')]);
  }
}

function back(step: EnrollmentStep, at: At, user: User, ctx: EnrollmentContext): Result {
  const previous = stepBehind(step);
  if (previous.name === 'codeSent') {
    if (previous.kind === 'email') return at({ name: 'enteringEmail' }, [reply('enrollment.email.askAddress')]);
    return at({ name: 'enteringPhone', kind: previous.kind }, [phonePrompt(previous.kind, ctx)]);
  }
  if (previous.name === 'choosingMethod') return at(previous, [reply('enrollment.nothingToGoBackTo'), chooseMethodPrompt(user, ctx)]);
  return at({ name: 'choosingMethod' }, [chooseMethodPrompt(user, ctx)]);
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
