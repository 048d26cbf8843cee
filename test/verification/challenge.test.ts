// The sign-in challenge machine and service: every outcome, one end only, late answers ignored, expiry, lockout
// of a challenge after the maximum wrong codes, TOTP replay across challenges, and races.
import { createChallenge, transitionChallenge, type ChallengeContext, type NewChallenge } from '../../src/verification/challengeMachine';
import { VerificationService } from '../../src/verification/verificationService';
import type { Challenge, ChallengeEvent } from '../../src/domain/challenge';
import { createSecretOps, codePolicyFrom } from '../../src/enrollment/enrollmentPolicy';
import { EffectRunner } from '../../src/serviceKit/effectRunner';
import { createMemoryStores } from '../../src/stores/memoryStores';
import { NotificationOutbox, Outbox } from '../../src/telephony/outboxes';
import { seededRandom } from '../../src/security/random';
import { FixedClock } from '../../src/ports/clock';
import { generateTotp, generateTotpSecret } from '../../src/security/totp';
import { keyRenderer, keys, PROFILE, T0, TEST_KEY, testOrg } from '../support/coreHarness';
import type { Effect } from '../../src/domain/effects';

const random = seededRandom('challenge');
const secrets = createSecretOps(TEST_KEY, random);
const ctx = (now = T0, voiceMode: 'pressKey' | 'readCode' = 'pressKey'): ChallengeContext => ({
  now,
  random,
  secrets,
  codes: codePolicyFrom(testOrg()),
  organisationName: 'Signet Demo School',
  voiceMode,
});
const input = (method: NewChallenge['method'], target: string | null = '+14255550123'): NewChallenge => ({
  userId: 'aad-1',
  clientId: 'portal',
  method,
  target,
  extension: null,
  context: { ip: '203.0.113.5', application: 'Staff portal', location: 'Leeds' },
  locale: 'en-GB',
});

function codeOf(effects: readonly Effect[]): string {
  const sms = effects.find((e) => e.type === 'sendSms');
  if (sms?.type !== 'sendSms') throw new Error('no text');
  return String(sms.message.params?.['code']);
}

function apply(c: Challenge, events: ChallengeEvent[], now = T0) {
  let state = c;
  let last = { state, replies: [] as readonly { key: string }[], effects: [] as readonly Effect[] };
  for (const e of events) {
    last = transitionChallenge(state, e, 'api', ctx(now));
    state = last.state;
  }
  return last;
}

describe('challenge machine', () => {
  it('when an SMS challenge is created, then a code is texted and only its hash is kept', () => {
    const { state, effects } = createChallenge(input('sms'), ctx());
    expect(state).toMatchObject({ status: 'pending', method: 'sms', attempts: 0, expiresAt: T0 + 10 * 60_000, version: 1 });
    const code = codeOf(effects);
    expect(JSON.stringify(state)).not.toContain(code);
    expect(effects[0]).toMatchObject({ type: 'sendSms', to: '+14255550123', locale: 'en-GB', message: { key: 'sms.signInCode' } });
    expect(apply(state, [{ type: 'submitCode', code }]).state).toMatchObject({ status: 'approved', reason: 'codeAccepted', endedAt: T0 });
  });

  it('when wrong codes reach the maximum, then the challenge fails and the right code is refused after', () => {
    const { state, effects } = createChallenge(input('sms'), ctx());
    const code = codeOf(effects);
    const wrong = { type: 'submitCode', code: code === '000000' ? '111111' : '000000' } as const;
    const four = apply(state, [wrong, wrong, wrong, wrong]);
    expect(four.replies).toEqual([{ key: 'verification.code.wrong', params: { attemptsLeft: 1 } }]);
    const fifth = apply(four.state, [wrong]);
    expect(fifth.state).toMatchObject({ status: 'failed', reason: 'tooManyAttempts' });
    expect(keys(apply(fifth.state, [{ type: 'submitCode', code }]).replies)).toEqual(['verification.ended.failed']);
  });

  it.each([
    ['#', 'approved', 'callConfirmed'],
    ['0', 'denied', 'deniedByUser'],
  ] as const)('when %p is pressed on a sign-in call, then it is %s (%s)', (key, status, reason) => {
    const { state, effects } = createChallenge(input('voice'), ctx());
    expect(effects[0]).toMatchObject({ type: 'placeCall', mode: 'pressKey', purpose: { kind: 'verification' } });
    const result = apply(state, [{ type: 'callKeyPressed', key: '5' }, { type: 'callKeyPressed', key }]);
    expect(result.state).toMatchObject({ status, reason });
    expect(result.effects).toContainEqual(expect.objectContaining({ type: 'audit', entry: expect.objectContaining({ action: `verification:${status}` }) }));
  });

  it('when the Teams card offers three numbers, then only the matching one approves', () => {
    const { state, effects } = createChallenge(input('teams', null), ctx());
    expect(state.numberChoices).toHaveLength(3);
    expect(new Set(state.numberChoices).size).toBe(3);
    expect(state.numberChoices).toContain(state.numberToMatch);
    expect(effects[0]).toMatchObject({ type: 'notifyUser', channel: 'teams', message: { key: 'verification.teams.request' } });
    const wrongNumber = state.numberChoices!.find((n) => n !== state.numberToMatch)!;
    expect(apply(state, [{ type: 'cardAnswered', answer: { kind: 'number', value: wrongNumber } }]).state).toMatchObject({ status: 'denied', reason: 'wrongNumberChosen' });
    expect(apply(state, [{ type: 'cardAnswered', answer: { kind: 'number', value: state.numberToMatch! } }]).state).toMatchObject({ status: 'approved', reason: 'cardApproved' });
    expect(apply(state, [{ type: 'cardAnswered', answer: { kind: 'deny' } }]).state).toMatchObject({ status: 'denied', reason: 'deniedByUser' });
  });

  it('when an answer comes after the end, then nothing changes', () => {
    const { state } = createChallenge(input('voice'), ctx());
    const denied = apply(state, [{ type: 'callKeyPressed', key: '0' }]).state;
    const late = transitionChallenge(denied, { type: 'callKeyPressed', key: '#' }, 'voice', ctx());
    expect(late.state).toBe(denied);
    expect(late.effects).toEqual([]);
    expect(keys(late.replies)).toEqual(['verification.ended.denied']);
  });

  it('when the lifetime has passed, then any answer finds the challenge expired', () => {
    const { state, effects } = createChallenge(input('sms'), ctx());
    const late = transitionChallenge(state, { type: 'submitCode', code: codeOf(effects) }, 'api', ctx(T0 + 10 * 60_000));
    expect(late.state).toMatchObject({ status: 'expired', reason: 'expired' });
  });

  it('when delivery fails, then the challenge fails with the delivery reason', () => {
    const { state } = createChallenge(input('voice'), ctx());
    expect(apply(state, [{ type: 'deliveryFailed', reason: 'voicemail' }]).state).toMatchObject({ status: 'failed', reason: 'voicemail' });
  });

  it('when the call reads a code, then the code is sealed for it and typing it approves', () => {
    const { state } = createChallenge(input('voice'), ctx(T0, 'readCode'));
    const code = secrets.open(state.sealedCode!, `code:${state.id}`);
    expect(transitionChallenge(state, { type: 'submitCode', code }, 'api', ctx(T0, 'readCode')).state.status).toBe('approved');
  });
});

describe('verification service', () => {
  function setup() {
    const stores = createMemoryStores();
    const clock = new FixedClock(T0);
    const outbox = new Outbox();
    const effects = new EffectRunner({ telephony: outbox, mailer: outbox, notifier: new NotificationOutbox(), audit: stores.audit, render: keyRenderer, clock });
    const service = new VerificationService({
      stores,
      clock,
      random,
      secrets,
      codes: codePolicyFrom(testOrg()),
      organisationName: 'Signet Demo School',
      voiceMode: 'pressKey',
      effects,
    });
    return { stores, clock, outbox, service };
  }

  it('when a new challenge starts, then the pending one is cancelled as superseded', async () => {
    const { service } = setup();
    const first = await service.start(input('sms'), 'api');
    expect(first.status).toBe('pending');
    const second = await service.start(input('sms'), 'api');
    expect((await service.get(first.id))).toMatchObject({ status: 'cancelled', reason: 'superseded' });
    expect((await service.get(second.id))?.status).toBe('pending');
  });

  it('when read after its lifetime, then the challenge reports expired and an audit entry is written', async () => {
    const { service, clock, stores } = setup();
    const c = await service.start(input('voice'), 'api');
    clock.advance(10 * 60_000);
    expect(await service.get(c.id)).toMatchObject({ status: 'expired' });
    expect((await stores.audit.listForUser('aad-1', 5)).map((e) => e.action)).toContain('verification:expired');
  });

  it('when approve and deny race, then exactly one outcome is stored', async () => {
    const { service } = setup();
    const c = await service.start(input('teams', null), 'api');
    const [a, b] = await Promise.all([
      service.apply(c.id, { type: 'cardAnswered', answer: { kind: 'number', value: c.numberToMatch! } }, 'teams'),
      service.apply(c.id, { type: 'cardAnswered', answer: { kind: 'deny' } }, 'teams'),
    ]);
    const final = await service.get(c.id);
    expect(['approved', 'denied']).toContain(final!.status);
    const ended = [a, b].filter((o) => o.replies.some((r) => r.key.startsWith('verification.ended.')));
    expect(ended).toHaveLength(1);
  });

  it('when the same authenticator code is used for two challenges, then the second is refused as a replay', async () => {
    const { service, stores } = setup();
    const secret = generateTotpSecret(random);
    await stores.users.create(PROFILE, T0);
    const user = (await stores.users.get(PROFILE.id))!;
    await stores.users.replace({
      ...user,
      methods: [{ kind: 'authenticatorApp', id: 'app1', createdAt: T0, secret: secrets.seal(secret, 'totp:app1'), lastUsedTimeStep: null }],
      defaultMethodId: 'app1',
    });
    const code = generateTotp(secret, T0);
    const first = await service.start({ ...input('app', 'app1'), userId: PROFILE.id }, 'api');
    expect((await service.submitAppCode(first.id, code, 'api')).challenge.status).toBe('approved');
    const second = await service.start({ ...input('app', 'app1'), userId: PROFILE.id }, 'api');
    const outcome = await service.submitAppCode(second.id, code, 'api');
    expect(outcome.challenge).toMatchObject({ status: 'pending', attempts: 1 });
    expect(keys(outcome.replies)).toEqual(['verification.code.wrong']);
  });
});
