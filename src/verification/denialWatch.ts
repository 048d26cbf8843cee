// Tells the help desk when a person says "this wasn't me" to too many sign-in requests in a short time (push
// fatigue / MFA bombing): once, at the denial that reaches the limit, not on every refused request after it.
import type { HelpDeskNotifier } from '../ports/helpDesk';
import type { ChallengeRepository } from '../ports/repositories';
import type { AbusePolicy } from './abusePolicy';
import type { Challenge } from '../domain/challenge';

const HISTORY = 50;

export class DenialWatch {
  constructor(
    private readonly deps: { readonly challenges: Pick<ChallengeRepository, 'listRecentByUser'>; readonly helpDesk: HelpDeskNotifier; readonly policy: AbusePolicy },
  ) {}

  async onChallengeEnded(challenge: Challenge): Promise<void> {
    if (challenge.status !== 'denied' || challenge.reason !== 'deniedByUser' || challenge.endedAt === null) return;
    const since = challenge.endedAt - this.deps.policy.denialWindowMs;
    const recent = await this.deps.challenges.listRecentByUser(challenge.userId, HISTORY);
    const denials = recent.filter((c) => c.status === 'denied' && c.reason === 'deniedByUser' && (c.endedAt ?? c.createdAt) > since);
    if (denials.length !== this.deps.policy.maxDenials) return;
    await this.deps.helpDesk.report({ userId: challenge.userId, kind: 'verification', refId: challenge.id, reason: 'repeatedDenials', channel: challenge.endedVia ?? 'system' });
  }
}
