// Answering a Teams sign-in approval card, without the bot: a button names its challenge, a typed number or "deny"
// answers the person's pending Teams challenge; someone else's challenge is unknown, and a typed number the card
// does not offer (or with nothing pending) is no answer at all.
import { AnswerSignInCard } from '../../src/app/answerSignInCard';
import type { Challenge } from '../../src/domain/challenge';
import { codePolicyFrom, createSecretOps } from '../../src/enrollment/enrollmentPolicy';
import { EffectRunner } from '../../src/serviceKit/effectRunner';
import type { ChallengeRepository } from '../../src/ports/repositories';
import { seededRandom } from '../../src/security/random';
import { VerificationService } from '../../src/verification/verificationService';
import { createCoreHarness, keyRenderer, TEST_KEY, testOrg, type CoreHarness } from '../support/coreHarness';

interface Setup {
  readonly core: CoreHarness;
  readonly verification: VerificationService;
  readonly signIns: AnswerSignInCard;
  /** Challenge reads made through the use case's repository. */
  readonly reads: string[];
}

function setup(): Setup {
  const core = createCoreHarness();
  const org = testOrg();
  const random = seededRandom('sign-in-card');
  const effects = new EffectRunner({ telephony: core.outbox, mailer: core.outbox, notifier: core.notifications, audit: core.stores.audit, render: keyRenderer, clock: core.clock });
  const verification = new VerificationService({
    stores: core.stores,
    clock: core.clock,
    random,
    codes: codePolicyFrom(org),
    secrets: createSecretOps(TEST_KEY, random),
    organisationName: org.organisation.name,
    voiceMode: org.voice.enrollmentMode,
    effects,
  });
  const reads: string[] = [];
  const challenges: Pick<ChallengeRepository, 'get' | 'findPendingByUser'> = {
    get: (id) => (reads.push('get'), core.stores.challenges.get(id)),
    findPendingByUser: (userId, now) => (reads.push('findPendingByUser'), core.stores.challenges.findPendingByUser(userId, now)),
  };
  return { core, verification, signIns: new AnswerSignInCard({ challenges, verification, clock: core.clock }), reads };
}

async function teamsChallenge(s: Setup, userId: string): Promise<Challenge> {
  return s.verification.start({ userId, clientId: null, method: 'teams', target: null, extension: null, context: { ip: '203.0.113.9', application: 'Staff portal', location: null }, locale: 'en-US' }, 'api');
}

const statusOf = async (s: Setup, id: string): Promise<string | undefined> => (await s.core.stores.challenges.get(id))?.status;

describe('AnswerSignInCard', () => {
  it('when the person presses the matching number on their card, then the challenge is approved', async () => {
    const s = setup();
    const challenge = await teamsChallenge(s, 'u1');
    const replies = await s.signIns.answer('u1', { challengeId: challenge.id, answer: { kind: 'number', value: challenge.numberToMatch! } });
    expect(replies?.map((r) => r.key)).toEqual(['verification.approved']);
    expect(await statusOf(s, challenge.id)).toBe('approved');
  });

  it("when someone presses a button on another person's card, then they are told it is unknown and the challenge stays pending", async () => {
    const s = setup();
    const challenge = await teamsChallenge(s, 'u1');
    const replies = await s.signIns.answer('intruder', { challengeId: challenge.id, answer: { kind: 'number', value: challenge.numberToMatch! } });
    expect(replies?.map((r) => r.key)).toEqual(['teams.signIn.unknown']);
    expect(await statusOf(s, challenge.id)).toBe('pending');
  });

  it('when a button names a challenge that does not exist, then the person is told it is unknown', async () => {
    const s = setup();
    expect((await s.signIns.answer('u1', { challengeId: 'no-such-challenge', answer: { kind: 'deny' } }))?.map((r) => r.key)).toEqual(['teams.signIn.unknown']);
  });

  it('when the person types "deny" while their card waits, then the challenge is denied after one read of their pending challenges', async () => {
    const s = setup();
    const challenge = await teamsChallenge(s, 'u1');
    const replies = await s.signIns.answer('u1', { typed: { kind: 'deny' } });
    expect(replies?.map((r) => r.key)).toEqual(['verification.denied']);
    expect(await statusOf(s, challenge.id)).toBe('denied');
    expect(s.reads).toEqual(['findPendingByUser']);
  });

  it('when the person types the matching number, then the challenge is approved', async () => {
    const s = setup();
    const challenge = await teamsChallenge(s, 'u1');
    await s.signIns.answer('u1', { typed: { kind: 'number', value: challenge.numberToMatch! } });
    expect(await statusOf(s, challenge.id)).toBe('approved');
  });

  it('when the person types a number their card does not offer, then it is no answer and the challenge stays pending', async () => {
    const s = setup();
    const challenge = await teamsChallenge(s, 'u1');
    const notOffered = [...Array(100).keys()].find((n) => !challenge.numberChoices!.includes(n))!;
    expect(await s.signIns.answer('u1', { typed: { kind: 'number', value: notOffered } })).toBeNull();
    expect(await statusOf(s, challenge.id)).toBe('pending');
  });

  it('when the person types a number with no card waiting, then it is no answer', async () => {
    const s = setup();
    expect(await s.signIns.answer('u1', { typed: { kind: 'number', value: 42 } })).toBeNull();
    // Another person's pending card is not theirs to answer by typing either.
    const challenge = await teamsChallenge(s, 'u2');
    expect(await s.signIns.answer('u1', { typed: { kind: 'deny' } })).toBeNull();
    expect(await statusOf(s, challenge.id)).toBe('pending');
  });
});
