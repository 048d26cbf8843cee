// What the self-service reset use cases share: their dependencies, the policy (how many verifications, which ways),
// the token hashing, and loading a session only for the browser that holds its token. Names that match nobody get
// sessions too, and every page is the same for them: no answer says whether a name exists.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { OrgConfig } from '../config/orgConfigSchema';
import type { ChallengeMethod } from '../domain/challenge';
import type { MethodUsageMatrix } from '../domain/methodKinds';
import type { User } from '../domain/user';
import type { Clock } from '../ports/clock';
import type { Directory } from '../ports/directory';
import type { Stores } from '../ports/repositories';
import type { ResetLinkRepository, ResetProof } from '../ports/resetLinks';
import type { ResetSession, ResetSessionRepository } from '../ports/resetSessions';
import type { VerificationStores } from '../ports/verificationRepositories';
import type { RandomSource } from '../security/random';
import type { AbusePolicy } from '../verification/abusePolicy';
import type { VerificationService } from '../verification/verificationService';
import type { EffectRunner } from '../serviceKit/effectRunner';

export interface ResetDeps {
  readonly org: Pick<OrgConfig, 'methods' | 'organisation' | 'passwordReset' | 'codes' | 'helpDesk' | 'securityQuestions' | 'voice'>;
  readonly stores: Pick<Stores, 'users' | 'challenges' | 'conversations' | 'rateLimits' | 'audit'>;
  readonly verificationStores: Pick<VerificationStores, 'unlocks'>;
  readonly sessions: ResetSessionRepository;
  readonly links: ResetLinkRepository;
  readonly directory: Directory;
  readonly verification: VerificationService;
  readonly effects: EffectRunner;
  readonly abuse: AbusePolicy;
  /** Keys email-code hashes and the stand-in questions of names that match nobody. */
  readonly resetKey: Buffer;
  readonly clock: Clock;
  readonly random: RandomSource;
}

/** Every way a reset can be verified, in the order the choice page lists them. */
export const RESET_METHODS: readonly ResetProof[] = ['sms', 'voice', 'app', 'email', 'questions', 'teams'];

/** Rate-limit scopes of the reset (store limits, one atomic take each). */
export const RESET_RATE = {
  address: 'reset:address',
  person: 'reset:person',
  phone: 'reset:phone',
  answers: 'reset:answers',
} as const;

const HOUR_MS = 60 * 60_000;
export { HOUR_MS };

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64url');
}


/** The same verification counted once: a text and a call reach the same phone. */
export function factorOf(proof: ResetProof): string {
  return proof === 'sms' || proof === 'voice' ? 'phone' : proof;
}

export function distinctFactors(proofs: readonly ResetProof[]): number {
  return new Set(proofs.map(factorOf)).size;
}

/** The ways offered by the organisation for reset (usage table and offered kinds); the same list for everyone. */
export function resetMethodsOffered(org: ResetDeps['org']): ResetProof[] {
  const { usage, offered } = org.methods;
  const can = (kind: keyof MethodUsageMatrix): boolean => usage[kind].passwordReset && offered.includes(kind);
  const phones = can('mobilePhone') || can('alternatePhone');
  return RESET_METHODS.filter((m) => {
    switch (m) {
      case 'sms':
        return phones;
      case 'voice':
        return phones || can('officePhone');
      case 'app':
        return can('authenticatorApp');
      case 'email':
        return can('email');
      case 'questions':
        return can('securityQuestions');
      case 'teams':
        // A Teams approval proves the person's signed-in Teams device: allowed when the app (a device) may reset.
        return can('authenticatorApp');
    }
  });
}

/** The methods still to choose from: offered ones whose factor is not proven yet. */
export function remainingMethods(org: ResetDeps['org'], proofs: readonly ResetProof[]): ResetProof[] {
  const done = new Set(proofs.map(factorOf));
  return resetMethodsOffered(org).filter((m) => !done.has(factorOf(m)));
}

/** The usage table read for reset: a method "counts" where it may reset a password (fed to the sign-in target rule). */
export function resetUsage(usage: MethodUsageMatrix): MethodUsageMatrix {
  return Object.fromEntries(Object.entries(usage).map(([kind, u]) => [kind, { mfa: u.passwordReset, passwordReset: u.passwordReset }])) as unknown as MethodUsageMatrix;
}

/** Distinct verifications this person must give: the highest of the default, their domain's rule and their groups' rules. */
export function requiredVerifications(policy: OrgConfig['passwordReset'], name: { readonly upn: string | null; readonly groups: readonly string[] }): number {
  const domain = name.upn?.split('@')[1]?.toLowerCase() ?? null;
  const groups = new Set(name.groups.map((g) => g.toLowerCase()));
  let required: number = policy.methodsRequired;
  const domainRule = policy.byDomain.find((r) => r.domain === domain);
  if (domainRule) required = domainRule.methodsRequired;
  for (const rule of policy.byGroup) if (groups.has(rule.group.toLowerCase())) required = Math.max(required, rule.methodsRequired);
  return required;
}

/** The verification core's challenge method behind a reset method (email and questions are checked by the reset). */
export function challengeMethodOf(method: ResetProof): ChallengeMethod | null {
  return method === 'email' || method === 'questions' ? null : method;
}

export type LoadedReset =
  | { readonly kind: 'found'; readonly session: ResetSession }
  | { readonly kind: 'missing' }
  | { readonly kind: 'expired'; readonly session: ResetSession };

/** The session, only for the browser holding its token; an unknown id and a foreign browser look alike. */
export async function loadReset(deps: Pick<ResetDeps, 'sessions' | 'clock'>, id: string, token: string | null): Promise<LoadedReset> {
  if (token === null) return { kind: 'missing' };
  const session = await deps.sessions.get(id);
  if (!session) return { kind: 'missing' };
  const presented = Buffer.from(sha256(token));
  const stored = Buffer.from(session.browserHash);
  if (presented.length !== stored.length || !timingSafeEqual(presented, stored)) return { kind: 'missing' };
  if (deps.clock.now() >= session.expiresAt) return { kind: 'expired', session };
  return { kind: 'found', session };
}

/** Saves a change to the session by compare-and-set, re-reading on a lost race; null when it is gone. */
export async function updateReset(deps: Pick<ResetDeps, 'sessions'>, session: ResetSession, change: (current: ResetSession) => ResetSession | null): Promise<ResetSession | null> {
  let current: ResetSession | null = session;
  for (let attempt = 0; attempt < 5 && current; attempt++) {
    const next = change(current);
    if (next === null) return current;
    const saved = { ...next, version: current.version + 1 };
    if (await deps.sessions.replace(saved)) return saved;
    current = await deps.sessions.get(session.id);
  }
  return null;
}

/** A keyed digest (the reset key) used to pick stand-ins deterministically for names that match nobody. */
export function keyedDigest(key: Buffer, text: string): Buffer {
  return createHmac('sha256', key).update(text, 'utf8').digest();
}

/** Whether a person has a method that can carry out this reset method (read only for known people). */
export function personHas(user: User, method: ResetProof, usage: MethodUsageMatrix, teams: boolean): boolean {
  const reset = (kind: keyof MethodUsageMatrix): boolean => usage[kind].passwordReset;
  switch (method) {
    case 'email':
      return user.methods.some((m) => m.kind === 'email' && reset('email'));
    case 'questions':
      return user.methods.some((m) => m.kind === 'securityQuestions' && reset('securityQuestions'));
    case 'teams':
      return teams;
    default:
      return false;
  }
}
