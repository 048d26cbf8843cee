// Use case "in Teams, the person answers their reset check": a typed code (texted, or from the authenticator app)
// goes to the verification core, which counts attempts and locks; "I answered the call" just looks. Once the
// check is approved it is spent exactly once (a unique store write) on a single-use link to the web reset page.
import type { Reply } from '../domain/effects';
import type { Challenge } from '../domain/challenge';
import type { User } from '../domain/user';
import type { Clock } from '../ports/clock';
import type { Stores } from '../ports/repositories';
import type { ResetPurpose } from '../ports/resetLinks';
import type { VerificationService } from '../verification/verificationService';
import type { IssueResetLink, ResetLinkOutcome } from './issueResetLink';
import { RESET_CHECK_CLIENT_ID } from './resetCheckRules';

export type AnswerResetCheckOutcome =
  /** Still waiting: a wrong code with attempts left, or the call not answered yet. */
  | { readonly kind: 'pending'; readonly replies: readonly Reply[] }
  /** The check failed, was denied or expired; a new one may be started. */
  | { readonly kind: 'ended'; readonly replies: readonly Reply[] }
  /** Approved: what issuing the link gave (the link, or why not). */
  | { readonly kind: 'link'; readonly replies: readonly Reply[]; readonly link: ResetLinkOutcome }
  /** No such check for this person, or it was already spent. */
  | { readonly kind: 'missing' };

export interface AnswerResetCheckDeps {
  readonly stores: Pick<Stores, 'users' | 'rateLimits'>;
  readonly verification: Pick<VerificationService, 'get' | 'apply' | 'submitAppCode'>;
  readonly links: Pick<IssueResetLink, 'issue'>;
  readonly clock: Clock;
}

/** The "spent" marker: one unit per challenge id, in a window far longer than any check lives. */
const SPENT_SCOPE = 'reset:checkSpent';
const SPENT_WINDOW_MS = 366 * 24 * 60 * 60_000;
/** An approval older than this no longer gives a link (the person asked long ago; ask again). */
const APPROVAL_FRESH_MS = 15 * 60_000;

export class AnswerResetCheck {
  constructor(private readonly deps: AnswerResetCheckDeps) {}

  async answer(userId: string, challengeId: string, purpose: ResetPurpose, code: string | null): Promise<AnswerResetCheckOutcome> {
    const { verification, clock } = this.deps;
    let challenge = await verification.get(challengeId);
    if (!challenge || challenge.userId !== userId || challenge.clientId !== RESET_CHECK_CLIENT_ID) return { kind: 'missing' };
    let replies: readonly Reply[] = [];
    // A call in press-key mode has no code (the key press arrives by webhook); in read-code mode it reads one out.
    const takesCode = challenge.method !== 'voice' || challenge.codeHash !== null;
    if (code !== null && code !== '' && challenge.status === 'pending' && takesCode) {
      const outcome = challenge.method === 'app' ? await verification.submitAppCode(challengeId, code, 'teams') : await verification.apply(challengeId, { type: 'submitCode', code }, 'teams', challenge);
      ({ challenge, replies } = outcome);
    }
    if (challenge.status === 'pending') return { kind: 'pending', replies };
    if (challenge.status !== 'approved') return { kind: 'ended', replies };
    const now = clock.now();
    if (challenge.endedAt === null || now - challenge.endedAt > APPROVAL_FRESH_MS) return { kind: 'missing' };
    const user = await this.deps.stores.users.get(userId);
    const verified = user ? verifiedMethod(user, challenge) : null;
    if (!user || !verified) return { kind: 'missing' };
    const spent = await this.deps.stores.rateLimits.take(SPENT_SCOPE, challenge.id, 1, SPENT_WINDOW_MS, now);
    if (!spent.allowed) return { kind: 'missing' };
    return { kind: 'link', replies, link: await this.deps.links.issue({ via: 'teams', user, purpose, verified }) };
  }
}

/** Which of the person's methods the approved check went to, and how it was answered. */
function verifiedMethod(user: User, challenge: Challenge): { methodId: string; how: 'text' | 'call' | 'code' } | null {
  if (challenge.method === 'app') {
    const app = user.methods.find((m) => m.kind === 'authenticatorApp' && m.id === challenge.target);
    return app ? { methodId: app.id, how: 'code' } : null;
  }
  if (challenge.method !== 'sms' && challenge.method !== 'voice') return null;
  const phone = user.methods.find((m) => 'number' in m && m.number === challenge.target);
  return phone ? { methodId: phone.id, how: challenge.method === 'sms' ? 'text' : 'call' } : null;
}
