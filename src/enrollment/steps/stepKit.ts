// What the enrollment machine's steps share, whatever the method: the context they run in, the result they build,
// a lockout's reply, a wrong attempt counted, a method completed, and the audit and notice effects.
import { reply, type AuditDraft, type Effect, type Reply } from '../../domain/effects';
import type { Channel, SecurityMethod, User } from '../../domain/user';
import { choosableKinds, countsForMfa, meetsPolicy, mfaMethods } from '../../domain/rules/registrationPolicy';
import type { RandomSource } from '../../security/random';
import type { EnrollmentPolicy, SecretOps } from '../enrollmentPolicy';
import type { Enrollment, EnrollmentResult, EnrollmentStep } from '../enrollmentTypes';

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

export type CodeSentStep = Extract<EnrollmentStep, { name: 'codeSent' }>;

export type Result = EnrollmentResult<User>;

export type At = (next: EnrollmentStep, replies: Reply[], effects?: Effect[], patch?: Partial<User>) => Result;

export function lockedReply(until: number, now: number): Reply {
  return reply('enrollment.locked', { minutes: Math.max(1, Math.ceil((until - now) / 60_000)) });
}

export function wrongAttempt<S extends CodeSentStep | Extract<EnrollmentStep, { name: 'scanningApp' }>>(
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

/** Adds the verified method (replacing the old phone when changing a number) and reports progress. */
export function complete(user: User, enrollment: Enrollment, method: SecurityMethod, ctx: EnrollmentContext, at: At, confirmation: Reply, extra: Reply[] = []): Result {
  const policy = ctx.policy.registration;
  const replaced = user.methods.find((m) => m.id === enrollment.replacesMethodId) ?? null;
  const methods = [...user.methods.filter((m) => m.id !== replaced?.id), method];
  let defaultMethodId = user.defaultMethodId;
  if (replaced && defaultMethodId === replaced.id) defaultMethodId = method.id;
  if ((defaultMethodId === null || !methods.some((m) => m.id === defaultMethodId)) && countsForMfa(policy, method.kind)) defaultMethodId = method.id;
  if (defaultMethodId !== null && !methods.some((m) => m.id === defaultMethodId)) defaultMethodId = mfaMethods(policy, methods)[0]?.id ?? null;
  const updated = { ...user, methods, defaultMethodId };
  const met = meetsPolicy(policy, updated);
  const progress = met
    ? reply('enrollment.progress.complete', { count: methods.length })
    : // What may be chosen next goes with it, so another channel can offer the next step itself.
      reply('enrollment.progress.more', { done: methods.length, required: policy.required, position: Math.min(methods.length + 1, policy.required), next: choosableKinds(policy, updated).join(',') });
  const effects: Effect[] = [
    audit(user, ctx, replaced ? 'method:replaced' : 'method:added', { kind: method.kind, methodId: method.id, replacedMethodId: replaced?.id ?? null }),
  ];
  // Said after every method added while the policy is met (not only the first time): whoever listens must be
  // idempotent, and a person registered before the listener was switched on is then caught up on their next change.
  if (met) effects.push({ type: 'registrationMet', userId: user.id, tenantId: user.tenantId });
  const replies: Reply[] = [confirmation, ...extra];
  if (enrollment.purpose !== 'replace') replies.push(progress);
  if (ctx.channel !== enrollment.channel) effects.push(...replies.map((r) => notify(user, enrollment, ctx, r)));
  return at({ name: 'verified', methodId: method.id, at: ctx.now }, ctx.channel !== enrollment.channel ? [confirmation] : replies, effects, {
    methods,
    defaultMethodId,
    lockedUntil: null,
  });
}

export function notify(user: User, enrollment: Enrollment, _ctx: EnrollmentContext, message: Reply): Effect {
  return { type: 'notifyUser', userId: user.id, channel: enrollment.channel, message };
}

export function audit(user: User, ctx: EnrollmentContext, action: string, details: AuditDraft['details']): Effect {
  return { type: 'audit', entry: { userId: user.id, actor: ctx.actor ?? user.id, action, channel: ctx.channel, ...(details ? { details } : {}) } };
}
