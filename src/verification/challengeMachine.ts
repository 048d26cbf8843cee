// The sign-in verification machine: a challenge is pending until exactly one outcome ends it (approved, denied,
// expired, failed or cancelled). Pure like the enrollment machine; a late answer after the end changes nothing.
import { reply, type AuditDraft, type Effect, type Reply } from '../domain/effects';
import type { Channel } from '../domain/user';
import { hashKeyParams } from '../domain/rules/hashKeyName';
import type { CodePolicy, SecretOps } from '../enrollment/enrollmentPolicy';
import { extractCode, generateNumericCode } from '../security/oneTimeCodes';
import { randomId, randomInt, type RandomSource } from '../security/random';
import type { Challenge, ChallengeEndReason, ChallengeEvent, ChallengeMethod, ChallengeStatus, SignInContext } from '../domain/challenge';

export interface ChallengeContext {
  readonly now: number;
  readonly random: RandomSource;
  readonly codes: CodePolicy;
  readonly secrets: SecretOps;
  readonly organisationName: string;
  /** How the call asks: press # (pressKey) or read a code (readCode). */
  readonly voiceMode: 'pressKey' | 'readCode';
}

export interface ChallengeResult {
  readonly state: Challenge;
  readonly replies: readonly Reply[];
  readonly effects: readonly Effect[];
}

export interface NewChallenge {
  readonly userId: string;
  readonly clientId: string | null;
  readonly method: ChallengeMethod;
  /** Phone number (E.164) for sms/voice, method id for app, null otherwise. */
  readonly target: string | null;
  readonly extension: string | null;
  readonly context: SignInContext;
  readonly locale: string;
  readonly callbackUrl?: string | null;
}

/** How many numbers the Teams card offers; one of them is the number the sign-in screen shows. */
const NUMBER_CHOICES = 3;

export function createChallenge(input: NewChallenge, ctx: ChallengeContext): ChallengeResult {
  const id = randomId(ctx.random);
  const usesCode = input.method === 'sms' || (input.method === 'voice' && ctx.voiceMode === 'readCode');
  const code = usesCode ? generateNumericCode(ctx.random, ctx.codes.length) : null;
  const numbers = input.method === 'teams' ? numberChoices(ctx.random) : null;
  const challenge: Challenge = {
    id,
    userId: input.userId,
    clientId: input.clientId,
    method: input.method,
    target: input.target,
    extension: input.extension,
    status: 'pending',
    reason: null,
    codeHash: code === null ? null : ctx.secrets.hashCode(id, code),
    sealedCode: code !== null && input.method === 'voice' ? ctx.secrets.seal(code, `code:${id}`) : null,
    numberToMatch: numbers?.answer ?? null,
    numberChoices: numbers?.choices ?? null,
    attempts: 0,
    context: input.context,
    locale: input.locale,
    createdAt: ctx.now,
    expiresAt: ctx.now + ctx.codes.lifetimeMs,
    endedAt: null,
    endedVia: null,
    callbackUrl: input.callbackUrl ?? null,
    version: 1,
  };
  const purpose = { kind: 'verification', userId: input.userId, refId: id } as const;
  const minutes = Math.round(ctx.codes.lifetimeMs / 60_000);
  const effects: Effect[] = [];
  if (input.method === 'sms' && input.target) {
    effects.push({ type: 'sendSms', to: input.target, message: reply('sms.signInCode', { code: code!, org: ctx.organisationName, minutes }), locale: input.locale, purpose });
  } else if (input.method === 'voice' && input.target) {
    effects.push({ type: 'placeCall', to: input.target, extension: input.extension, mode: code === null ? 'pressKey' : 'readCode', locale: input.locale, purpose });
  } else if (input.method === 'teams') {
    effects.push({
      type: 'notifyUser',
      userId: input.userId,
      channel: 'teams',
      message: reply('verification.teams.request', {
        application: input.context.application,
        location: input.context.location ?? '',
        choices: numbers!.choices.join(' '),
        challengeId: id,
      }),
    });
  }
  return { state: challenge, replies: [], effects };
}

function numberChoices(random: RandomSource): { answer: number; choices: number[] } {
  const choices: number[] = [];
  while (choices.length < NUMBER_CHOICES) {
    const n = 10 + randomInt(random, 90);
    if (!choices.includes(n)) choices.push(n);
  }
  return { answer: choices[randomInt(random, NUMBER_CHOICES)]!, choices };
}

export function transitionChallenge(challenge: Challenge, event: ChallengeEvent, via: Channel, ctx: ChallengeContext): ChallengeResult {
  const current = challenge.status === 'pending' && ctx.now >= challenge.expiresAt ? end(challenge, 'expired', 'expired', 'system', ctx) : null;
  if (current) return event.type === 'checkExpiry' ? current : { ...current, replies: [reply('verification.ended.expired')] };
  if (challenge.status !== 'pending') {
    if (event.type === 'checkExpiry') return { state: challenge, replies: [], effects: [] };
    return { state: challenge, replies: [reply(`verification.ended.${challenge.status}`)], effects: [] };
  }
  const same = (replies: Reply[], patch: Partial<Challenge> = {}): ChallengeResult => ({ state: { ...challenge, ...patch }, replies, effects: [] });

  switch (event.type) {
    case 'submitCode': {
      if (challenge.codeHash === null) return same([reply('verification.codeNotExpected')]);
      const code = extractCode(event.code, ctx.codes.length);
      if (code === null) return same([reply('validation.code.format', { length: ctx.codes.length })]);
      if (ctx.secrets.codeMatches(challenge.id, code, challenge.codeHash)) return withReply(end(challenge, 'approved', 'codeAccepted', via, ctx), 'verification.approved');
      return wrong(challenge, via, ctx);
    }
    case 'appCodeChecked':
      if (challenge.method !== 'app') return same([reply('verification.codeNotExpected')]);
      return event.valid ? withReply(end(challenge, 'approved', 'codeAccepted', via, ctx), 'verification.approved') : wrong(challenge, via, ctx);
    case 'passcodeChecked':
      if (challenge.method !== 'tap') return same([reply('verification.codeNotExpected')]);
      return event.valid ? withReply(end(challenge, 'approved', 'passcodeAccepted', via, ctx), 'verification.approved') : wrong(challenge, via, ctx);
    case 'callKeyPressed':
      if (challenge.method !== 'voice') return same([reply('voice.verification.notExpected')]);
      if (event.key === '0') return withReply(end(challenge, 'denied', 'deniedByUser', via, ctx), 'voice.verification.denied');
      if (challenge.codeHash === null && event.key === '#') return withReply(end(challenge, 'approved', 'callConfirmed', via, ctx), 'voice.verification.approved');
      return same([challenge.codeHash === null ? reply('voice.verification.pressKeyAgain', hashKeyParams(challenge.target ?? '', 'spoken')) : reply('voice.verification.readCode')]);
    case 'cardAnswered': {
      if (challenge.method !== 'teams') return same([reply('verification.codeNotExpected')]);
      if (event.answer.kind === 'deny') return withReply(end(challenge, 'denied', 'deniedByUser', via, ctx), 'verification.denied');
      return event.answer.value === challenge.numberToMatch
        ? withReply(end(challenge, 'approved', 'cardApproved', via, ctx), 'verification.approved')
        : withReply(end(challenge, 'denied', 'wrongNumberChosen', via, ctx), 'verification.wrongNumber');
    }
    case 'deliveryFailed':
      return withReply(end(challenge, 'failed', event.reason, via, ctx), `delivery.failed.${event.reason}`);
    case 'checkExpiry':
      return { state: challenge, replies: [], effects: [] };
    case 'supersede':
      return end(challenge, 'cancelled', 'superseded', via, ctx);
    case 'cancel':
      return end(challenge, 'cancelled', 'cancelledByClient', via, ctx);
  }
}

function wrong(challenge: Challenge, via: Channel, ctx: ChallengeContext): ChallengeResult {
  const attempts = challenge.attempts + 1;
  const left = ctx.codes.maxAttempts - attempts;
  if (left <= 0) return withReply(end({ ...challenge, attempts }, 'failed', 'tooManyAttempts', via, ctx), 'verification.tooManyAttempts');
  return { state: { ...challenge, attempts }, replies: [reply('verification.code.wrong', { attemptsLeft: left })], effects: [] };
}

function end(challenge: Challenge, status: ChallengeStatus, reason: ChallengeEndReason, via: Channel, ctx: ChallengeContext): ChallengeResult {
  const entry: AuditDraft = {
    userId: challenge.userId,
    actor: via === 'api' ? `client:${challenge.clientId ?? 'unknown'}` : challenge.userId,
    action: `verification:${status}`,
    channel: via,
    details: { challengeId: challenge.id, method: challenge.method, reason, clientId: challenge.clientId, application: challenge.context.application },
  };
  return {
    state: { ...challenge, status, reason, endedAt: ctx.now, endedVia: via },
    replies: [],
    effects: [{ type: 'audit', entry }],
  };
}

function withReply(result: ChallengeResult, key: string): ChallengeResult {
  return { ...result, replies: [...result.replies, reply(key)] };
}
