// Starting a sign-in verification for a relying system: who is verified and how, what is refused and why, and
// that the pass and the help-desk unlock are read only when they can change the answer.
import { RequestSignIn, type StartRequest } from '../../src/app/requestSignIn';
import { CHALLENGE_RATE_SCOPE } from '../../src/verification/abusePolicy';
import { issueTemporaryAccessPass } from '../../src/helpdesk/temporaryAccessPass';
import { seededRandom } from '../../src/security/random';
import { challenge, MINUTE } from '../support/fixtures';
import { PROFILE, T0, TEST_KEY } from '../support/coreHarness';
import { PORTAL, PHONE, signInWorld, type SignInWorld } from './signInFixture';

const asked = (extra: Partial<StartRequest> = {}): StartRequest => ({ user: PROFILE.upn, context: { ip: null, application: 'Portal', location: null }, ...extra });
const requestSignIn = (w: SignInWorld) => new RequestSignIn({ ...w, verification: w.core.verification });

describe('RequestSignIn', () => {
  it('when the person has a mobile phone, then a text challenge starts without reading the pass or the unlock', async () => {
    const w = await signInWorld();
    const result = await requestSignIn(w).start(PORTAL, asked());
    expect(result.kind).toBe('started');
    expect(result.kind === 'started' && result.challenge).toMatchObject({ method: 'sms', target: PHONE, clientId: PORTAL.id, status: 'pending' });
    expect(w.outbox.last()).toMatchObject({ type: 'sms', to: PHONE });
    expect(w.reads).toEqual([]);
  });

  it('when the person is unknown, then nothing starts', async () => {
    const w = await signInWorld();
    expect(await requestSignIn(w).start(PORTAL, asked({ user: 'nobody@signet-demo.example' }))).toEqual({ kind: 'unknownUser' });
  });

  it('when the person is found by directory id instead of UPN, then the challenge starts', async () => {
    const w = await signInWorld();
    expect((await requestSignIn(w).start(PORTAL, asked({ user: PROFILE.id }))).kind).toBe('started');
  });

  it('when the sign-in comes from a trusted address, then no challenge is needed', async () => {
    const w = await signInWorld();
    const trusted = { ...w, org: { ...w.org, isTrustedAddress: () => true } };
    expect(await new RequestSignIn({ ...trusted, verification: w.core.verification }).start(PORTAL, asked({ context: { ip: '10.0.0.1', application: 'Portal', location: null } }))).toEqual({
      kind: 'notRequired',
      reason: 'trustedNetwork',
    });
  });

  it('when the person has no MFA method and no pass, then they are not enrolled (the pass was looked at)', async () => {
    const w = await signInWorld([]);
    expect(await requestSignIn(w).start(PORTAL, asked())).toEqual({ kind: 'notEnrolled' });
    expect(w.reads).toEqual(['passes.getForUser']);
  });

  it('when the person has no MFA method but a usable pass, then a passcode challenge starts', async () => {
    const w = await signInWorld([]);
    const issued = issueTemporaryAccessPass({ userId: PROFILE.id, issuedBy: 'agent' }, T0, seededRandom('pass'), TEST_KEY);
    if (!issued.ok) throw new Error('no pass');
    await w.verificationStores.passes.put(issued.pass);
    const result = await requestSignIn(w).start(PORTAL, asked());
    expect(result.kind === 'started' && result.challenge.method).toBe('tap');
  });

  it('when a passcode is asked for and the person has none, then the method is unavailable', async () => {
    const w = await signInWorld();
    expect(await requestSignIn(w).start(PORTAL, asked({ method: 'tap' }))).toEqual({ kind: 'methodUnavailable', method: 'tap' });
    expect(w.reads).toEqual(['passes.getForUser']);
  });

  it('when a call is asked for a person with only a mobile phone, then the mobile is called; the app is unavailable', async () => {
    const w = await signInWorld();
    const call = await requestSignIn(w).start(PORTAL, asked({ method: 'voice' }));
    expect(call.kind === 'started' && call.challenge).toMatchObject({ method: 'voice', target: PHONE });
    expect(await requestSignIn(w).start(PORTAL, asked({ method: 'app' }))).toEqual({ kind: 'methodUnavailable', method: 'app' });
  });

  it('when the person failed too often, then they are locked out, and a help-desk unlock after it lets them start again', async () => {
    const w = await signInWorld();
    for (let i = 0; i < w.abuse.maxConsecutiveFailures; i++) {
      await w.stores.challenges.create(challenge({ userId: PROFILE.id, status: 'failed', reason: 'tooManyAttempts', createdAt: T0 - 10 * MINUTE + i, endedAt: T0 - MINUTE }));
    }
    const locked = await requestSignIn(w).start(PORTAL, asked());
    expect(locked).toEqual({ kind: 'refused', reason: 'lockedAfterFailures', until: T0 - MINUTE + w.abuse.failureLockMs });
    expect(w.reads).toEqual(['unlocks.lastUnlock']);
    await w.verificationStores.unlocks.unlock(PROFILE.id, 'agent', T0);
    w.clock.advance(1);
    expect((await requestSignIn(w).start(PORTAL, asked())).kind).toBe('started');
  });

  it('when the person denied several recent requests, then further challenges are refused', async () => {
    const w = await signInWorld();
    for (let i = 0; i < w.abuse.maxDenials; i++) {
      await w.stores.challenges.create(challenge({ userId: PROFILE.id, status: 'denied', reason: 'deniedByUser', createdAt: T0 - 5 * MINUTE + i, endedAt: T0 - MINUTE }));
    }
    expect(await requestSignIn(w).start(PORTAL, asked())).toMatchObject({ kind: 'refused', reason: 'tooManyDenials' });
  });

  it('when the per-person allowance is used up, then the start is refused as rate limited and nothing is sent', async () => {
    const w = await signInWorld();
    for (let i = 0; i < w.abuse.maxChallengesPerWindow; i++) await w.stores.rateLimits.take(CHALLENGE_RATE_SCOPE, PROFILE.id, w.abuse.maxChallengesPerWindow, w.abuse.rateWindowMs, T0);
    const result = await requestSignIn(w).start(PORTAL, asked());
    expect(result).toMatchObject({ kind: 'refused', reason: 'rateLimited' });
    expect(w.outbox.last()).toBeUndefined();
  });
});
