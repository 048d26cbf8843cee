// The abuse rules for new sign-in challenges: lock after consecutive failures, refuse after repeated denials
// (push fatigue), and a help-desk unlock forgives the history before it.
import { abusePolicyFrom, decideNewChallenge, DEFAULT_ABUSE_POLICY } from '../../src/verification/abusePolicy';
import type { Challenge, ChallengeStatus, ChallengeEndReason } from '../../src/domain/challenge';
import { T0, testOrg } from '../support/coreHarness';

const MIN = 60_000;
let n = 0;
function ch(status: ChallengeStatus, minutesAgo: number, reason: ChallengeEndReason | null = null): Challenge {
  const at = T0 - minutesAgo * MIN;
  return {
    id: `c${n++}`, userId: 'u', clientId: 'portal', method: 'sms', target: '+14255550123', extension: null, status, reason,
    codeHash: null, sealedCode: null, numberToMatch: null, numberChoices: null, attempts: 0,
    context: { ip: null, application: 'Portal', location: null }, locale: 'en-US', deliveryRef: null,
    createdAt: at, expiresAt: at + 10 * MIN, endedAt: status === 'pending' ? null : at + MIN, endedVia: null, version: 1,
  };
}
const newestFirst = (list: Challenge[]) => [...list].sort((a, b) => b.createdAt - a.createdAt);

describe('abuse policy', () => {
  it('when there is no history, then a challenge is allowed', () => {
    expect(decideNewChallenge([], T0, DEFAULT_ABUSE_POLICY)).toEqual({ allowed: true });
  });

  it('when the last ten ended challenges failed, then verifications are locked for the configured time', () => {
    const history = newestFirst(Array.from({ length: 10 }, (_, i) => ch('failed', 20 + i * 2, 'tooManyAttempts')));
    const until = T0 - 20 * MIN + MIN + 30 * MIN;
    expect(decideNewChallenge(history, T0, DEFAULT_ABUSE_POLICY)).toEqual({ allowed: false, reason: 'lockedAfterFailures', until });
    expect(decideNewChallenge(history.slice(0, 9), T0, DEFAULT_ABUSE_POLICY)).toEqual({ allowed: true });
    expect(decideNewChallenge(history, until, DEFAULT_ABUSE_POLICY)).toEqual({ allowed: true });
  });

  it('when a success breaks the run of failures, then it is not locked', () => {
    const history = newestFirst([...Array.from({ length: 9 }, (_, i) => ch('failed', 10 + i, 'tooManyAttempts')), ch('approved', 20, 'codeAccepted'), ch('failed', 30)]);
    expect(decideNewChallenge(history, T0, DEFAULT_ABUSE_POLICY)).toEqual({ allowed: true });
  });

  it('when the person denied three prompts within the hour, then new challenges are refused', () => {
    const history = newestFirst([ch('denied', 5, 'deniedByUser'), ch('denied', 20, 'deniedByUser'), ch('denied', 50, 'deniedByUser')]);
    expect(decideNewChallenge(history, T0, DEFAULT_ABUSE_POLICY)).toMatchObject({ allowed: false, reason: 'tooManyDenials' });
    expect(decideNewChallenge(history.slice(0, 2), T0, DEFAULT_ABUSE_POLICY)).toEqual({ allowed: true });
  });

  it('when denials were for a wrong number, then they do not count as "this wasn\'t me"', () => {
    const history = newestFirst([ch('denied', 5, 'wrongNumberChosen'), ch('denied', 6, 'wrongNumberChosen'), ch('denied', 7, 'wrongNumberChosen')]);
    expect(decideNewChallenge(history, T0, DEFAULT_ABUSE_POLICY)).toEqual({ allowed: true });
  });

  it('when ten challenges started within fifteen minutes, then the history alone does not refuse (the store takes that limit exactly)', () => {
    const history = newestFirst(Array.from({ length: 10 }, (_, i) => ch('approved', i, 'codeAccepted')));
    expect(decideNewChallenge(history, T0, DEFAULT_ABUSE_POLICY)).toEqual({ allowed: true });
  });

  it('when the help desk unlocked the person, then earlier failures and denials are forgiven', () => {
    const history = newestFirst(Array.from({ length: 10 }, (_, i) => ch('denied', 10 + i, 'deniedByUser')));
    expect(decideNewChallenge(history, T0, DEFAULT_ABUSE_POLICY).allowed).toBe(false);
    expect(decideNewChallenge(history, T0, DEFAULT_ABUSE_POLICY, T0 - MIN)).toEqual({ allowed: true });
  });
});

describe('abuse policy from the organisation file', () => {
  it('when the defaults are read, then they equal the documented defaults', () => {
    expect(abusePolicyFrom(testOrg().verification)).toEqual(DEFAULT_ABUSE_POLICY);
  });
});
