// Checking the code a relying system passes on: a texted code approves, a wrong one counts an attempt, a passcode
// is used once, and another client's challenge is as good as absent.
import { CheckSignInCode } from '../../src/app/checkSignInCode';
import { ReadSignIn } from '../../src/app/readSignIn';
import { RequestSignIn } from '../../src/app/requestSignIn';
import type { Challenge } from '../../src/domain/challenge';
import { issueTemporaryAccessPass } from '../../src/helpdesk/temporaryAccessPass';
import { seededRandom } from '../../src/security/random';
import { PROFILE, T0, TEST_KEY } from '../support/coreHarness';
import { lastTextedCode, OTHER_CLIENT, PORTAL, signInWorld, type SignInWorld } from './signInFixture';

const checker = (w: SignInWorld) =>
  new CheckSignInCode({ verification: w.core.verification, readSignIn: new ReadSignIn(w.core.verification), verificationStores: w.verificationStores, clock: w.clock, passKey: TEST_KEY });

async function started(w: SignInWorld, method?: 'tap'): Promise<Challenge> {
  const result = await new RequestSignIn({ ...w, verification: w.core.verification }).start(PORTAL, {
    user: PROFILE.upn,
    ...(method ? { method } : {}),
    context: { ip: null, application: 'Portal', location: null },
  });
  if (result.kind !== 'started') throw new Error(`not started: ${result.kind}`);
  return result.challenge;
}

describe('CheckSignInCode', () => {
  it('when the texted code is passed on, then the challenge is approved', async () => {
    const w = await signInWorld();
    const challenge = await started(w);
    const outcome = await checker(w).check(PORTAL, challenge.id, lastTextedCode(w.outbox));
    expect(outcome?.challenge.status).toBe('approved');
  });

  it('when a wrong code is passed on, then it stays pending with one attempt fewer', async () => {
    const w = await signInWorld();
    const challenge = await started(w);
    const wrong = lastTextedCode(w.outbox) === '000000' ? '111111' : '000000';
    const outcome = await checker(w).check(PORTAL, challenge.id, wrong);
    expect(outcome?.challenge).toMatchObject({ status: 'pending', attempts: 1 });
    expect(outcome?.replies.map((r) => r.key)).toContain('verification.code.wrong');
  });

  it("when another client passes on a code for the challenge, then it is not found and nothing changes", async () => {
    const w = await signInWorld();
    const challenge = await started(w);
    expect(await checker(w).check(OTHER_CLIENT, challenge.id, lastTextedCode(w.outbox))).toBeNull();
    expect((await w.stores.challenges.get(challenge.id))?.status).toBe('pending');
  });

  it('when a one-time passcode is passed on twice, then the first approves and the second cannot be used again', async () => {
    const w = await signInWorld([]);
    const issued = issueTemporaryAccessPass({ userId: PROFILE.id, issuedBy: 'agent' }, T0, seededRandom('pass'), TEST_KEY);
    if (!issued.ok) throw new Error('no pass');
    await w.verificationStores.passes.put(issued.pass);
    const first = await started(w, 'tap');
    expect((await checker(w).check(PORTAL, first.id, issued.passcode))?.challenge.status).toBe('approved');
    expect((await w.verificationStores.passes.getForUser(PROFILE.id))?.usedAt).toBe(T0);
  });

  it('when a wrong passcode is passed on, then the pass stays unused', async () => {
    const w = await signInWorld([]);
    const issued = issueTemporaryAccessPass({ userId: PROFILE.id, issuedBy: 'agent' }, T0, seededRandom('pass'), TEST_KEY);
    if (!issued.ok) throw new Error('no pass');
    await w.verificationStores.passes.put(issued.pass);
    const challenge = await started(w, 'tap');
    expect((await checker(w).check(PORTAL, challenge.id, 'WRONGWRONG'))?.challenge.status).not.toBe('approved');
    expect((await w.verificationStores.passes.getForUser(PROFILE.id))?.usedAt).toBeNull();
  });
});
