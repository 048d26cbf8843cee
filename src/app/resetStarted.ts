// A reset begins: a name typed on the page, or a single-use link from the SMS or Teams journey (its proofs counted).
// Every name runs the same work — both directory look-ups, the Signet look-up, the limits, a stored session — so
// neither the page nor its timing says whether the name exists.
import type { DirectoryEntry } from '../ports/directory';
import type { ResetPurpose } from '../ports/resetLinks';
import type { ResetSession } from '../ports/resetSessions';
import type { User } from '../domain/user';
import { randomId } from '../security/random';
import { resetLinkTokenHash } from '../security/resetLinkTokens';
import { HOUR_MS, RESET_RATE, keyedDigest, requiredVerifications, sha256, type ResetDeps } from './resetRules';

export type ResetStartOutcome =
  | { readonly kind: 'started'; readonly session: ResetSession; readonly token: string }
  | { readonly kind: 'invalidName' }
  | { readonly kind: 'invalidLink' }
  | { readonly kind: 'rateLimited'; readonly until: number };

export interface ResetStartRequest {
  readonly name: string;
  readonly purpose: ResetPurpose;
  readonly ip: string | null;
  /** The browser's locale, kept for people Signet does not know (their own otherwise). */
  readonly locale: string;
}

/** Longest name looked up: UPNs and mail addresses stay well under it. */
const NAME_MAX = 256;

export class ResetStarted {
  constructor(private readonly deps: ResetDeps) {}

  async start(request: ResetStartRequest): Promise<ResetStartOutcome> {
    const name = request.name.trim().toLowerCase();
    if (name.length === 0 || name.length > NAME_MAX) return { kind: 'invalidName' };
    const { deps } = this;
    const now = deps.clock.now();
    const policy = deps.org.passwordReset;
    // Keyed by the name's hash, so a name that matches nobody is limited the same as one that does.
    const limits = await deps.stores.rateLimits.takeAll(
      [
        { scope: RESET_RATE.address, key: request.ip ?? 'unknown', limit: policy.perAddressPerHour, windowMs: HOUR_MS },
        { scope: RESET_RATE.person, key: sha256(name), limit: policy.perPersonPerHour, windowMs: HOUR_MS },
      ],
      now,
    );
    if (!limits.allowed) return { kind: 'rateLimited', until: now + limits.retryAfterMs };

    const entry = await this.findEntry(name);
    const user = await deps.stores.users.findByUpn(entry?.upn ?? name);
    // Only one person both in Signet and the directory, with an account that may be changed, can be reset.
    const known = entry !== null && user !== null && entry.enabled && entry.upn?.toLowerCase() === user.upn.toLowerCase();
    return this.open({ user: known ? user : null, entry: known ? entry : null, upn: entry?.upn ?? name, purpose: request.purpose, proofs: [], linkVia: null, ip: request.ip, locale: request.locale, name });
  }

  /** A link issued by the SMS or Teams journey: taken once; an expired, used or unknown one is refused alike. */
  async startFromLink(token: string, ip: string | null): Promise<ResetStartOutcome> {
    const { deps } = this;
    const now = deps.clock.now();
    const limit = await deps.stores.rateLimits.take(RESET_RATE.address, ip ?? 'unknown', deps.org.passwordReset.perAddressPerHour, HOUR_MS, now);
    if (!limit.allowed) return { kind: 'rateLimited', until: now + limit.retryAfterMs };
    if (token.length === 0 || token.length > 128) return { kind: 'invalidLink' };
    const grant = await deps.links.take(resetLinkTokenHash(token), now);
    if (!grant) return { kind: 'invalidLink' };
    const user = await deps.stores.users.get(grant.userId);
    const found = user ? await deps.directory.find({ by: 'upn', value: user.upn }) : null;
    const entry = found?.ok && found.value.enabled ? found.value : null;
    if (!user || !entry) return { kind: 'invalidLink' };
    return this.open({ user, entry, upn: user.upn, purpose: grant.purpose, proofs: grant.proofs, linkVia: grant.issuedVia, ip, locale: user.locale, name: user.upn.toLowerCase() });
  }

  /** Both look-ups always run (by UPN and by mail, or by uid twice), so every name costs the directory the same. */
  private async findEntry(name: string): Promise<DirectoryEntry | null> {
    const { directory } = this.deps;
    const [first, second] = name.includes('@')
      ? await Promise.all([directory.find({ by: 'upn', value: name }), directory.find({ by: 'mail', value: name })])
      : await Promise.all([directory.find({ by: 'uid', value: name }), directory.find({ by: 'upn', value: name })]);
    if (first.ok) return first.value;
    return second.ok ? second.value : null;
  }

  private async open(input: {
    user: User | null;
    entry: DirectoryEntry | null;
    upn: string;
    purpose: ResetPurpose;
    proofs: ResetSession['proofs'];
    linkVia: ResetSession['linkVia'];
    ip: string | null;
    locale: string;
    name: string;
  }): Promise<ResetStartOutcome> {
    const { deps } = this;
    const now = deps.clock.now();
    const token = randomId(deps.random) + randomId(deps.random);
    const session: ResetSession = {
      id: randomId(deps.random),
      browserHash: sha256(token),
      userId: input.user?.id ?? null,
      nameDigest: keyedDigest(deps.resetKey, input.name).toString('base64url'),
      directoryId: input.entry?.id ?? null,
      purpose: input.purpose,
      locale: input.user?.locale ?? input.locale,
      required: requiredVerifications(deps.org.passwordReset, { upn: input.upn, groups: input.entry?.groups ?? [] }),
      proofs: [...input.proofs],
      linkVia: input.linkVia,
      step: null,
      failures: 0,
      status: 'verifying',
      ip: input.ip,
      createdAt: now,
      expiresAt: now + deps.org.passwordReset.sessionMinutes * 60_000,
      version: 1,
    };
    await deps.sessions.create(session);
    await deps.stores.audit.append(
      { userId: session.userId ?? 'unknown', actor: 'self-service', action: 'reset:started', channel: 'web', details: { sessionId: session.id, purpose: session.purpose, via: session.linkVia ?? 'web', ip: session.ip } },
      now,
    );
    return { kind: 'started', session, token };
  }
}
