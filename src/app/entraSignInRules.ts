// What the Entra sign-in use cases share: the dependencies, which of a person's methods may answer (default
// first), the acr and amr a method satisfies, and loading a sign-in only for the browser that started it.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { OrgConfig } from '../config/orgConfigSchema';
import type { EntraConfig } from '../config/entraConfig';
import type { ChallengeMethod } from '../domain/challenge';
import type { EntraSignIn } from '../domain/entraSignIn';
import type { SecurityMethod, User } from '../domain/user';
import { challengeMethodsOf, signInMethods } from '../domain/rules/signInTargets';
import type { Clock } from '../ports/clock';
import type { EntraStores } from '../ports/entraRepositories';
import type { Stores } from '../ports/repositories';
import type { VerificationStores } from '../ports/verificationRepositories';
import type { RandomSource } from '../security/random';
import type { AbusePolicy } from '../verification/abusePolicy';
import type { VerificationService } from '../verification/verificationService';
import type { EntraSigningKeys } from './entraSigningKeys';
import type { TenantKeySource } from './entraTenantKeys';

export interface EntraSignInDeps {
  readonly entra: EntraConfig;
  /** The discovery issuer (PUBLIC_BASE_URL): the `iss` of every id_token. */
  readonly issuer: string;
  readonly org: Pick<OrgConfig, 'methods' | 'organisation'>;
  readonly stores: Pick<Stores, 'users' | 'challenges' | 'conversations' | 'rateLimits' | 'audit'>;
  readonly verificationStores: Pick<VerificationStores, 'passes' | 'unlocks'>;
  readonly entraStores: EntraStores;
  readonly verification: VerificationService;
  readonly signingKeys: EntraSigningKeys;
  readonly tenantKeys: TenantKeySource;
  readonly abuse: AbusePolicy;
  /** Keys the passcode hashes (the help desk's key). */
  readonly passKey: Buffer;
  readonly clock: Clock;
  readonly random: RandomSource;
}

/** A form to POST to Entra's redirect_uri: the answer (id_token) or the refusal (error). */
export interface EntraAnswer {
  readonly redirectUri: string;
  readonly fields: Readonly<Record<string, string>>;
}

/** acr values a possession factor satisfies (every Signet method is one: a phone, an app, a Teams device). */
const POSSESSION_ACRS = ['possessionorinherence', 'knowledgeorpossession', 'knowledgeorpossessionorinherence', 'possession'];

/** The first requested acr Signet can satisfy, or null. Nothing requested: possession or inherence. */
export function acrToReturn(requested: readonly string[]): string | null {
  if (requested.length === 0) return 'possessionorinherence';
  return requested.find((acr) => POSSESSION_ACRS.includes(acr)) ?? null;
}

/** The one amr value Entra maps the method to (all possession factors). */
export function amrFor(method: ChallengeMethod): string {
  switch (method) {
    case 'sms':
      return 'sms';
    case 'voice':
      return 'tel';
    case 'app':
    case 'tap':
      return 'otp';
    case 'teams':
      return 'pop';
  }
}

export interface OfferedMethod {
  readonly method: ChallengeMethod;
  /** The phone number's last digits, to tell the person which phone. */
  readonly hint: string | null;
  /** The person's default way (listed first). */
  readonly isDefault: boolean;
}

/** The methods this person may answer with, the default first. */
export function offeredMethods(user: User, org: EntraSignInDeps['org'], has: { readonly teams: boolean; readonly pass: boolean }): OfferedMethod[] {
  const mfa = signInMethods(user, org.methods.usage);
  const ordered = [...mfa].sort((a, b) => (a.id === user.defaultMethodId ? -1 : b.id === user.defaultMethodId ? 1 : 0));
  const out: OfferedMethod[] = [];
  const add = (method: ChallengeMethod, hint: string | null, from: SecurityMethod | null): void => {
    // Only the first way offered from the default method is "the default" (a phone offers a text and a call).
    const isDefault = out.length === 0 && from !== null && from.id === user.defaultMethodId;
    if (!out.some((o) => o.method === method)) out.push({ method, hint, isDefault });
  };
  // Which ways each method gives is the shared rule the sign-in request uses too (challengeMethodsOf).
  for (const m of ordered) for (const way of challengeMethodsOf(m)) add(way, 'number' in m ? lastDigits(m) : null, m);
  if (has.teams) add('teams', null, null);
  if (has.pass) add('tap', null, null);
  return out;
}

function lastDigits(method: Extract<SecurityMethod, { number: string }>): string {
  return method.number.slice(-2);
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64url');
}

export type LoadedSignIn =
  | { readonly kind: 'found'; readonly signIn: EntraSignIn }
  | { readonly kind: 'missing' }
  | { readonly kind: 'expired'; readonly signIn: EntraSignIn };

/** The sign-in, only for the browser holding its binding secret; an unknown id and a foreign browser look alike. */
export async function loadSignIn(deps: Pick<EntraSignInDeps, 'entraStores' | 'clock'>, id: string, browserSecret: string | null): Promise<LoadedSignIn> {
  if (browserSecret === null) return { kind: 'missing' };
  const signIn = await deps.entraStores.signIns.get(id);
  if (!signIn) return { kind: 'missing' };
  const presented = Buffer.from(sha256(browserSecret));
  const stored = Buffer.from(signIn.browserHash);
  if (presented.length !== stored.length || !timingSafeEqual(presented, stored)) return { kind: 'missing' };
  if (deps.clock.now() >= signIn.expiresAt) return { kind: 'expired', signIn };
  return { kind: 'found', signIn };
}

/** The refusal form for Entra: `error=access_denied` (or another code) and the state when one was sent. */
export function errorAnswer(signIn: Pick<EntraSignIn, 'redirectUri' | 'state'>, error: 'access_denied' | 'temporarily_unavailable' = 'access_denied'): EntraAnswer {
  return { redirectUri: signIn.redirectUri, fields: { error, ...(signIn.state !== null ? { state: signIn.state } : {}) } };
}
