// Use case "a verified person asks for a reset link" (texting RESET, or verified in Teams): decides whether this
// channel may give one (the account is linked to a directory entry, the verification counts under the reset
// policy, the limits per person and per phone allow it), stores the single-use grant and audits it.
import type { User } from '../domain/user';
import type { Clock } from '../ports/clock';
import type { Directory } from '../ports/directory';
import type { AuditLog, RateLimitRepository, RateLimitRequest } from '../ports/repositories';
import type { ResetLinkRepository, ResetProof, ResetPurpose } from '../ports/resetLinks';
import { newResetLinkToken, resetLinkTokenHash } from '../security/resetLinkTokens';
import type { RandomSource } from '../security/random';
import { proofOfMethod, type ResetLinkPolicy } from './resetLinkPolicy';

/** The web journey's link page (one button press takes it, so link previews don't use it up): `take(resetLinkTokenHash(token))`. */
export const RESET_LINK_PATH = '/reset/link/';

/** Scopes of the store's rate limits (key: the person's id, the phone number). */
export const RESET_LINK_PERSON_SCOPE = 'reset:link:person';
export const RESET_LINK_PHONE_SCOPE = 'reset:link:phone';

const ANSWERED_PROOF: Readonly<Record<'text' | 'call' | 'code', ResetProof>> = { text: 'sms', call: 'voice', code: 'app' };

export type ResetLinkRequest =
  /** RESET texted from `phone`: the texted message itself is the proof that the person holds that phone. */
  | { readonly via: 'sms'; readonly user: User; readonly purpose: ResetPurpose; readonly phone: string }
  /** Verified in Teams with one of the person's methods (`how` it answered), inside their signed-in Teams chat. */
  | { readonly via: 'teams'; readonly user: User; readonly purpose: ResetPurpose; readonly verified: { readonly methodId: string; readonly how: 'text' | 'call' | 'code' } };

export type ResetLinkOutcome =
  | { readonly kind: 'issued'; readonly url: string; readonly expiresAt: number; readonly minutes: number; readonly proofs: readonly ResetProof[] }
  /** The verification does not count for reset under the policy (e.g. texted codes are not a reset method). */
  | { readonly kind: 'notAllowed' }
  /** No single, enabled directory entry has the person's UPN: nothing a link could reset. */
  | { readonly kind: 'notLinked' }
  | { readonly kind: 'limited'; readonly retryAfterMs: number }
  /** The directory could not be asked; try again later. */
  | { readonly kind: 'unavailable' };

export interface IssueResetLinkDeps {
  readonly links: ResetLinkRepository;
  readonly rateLimits: Pick<RateLimitRepository, 'takeAll'>;
  readonly audit: Pick<AuditLog, 'append'>;
  readonly directory: Pick<Directory, 'find'>;
  readonly policy: ResetLinkPolicy;
  /** Where people reach this service (the web journey is mounted there). */
  readonly publicBaseUrl: string;
  readonly clock: Clock;
  readonly random: RandomSource;
}

export class IssueResetLink {
  constructor(private readonly deps: IssueResetLinkDeps) {}

  async issue(request: ResetLinkRequest): Promise<ResetLinkOutcome> {
    const { links, directory, policy, clock, random, publicBaseUrl } = this.deps;
    const { user } = request;
    const proofs = this.proofsOf(request);
    if (proofs === null) return this.refused(request, { kind: 'notAllowed' });
    const limited = await this.takeLimits(request);
    if (limited) return this.refused(request, limited);
    const entry = await directory.find({ by: 'upn', value: user.upn });
    if (!entry.ok) return this.refused(request, entry.refusal.kind === 'unavailable' ? { kind: 'unavailable' } : { kind: 'notLinked' });
    if (!entry.value.enabled) return this.refused(request, { kind: 'notLinked' });
    const now = clock.now();
    const token = newResetLinkToken(random);
    const expiresAt = now + policy.lifetimeMs;
    await links.issue(resetLinkTokenHash(token), { userId: user.id, purpose: request.purpose, proofs, issuedVia: request.via, issuedAt: now, expiresAt });
    await this.deps.audit.append(
      { userId: user.id, actor: request.via, action: 'reset:linkIssued', channel: request.via, details: { purpose: request.purpose, proofs: proofs.join(','), expiresAt } },
      now,
    );
    const url = `${publicBaseUrl.replace(/\/+$/, '')}${RESET_LINK_PATH}${token}`;
    return { kind: 'issued', url, expiresAt, minutes: Math.round(policy.lifetimeMs / 60_000), proofs };
  }

  /** What the request proves, or null when its verification does not count for reset here. */
  private proofsOf(request: ResetLinkRequest): ResetProof[] | null {
    const { policy } = this.deps;
    if (request.via === 'sms') {
      return policy.textableResetPhones(request.user).some((p) => p.number === request.phone) ? ['sms'] : null;
    }
    const method = request.user.methods.find((m) => m.id === request.verified.methodId);
    if (!method || !policy.counts(method.kind)) return null;
    const { how } = request.verified;
    // The method must be able to give what was answered: a text a mobile, a call any phone, a code the app.
    const proof = proofOfMethod(method.kind, how === 'call' ? 'call' : 'text');
    if (proof === null || proof !== ANSWERED_PROOF[how]) return null;
    return [proof, 'teams'];
  }

  /** One unit per person (and per phone for SMS), each an atomic store write, all or none. */
  private async takeLimits(request: ResetLinkRequest): Promise<{ kind: 'limited'; retryAfterMs: number } | null> {
    const { limits } = this.deps.policy;
    const wanted: RateLimitRequest[] = [{ scope: RESET_LINK_PERSON_SCOPE, key: request.user.id, limit: limits.perPerson, windowMs: limits.windowMs }];
    if (request.via === 'sms') wanted.push({ scope: RESET_LINK_PHONE_SCOPE, key: request.phone, limit: limits.perPhone, windowMs: limits.windowMs });
    const decision = await this.deps.rateLimits.takeAll(wanted, this.deps.clock.now());
    return decision.allowed ? null : { kind: 'limited', retryAfterMs: decision.retryAfterMs };
  }

  private async refused<T extends Exclude<ResetLinkOutcome, { kind: 'issued' }>>(request: ResetLinkRequest, outcome: T): Promise<T> {
    await this.deps.audit.append(
      { userId: request.user.id, actor: request.via, action: 'reset:linkRefused', channel: request.via, details: { purpose: request.purpose, reason: outcome.kind } },
      this.deps.clock.now(),
    );
    return outcome;
  }
}
