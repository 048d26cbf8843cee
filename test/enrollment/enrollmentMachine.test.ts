// Table-driven tests of the pure enrollment machine: every step, every way out, expiry, lockout and purity.
import { transitionEnrollment, type EnrollmentContext } from '../../src/enrollment/enrollmentMachine';
import type { EnrollmentEvent, EnrollmentStep } from '../../src/enrollment/enrollmentTypes';
import type { Effect } from '../../src/domain/effects';
import type { User } from '../../src/domain/user';
import { createSecretOps } from '../../src/enrollment/enrollmentPolicy';
import { generateTotp } from '../../src/security/totp';
import { seededRandom } from '../../src/security/random';
import { keys, machineContext, newUser, T0, TEST_KEY, testPolicy } from '../support/coreHarness';

type Step<N extends EnrollmentStep['name']> = Extract<EnrollmentStep, { name: N }>;

/** Runs events in order through the machine, advancing time as asked; returns every intermediate result. */
function run(user: User, events: readonly (EnrollmentEvent | { advance: number })[], ctx: EnrollmentContext = machineContext()) {
  let state = user;
  let now = ctx.now;
  const results = [];
  for (const e of events) {
    if ('advance' in e) {
      now += e.advance;
      continue;
    }
    const result = transitionEnrollment(state, e, { ...ctx, now });
    results.push(result);
    state = result.state;
  }
  return { state, results, last: results[results.length - 1]! };
}

function stepOf(user: User): EnrollmentStep {
  if (!user.enrollment) throw new Error('no enrollment');
  return user.enrollment.step;
}

function codeFrom(effects: readonly Effect[]): string {
  for (const e of effects) {
    if (e.type === 'sendSms') return String(e.message.params?.['code']);
    if (e.type === 'sendEmail') return String(e.body.params?.['code']);
  }
  throw new Error('no code sent');
}

const START: EnrollmentEvent = { type: 'start', purpose: 'register' };
const MOBILE: EnrollmentEvent = { type: 'chooseMethod', kind: 'mobilePhone' };
const SMS_TO = (number: string): EnrollmentEvent => ({ type: 'submitPhone', number, delivery: 'sms' });
const GOOD_MOBILE = '+1 425 555 0123';

describe('enrollment machine: starting and choosing', () => {
  it('when a person starts, then they are asked for method 1 of the required number', () => {
    const { state, last } = run(newUser(), [START]);
    expect(stepOf(state)).toEqual({ name: 'choosingMethod' });
    expect(last.replies).toEqual([{ key: 'enrollment.chooseMethod', params: { position: 1, required: 2 } }]);
    expect(state.enrollment?.channel).toBe('teams');
  });

  it.each([
    ['email', 'enrollment.cannotChoose.mustStartWithAppOrPhone'],
    ['securityQuestions', 'enrollment.cannotChoose.mustStartWithAppOrPhone'],
  ] as const)('when the first method chosen is %s, then it is refused', (kind, key) => {
    const { state, last } = run(newUser(), [START, { type: 'chooseMethod', kind }]);
    expect(stepOf(state).name).toBe('choosingMethod');
    expect(keys(last.replies)).toEqual([key, 'enrollment.chooseMethod']);
    expect(last.replies[0]!.params).toEqual({ methodKey: `methods.${kind}` });
  });

  it.each([
    ['authenticatorApp', 'scanningApp'],
    ['mobilePhone', 'enteringPhone'],
    ['alternatePhone', 'enteringPhone'],
    ['officePhone', 'enteringPhone'],
  ] as const)('when the first method chosen is %s, then the step is %s', (kind, stepName) => {
    const { state } = run(newUser(), [START, { type: 'chooseMethod', kind }]);
    expect(stepOf(state).name).toBe(stepName);
  });

  it('when a person already has a mobile phone, then email is allowed and another mobile phone is refused', () => {
    const user = newUser({ methods: [{ kind: 'mobilePhone', id: 'm1', number: '+14255550123', createdAt: T0 }], defaultMethodId: 'm1' });
    expect(stepOf(run(user, [START, { type: 'chooseMethod', kind: 'email' }]).state).name).toBe('enteringEmail');
    const refused = run(user, [START, MOBILE]);
    expect(keys(refused.last.replies)[0]).toBe('enrollment.cannotChoose.alreadyRegistered');
  });

  it('when the organisation does not offer a method, then choosing it is refused', () => {
    const ctx = machineContext({ policy: testPolicy({ methods: { offered: ['authenticatorApp', 'mobilePhone'], firstMethodKinds: ['authenticatorApp', 'mobilePhone'] } }) });
    const { last } = run(newUser(), [START, { type: 'chooseMethod', kind: 'officePhone' }], ctx);
    expect(keys(last.replies)[0]).toBe('enrollment.cannotChoose.notOffered');
  });

  it('when the security key is chosen first, then it is refused, because the first method must be the app or a phone', () => {
    const { last } = run(newUser(), [START, { type: 'chooseMethod', kind: 'securityKey' }]);
    expect(keys(last.replies)[0]).toBe('enrollment.cannotChoose.mustStartWithAppOrPhone');
  });

  it('when the security key is chosen, then the person is told it is registered on the web and nothing is pretended', () => {
    const user = newUser({ methods: [{ kind: 'mobilePhone', id: 'm1', number: '+14255550123', createdAt: T0 }], defaultMethodId: 'm1' });
    const { state, last } = run(user, [START, { type: 'chooseMethod', kind: 'securityKey' }, { type: 'submitCode', code: '123456' }]);
    expect(keys(last.replies)).toEqual(['enrollment.securityKey.onWeb']);
    expect(state.methods).toHaveLength(1);
  });

  it('when start names a kind, then that method is chosen at once', () => {
    const { state } = run(newUser(), [{ type: 'start', purpose: 'add', kind: 'mobilePhone' }]);
    expect(stepOf(state)).toEqual({ name: 'enteringPhone', kind: 'mobilePhone' });
  });

  it('when an event arrives with nothing in progress, then the person is told so and nothing changes', () => {
    const user = newUser();
    const { last } = run(user, [{ type: 'submitCode', code: '123456' }]);
    expect(keys(last.replies)).toEqual(['enrollment.nothingInProgress']);
    expect(last.state).toBe(user);
  });
});

describe('enrollment machine: authenticator app', () => {
  function secretFrom(replies: readonly { key: string; params?: Readonly<Record<string, string | number>> }[]): string {
    const scan = replies.find((r) => r.key === 'enrollment.app.scan');
    return String(scan?.params?.['secret']).replace(/ /g, '');
  }

  it('when the person types the current code from the secret shown, then the app is registered and becomes the default', () => {
    const chosen = run(newUser(), [START, { type: 'chooseMethod', kind: 'authenticatorApp' }]);
    const scan = chosen.last.replies.find((r) => r.key === 'enrollment.app.scan')!;
    expect(String(scan.params?.['uri'])).toMatch(/^otpauth:\/\/totp\/Signet%20Demo%20School:jane\.doe%40signet-demo\.example\?secret=[A-Z2-7]+&issuer=Signet%20Demo%20School$/);
    expect(String(scan.params?.['secret'])).toMatch(/^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$/);
    const secret = secretFrom(chosen.last.replies);
    const { state, last } = run(chosen.state, [{ type: 'submitCode', code: generateTotp(secret, T0) }]);
    expect(stepOf(state).name).toBe('verified');
    expect(state.methods).toHaveLength(1);
    const method = state.methods[0]!;
    expect(method.kind).toBe('authenticatorApp');
    expect(state.defaultMethodId).toBe(method.id);
    expect(keys(last.replies)).toEqual(['enrollment.verified.authenticatorApp', 'enrollment.app.suggestBackupPhone', 'enrollment.progress.more']);
    expect(JSON.stringify(state)).not.toContain(secret);
    expect(last.effects).toContainEqual(expect.objectContaining({ type: 'audit', entry: expect.objectContaining({ action: 'method:added' }) }));
  });

  it('when a wrong code is typed, then the attempts left are said; at the maximum the person is locked out', () => {
    const chosen = run(newUser(), [START, { type: 'chooseMethod', kind: 'authenticatorApp' }]);
    const wrong = { type: 'submitCode', code: '000000' } as const;
    const four = run(chosen.state, [wrong, wrong, wrong, wrong]);
    expect(four.last.replies).toEqual([{ key: 'enrollment.app.wrongCode', params: { attemptsLeft: 1 } }]);
    const fifth = run(four.state, [wrong]);
    expect(stepOf(fifth.state).name).toBe('locked');
    expect(fifth.state.lockedUntil).toBe(T0 + 15 * 60_000);
    expect(keys(fifth.last.replies)).toEqual(['enrollment.locked']);
    // Even the right code is refused while locked.
    const secret = secretFrom(chosen.last.replies);
    const stillLocked = run(fifth.state, [{ type: 'submitCode', code: generateTotp(secret, T0) }]);
    expect(keys(stillLocked.last.replies)).toEqual(['enrollment.locked']);
    // After the lockout the person may try again.
    const later = run(fifth.state, [{ advance: 15 * 60_000 }, { type: 'submitCode', code: generateTotp(secret, T0 + 15 * 60_000) }]);
    expect(stepOf(later.state).name).toBe('verified');
  });

  it('when the input is not six digits, then the format is explained and no attempt is counted', () => {
    const chosen = run(newUser(), [START, { type: 'chooseMethod', kind: 'authenticatorApp' }]);
    const { state, last } = run(chosen.state, [{ type: 'submitCode', code: 'abc' }]);
    expect(last.replies).toEqual([{ key: 'validation.code.format', params: { length: 6 } }]);
    expect((stepOf(state) as Step<'scanningApp'>).attempts).toBe(0);
  });
});

describe('enrollment machine: phone by text', () => {
  it('when a valid mobile number is given, then a code is texted, only its hash is kept, and the right code verifies it', () => {
    const sent = run(newUser(), [START, MOBILE, SMS_TO(GOOD_MOBILE)]);
    const step = stepOf(sent.state) as Step<'codeSent'>;
    expect(step).toMatchObject({ name: 'codeSent', delivery: 'sms', target: { type: 'phone', number: '+14255550123' }, attempts: 0 });
    expect(step.expiresAt).toBe(T0 + 10 * 60_000);
    const code = codeFrom(sent.last.effects);
    expect(code).toMatch(/^\d{6}$/);
    expect(JSON.stringify(sent.state)).not.toContain(code);
    expect(sent.last.effects[0]).toMatchObject({ type: 'sendSms', to: '+14255550123', locale: 'en-US', purpose: { kind: 'enrollment', userId: 'aad-1' } });
    expect(keys(sent.last.replies)).toEqual(['enrollment.phone.codeTexted', 'enrollment.phone.enterCode']);
    expect(sent.last.replies[0]!.params).toEqual({ phone: '+1 425 555 0123', minutes: 10 });

    const done = run(sent.state, [{ type: 'submitCode', code: ` ${code.slice(0, 3)} ${code.slice(3)} ` }]);
    expect(stepOf(done.state).name).toBe('verified');
    expect(done.state.methods[0]).toMatchObject({ kind: 'mobilePhone', number: '+14255550123' });
    expect(keys(done.last.replies)).toEqual(['enrollment.verified.phone', 'enrollment.progress.more']);
  });

  it.each([
    ['', 'validation.phone.empty'],
    ['call me maybe', 'validation.phone.notANumber'],
    ['+1 425', 'validation.phone.tooShort'],
    ['+1 425 555 0123 4567 8901 23', 'validation.phone.tooLong'],
    ['+999 123 456 789', 'validation.phone.invalidCountry'],
    ['+1 123 555 0123', 'validation.phone.invalid'],
    ['+1 202 555 0100', 'validation.phone.blocked'],
  ])('when the number is %p, then the reply is %s and the step stays', (input, key) => {
    const { state, last } = run(newUser(), [START, MOBILE, SMS_TO(input)]);
    expect(keys(last.replies)).toEqual([key]);
    expect(stepOf(state)).toEqual({ name: 'enteringPhone', kind: 'mobilePhone' });
    expect(last.effects).toEqual([]);
  });

  it('when a blocked main line is given, then the configured reason is named', () => {
    const { last } = run(newUser(), [START, MOBILE, SMS_TO('(202) 555-0100')]);
    expect(last.replies[0]).toEqual({ key: 'validation.phone.blocked', params: { reasonKey: 'validation.phone.blockedReason.mainLine' } });
  });

  it('when a landline is given for a text, then it is refused; for a call it is accepted', () => {
    const ctx = machineContext({ policy: testPolicy({ phone: { defaultCountry: 'GB' } }) });
    const text = run(newUser(), [START, MOBILE, SMS_TO('020 7946 0958')], ctx);
    expect(keys(text.last.replies)).toEqual(['validation.phone.notMobile']);
    const call = run(newUser(), [START, MOBILE, { type: 'submitPhone', number: '020 7946 0958', delivery: 'voice' }], ctx);
    expect(stepOf(call.state).name).toBe('codeSent');
  });

  it('when the organisation allows only some countries, then others are refused, naming the country read and those allowed', () => {
    const ctx = machineContext({ policy: testPolicy({ phone: { defaultCountry: 'US', allowedCountries: ['US', 'CA'] } }) });
    const { last } = run(newUser(), [START, MOBILE, SMS_TO('+44 7400 123456')], ctx);
    expect(last.replies).toEqual([{ key: 'validation.phone.countryNotAllowed', params: { detectedRegion: 'GB', allowedRegions: 'US,CA' } }]);
  });

  it('when a wrong code is typed, then attempts count down; at the maximum the enrollment and the person are locked', () => {
    const sent = run(newUser(), [START, MOBILE, SMS_TO(GOOD_MOBILE)]);
    const code = codeFrom(sent.last.effects);
    const wrongCode = code === '111111' ? '222222' : '111111';
    const wrong = { type: 'submitCode', code: wrongCode } as const;
    const one = run(sent.state, [wrong]);
    expect(one.last.replies).toEqual([{ key: 'enrollment.code.wrong', params: { attemptsLeft: 4 } }]);
    const five = run(one.state, [wrong, wrong, wrong, wrong]);
    expect(stepOf(five.state).name).toBe('locked');
    expect(five.state.lockedUntil).toBe(T0 + 15 * 60_000);
    const right = run(five.state, [{ type: 'submitCode', code }]);
    expect(keys(right.last.replies)).toEqual(['enrollment.locked']);
    expect(right.state.methods).toHaveLength(0);
    // A new code can't be requested during the lockout, but can afterwards.
    const after = run(five.state, [{ advance: 15 * 60_000 }, { type: 'resend' }]);
    expect(stepOf(after.state).name).toBe('codeSent');
  });

  it('when the code has expired, then it is refused and a resend sends a new one that works', () => {
    const sent = run(newUser(), [START, MOBILE, SMS_TO(GOOD_MOBILE)]);
    const code = codeFrom(sent.last.effects);
    const late = run(sent.state, [{ advance: 10 * 60_000 }, { type: 'submitCode', code }]);
    expect(keys(late.last.replies)).toEqual(['enrollment.code.expired']);
    expect(stepOf(late.state).name).toBe('expired');
    const again = run(late.state, [{ advance: 10 * 60_000 }, { type: 'resend' }]);
    const fresh = codeFrom(again.last.effects);
    const done = run(again.state, [{ advance: 10 * 60_000 + 1000 }, { type: 'submitCode', code: fresh }]);
    expect(stepOf(done.state).name).toBe('verified');
  });

  it('when a resend comes within the cool-down, then it is refused; afterwards the old code stops working', () => {
    const sent = run(newUser(), [START, MOBILE, SMS_TO(GOOD_MOBILE)]);
    const first = codeFrom(sent.last.effects);
    const early = run(sent.state, [{ advance: 10_000 }, { type: 'resend' }]);
    expect(early.last.replies).toEqual([{ key: 'enrollment.code.resendTooSoon', params: { seconds: 20 } }]);
    const resent = run(sent.state, [{ advance: 30_000 }, { type: 'resend' }]);
    const second = codeFrom(resent.last.effects);
    expect(second).not.toBe(first);
    const old = run(resent.state, [{ advance: 31_000 }, { type: 'submitCode', code: first }]);
    expect(keys(old.last.replies)).toEqual(['enrollment.code.wrong']);
  });

  it('when the person goes back and submits again within the cool-down, then no new code goes out', () => {
    const sent = run(newUser(), [START, MOBILE, SMS_TO(GOOD_MOBILE)]);
    const again = run(sent.state, [{ type: 'back' }, SMS_TO(GOOD_MOBILE)]);
    expect(again.last.replies).toEqual([{ key: 'enrollment.code.resendTooSoon', params: { seconds: 30 } }]);
    expect(again.last.effects).toEqual([]);
    const email = run(newUser({ methods: [{ kind: 'mobilePhone', id: 'm1', number: '+14255550123', createdAt: T0 }], defaultMethodId: 'm1' }), [
      START,
      { type: 'chooseMethod', kind: 'email' },
      { type: 'submitEmail', address: 'jo@example.com' },
      { type: 'back' },
      { type: 'submitEmail', address: 'jo@example.com' },
    ]);
    expect(keys(email.last.replies)).toEqual(['enrollment.code.resendTooSoon']);
    const later = run(sent.state, [{ type: 'back' }, { advance: 30_000 }, SMS_TO(GOOD_MOBILE)]);
    expect(later.last.effects[0]).toMatchObject({ type: 'sendSms' });
  });

  it('when a resend asks for a call instead, then a call is placed to the same number', () => {
    const sent = run(newUser(), [START, MOBILE, SMS_TO(GOOD_MOBILE)]);
    const call = run(sent.state, [{ advance: 30_000 }, { type: 'resend', delivery: 'voice' }]);
    expect(call.last.effects[0]).toMatchObject({ type: 'placeCall', to: '+14255550123', mode: 'pressKey' });
  });
});

describe('enrollment machine: phone by call', () => {
  const CALL: EnrollmentEvent = { type: 'submitPhone', number: GOOD_MOBILE, delivery: 'voice' };

  it('when # is pressed on the call, then the phone is verified and the Teams chat is told', () => {
    const placed = run(newUser(), [START, MOBILE, CALL]);
    expect(stepOf(placed.state)).toMatchObject({ name: 'codeSent', delivery: 'voice', codeHash: null, send: 1 });
    expect(placed.last.effects[0]).toMatchObject({ type: 'placeCall', purpose: { kind: 'enrollment', refId: placed.state.enrollment!.id, send: 1 } });
    const voiceCtx = machineContext({ channel: 'voice' });
    const done = run(placed.state, [{ type: 'callKeyPressed', key: '#', callRef: 'CA1', send: 1 }], voiceCtx);
    expect(stepOf(done.state).name).toBe('verified');
    expect(done.last.effects).toContainEqual({ type: 'notifyUser', userId: 'aad-1', channel: 'teams', message: { key: 'enrollment.verified.phone', params: { phone: '+1 425 555 0123' } } });
  });

  it.each([
    ['1', 'voice.enrollment.pressKeyAgain', 'codeSent'],
    ['*', 'voice.enrollment.pressKeyAgain', 'codeSent'],
    ['0', 'voice.enrollment.denied', 'failed'],
  ])('when %p is pressed, then the caller hears %s and the step is %s', (key, replyKey, stepName) => {
    const placed = run(newUser(), [START, MOBILE, CALL]);
    const pressed = run(placed.state, [{ type: 'callKeyPressed', key, callRef: 'CA1', send: 1 }], machineContext({ channel: 'voice' }));
    expect(keys(pressed.last.replies)).toEqual([replyKey]);
    expect(stepOf(pressed.state).name).toBe(stepName);
    if (key === '0') {
      expect(pressed.last.effects).toContainEqual(expect.objectContaining({ type: 'audit', entry: expect.objectContaining({ action: 'enrollment:deniedByPhone' }) }));
      expect(pressed.last.effects).toContainEqual(expect.objectContaining({ type: 'notifyUser', message: { key: 'enrollment.deniedOnCall' } }));
    }
  });

  it('when a key arrives from an older call (an earlier send number), then it changes nothing', () => {
    const placed = run(newUser(), [START, MOBILE, CALL, { advance: 30_000 }, { type: 'resend' }]);
    expect(stepOf(placed.state)).toMatchObject({ name: 'codeSent', send: 2 });
    expect(placed.last.effects[0]).toMatchObject({ type: 'placeCall', purpose: { send: 2 } });
    const stale = run(placed.state, [{ type: 'callKeyPressed', key: '#', callRef: 'CA1', send: 1 }]);
    expect(stepOf(stale.state).name).toBe('codeSent');
    expect(keys(stale.last.replies)).toEqual(['voice.enrollment.notExpected']);
    expect(stepOf(run(placed.state, [{ type: 'callKeyPressed', key: '#', callRef: 'CA2', send: 2 }]).state).name).toBe('verified');
  });

  it('when going back and calling again, then the send number keeps counting (the enrollment counts its sends)', () => {
    const again = run(newUser(), [START, MOBILE, CALL, { type: 'back' }, { advance: 30_000 }, CALL]);
    expect(stepOf(again.state)).toMatchObject({ name: 'codeSent', send: 2 });
    expect(again.state.enrollment?.sends).toBe(2);
    expect(keys(run(again.state, [{ type: 'callKeyPressed', key: '#', callRef: 'CA1', send: 1 }]).last.replies)).toEqual(['voice.enrollment.notExpected']);
  });

  it('when a key arrives from an address without a send number (given out before sends were numbered), then a numbered step refuses it', () => {
    const placed = run(newUser(), [START, MOBILE, CALL]);
    const legacyUrl = run(placed.state, [{ type: 'callKeyPressed', key: '#', callRef: 'CA1' }]);
    expect(keys(legacyUrl.last.replies)).toEqual(['voice.enrollment.notExpected']);
  });

  it('when a step saved before sends were numbered holds a call id, then keys are matched on that id as before', () => {
    const placed = run(newUser(), [START, MOBILE, CALL]);
    const { send: _send, ...unnumbered } = stepOf(placed.state) as Step<'codeSent'>;
    const { sends: _sends, ...enrollment } = placed.state.enrollment!;
    const legacy: User = { ...placed.state, enrollment: { ...enrollment, step: { ...unnumbered, deliveryRef: 'CA2' } } };
    expect(keys(run(legacy, [{ type: 'callKeyPressed', key: '#', callRef: 'CA1' }]).last.replies)).toEqual(['voice.enrollment.notExpected']);
    expect(stepOf(run(legacy, [{ type: 'callKeyPressed', key: '#', callRef: 'CA2' }]).state).name).toBe('verified');
    const failed = run(legacy, [{ type: 'deliveryFailed', reason: 'noAnswer', deliveryRef: 'CA1' }]);
    expect((stepOf(failed.state) as Step<'codeSent'>).deliveryFailure).toBeNull();
    // Its next send is numbered.
    const resent = run(legacy, [{ advance: 30_000 }, { type: 'resend' }]);
    expect(stepOf(resent.state)).toMatchObject({ name: 'codeSent', send: 1 });
  });

  it('when the organisation reads codes aloud, then the code is sealed for the call and typing it verifies', () => {
    const ctx = machineContext({ policy: testPolicy({ voice: { enrollmentMode: 'readCode' } }) });
    const placed = run(newUser(), [START, MOBILE, CALL], ctx);
    const step = stepOf(placed.state) as Step<'codeSent'>;
    expect(step.sealedCode).not.toBeNull();
    expect(placed.last.effects[0]).toMatchObject({ type: 'placeCall', mode: 'readCode' });
    const code = createSecretOps(TEST_KEY, seededRandom('x')).open(step.sealedCode!, `code:${placed.state.enrollment!.id}`);
    const done = run(placed.state, [{ type: 'submitCode', code }], ctx);
    expect(stepOf(done.state).name).toBe('verified');
  });

  it('when the call is not answered, then the person is told in the channel they started from', () => {
    const placed = run(newUser(), [START, MOBILE, CALL]);
    const failed = run(placed.state, [{ type: 'deliveryFailed', reason: 'noAnswer', deliveryRef: 'CA1', send: 1 }], machineContext({ channel: 'voice' }));
    expect(failed.last.replies).toEqual([]);
    expect(failed.last.effects).toContainEqual(expect.objectContaining({ type: 'notifyUser', channel: 'teams', message: expect.objectContaining({ key: 'delivery.failed.noAnswer' }) }));
    expect((stepOf(failed.state) as Step<'codeSent'>).deliveryFailure).toBe('noAnswer');
  });

  it('when an older call is reported unanswered after a resend, then nothing changes and nobody is told', () => {
    const placed = run(newUser(), [START, MOBILE, CALL, { advance: 30_000 }, { type: 'resend' }]);
    const stale = run(placed.state, [{ type: 'deliveryFailed', reason: 'noAnswer', deliveryRef: 'CA1', send: 1 }], machineContext({ channel: 'voice' }));
    expect(stale.last.effects).toEqual([]);
    expect((stepOf(stale.state) as Step<'codeSent'>).deliveryFailure).toBeNull();
  });

  it('when an office phone asks for a text, then it is called instead, with its extension', () => {
    const { state, last } = run(newUser(), [START, { type: 'chooseMethod', kind: 'officePhone' }, { type: 'submitPhone', number: GOOD_MOBILE, extension: 'ext. 1234', delivery: 'sms' }]);
    expect(last.effects[0]).toMatchObject({ type: 'placeCall', extension: '1234' });
    expect(stepOf(state)).toMatchObject({ kind: 'officePhone', delivery: 'voice', target: { extension: '1234' } });
  });

  it('when an office extension is not digits, then it is refused', () => {
    const { last } = run(newUser(), [START, { type: 'chooseMethod', kind: 'officePhone' }, { type: 'submitPhone', number: GOOD_MOBILE, extension: 'front desk', delivery: 'voice' }]);
    expect(keys(last.replies)).toEqual(['validation.phone.extensionInvalid']);
  });
});

describe('enrollment machine: email and security questions', () => {
  const withApp = (): User => newUser({
    methods: [{ kind: 'mobilePhone', id: 'm1', number: '+14255550123', createdAt: T0 }],
    defaultMethodId: 'm1',
  });

  it.each(['jane@signet-demo.example', 'JANE@Students.Signet-Demo.example'])('when the address %s is at the organisation, then it is refused with the domain', (address) => {
    const { last } = run(withApp(), [START, { type: 'chooseMethod', kind: 'email' }, { type: 'submitEmail', address }]);
    expect(last.replies).toEqual([{ key: 'validation.email.blockedDomain', params: { domain: 'signet-demo.example' } }]);
  });

  it.each([
    ['', 'validation.email.empty'],
    ['not an email', 'validation.email.invalid'],
    ['a@b', 'validation.email.invalid'],
  ])('when the address is %p, then the reply is %s', (address, key) => {
    const { last } = run(withApp(), [START, { type: 'chooseMethod', kind: 'email' }, { type: 'submitEmail', address }]);
    expect(keys(last.replies)).toEqual([key]);
  });

  it('when a personal address is verified, then it is added for password reset but does not become the default', () => {
    const sent = run(withApp(), [START, { type: 'chooseMethod', kind: 'email' }, { type: 'submitEmail', address: 'Jane.Home@Example.COM' }]);
    expect(sent.last.effects[0]).toMatchObject({ type: 'sendEmail', to: 'Jane.Home@example.com' });
    const done = run(sent.state, [{ type: 'submitCode', code: codeFrom(sent.last.effects) }]);
    expect(done.state.methods.map((m) => m.kind)).toEqual(['mobilePhone', 'email']);
    expect(done.state.defaultMethodId).toBe('m1');
    expect(keys(done.last.replies)).toEqual(['enrollment.verified.email', 'enrollment.progress.complete']);
  });

  const answers = (...texts: string[]) => texts.map((answer, i) => ({ questionId: ['firstPetName', 'birthCity', 'firstSchool', 'favouriteBook'][i]!, answer }));

  it.each([
    [answers('Fluffy', 'Leeds'), 'validation.answers.wrongCount'],
    [answers('Fluffy', 'Leeds', 'ab'), 'validation.answers.tooShort'],
    [answers('Fluffy', 'Leeds', 'x'.repeat(41)), 'validation.answers.tooLong'],
    [answers('Fluffy', 'Leeds', '  FLUFFY '), 'validation.answers.duplicateAnswer'],
    [answers('Ｆｌｕｆｆｙ', 'Leeds', 'fluffy'), 'validation.answers.duplicateAnswer'],
    [[{ questionId: 'firstPetName', answer: 'Fluffy' }, { questionId: 'firstPetName', answer: 'Leeds' }, { questionId: 'birthCity', answer: 'Oak' }], 'validation.answers.duplicateQuestion'],
    [[{ questionId: 'shoeSize', answer: 'Fluffy' }, { questionId: 'birthCity', answer: 'Leeds' }, { questionId: 'firstSchool', answer: 'Oak' }], 'validation.answers.unknownQuestion'],
  ])('when the answers are %j, then the reply is %s', (given, key) => {
    const { state, last } = run(withApp(), [START, { type: 'chooseMethod', kind: 'securityQuestions' }, { type: 'submitAnswers', answers: given }]);
    expect(keys(last.replies)).toEqual([key]);
    expect(state.methods).toHaveLength(1);
  });

  it('when valid answers are given, then only slow hashes are stored and nothing is echoed', () => {
    const given = answers('Fluffy the cat', 'Leeds', 'Oak Primary');
    const { state, last } = run(withApp(), [START, { type: 'chooseMethod', kind: 'securityQuestions' }, { type: 'submitAnswers', answers: given }]);
    const method = state.methods[1]!;
    expect(method.kind).toBe('securityQuestions');
    const text = JSON.stringify({ state, last });
    for (const a of given) expect(text.toLowerCase()).not.toContain(a.answer.toLowerCase());
    expect(method).toMatchObject({ answers: [{ questionId: 'firstPetName', answerHash: expect.stringMatching(/^scrypt\$/) }, {}, {}] });
  });
});

describe('enrollment machine: back, different method, cancel, replace', () => {
  it.each<[string, EnrollmentEvent[], EnrollmentStep['name'] | 'enteringPhone']>([
    ['codeSent', [START, MOBILE, SMS_TO(GOOD_MOBILE)], 'enteringPhone'],
    ['enteringPhone', [START, MOBILE], 'choosingMethod'],
    ['scanningApp', [START, { type: 'chooseMethod', kind: 'authenticatorApp' }], 'choosingMethod'],
    ['choosingMethod', [START], 'choosingMethod'],
  ])('when back is asked at %s, then the step becomes %s', (_from, events, expected) => {
    const { state } = run(newUser(), [...events, { type: 'back' }]);
    expect(stepOf(state).name).toBe(expected);
  });

  it.each<[string, EnrollmentEvent[]]>([
    ['choosingMethod', [START]],
    ['enteringPhone', [START, MOBILE]],
    ['codeSent', [START, MOBILE, SMS_TO(GOOD_MOBILE)]],
    ['scanningApp', [START, { type: 'chooseMethod', kind: 'authenticatorApp' }]],
  ])('when a different method is asked at %s, then the person chooses again; cancel ends it', (_from, events) => {
    expect(stepOf(run(newUser(), [...events, { type: 'differentMethod' }]).state).name).toBe('choosingMethod');
    const cancelled = run(newUser(), [...events, { type: 'cancel' }, { type: 'submitCode', code: '123456' }]);
    expect(stepOf(cancelled.state).name).toBe('cancelled');
    expect(keys(cancelled.last.replies)).toEqual(['enrollment.nothingInProgress']);
  });

  it('when a phone number is changed, then the new number is verified before it replaces the old, and the default follows', () => {
    const user = newUser({
      methods: [
        { kind: 'mobilePhone', id: 'old', number: '+14255550123', createdAt: T0 },
        { kind: 'email', id: 'e1', address: 'jane@example.com', createdAt: T0 },
      ],
      defaultMethodId: 'old',
    });
    const asked = run(user, [{ type: 'start', purpose: 'replace', replacesMethodId: 'old' }]);
    expect(stepOf(asked.state)).toEqual({ name: 'enteringPhone', kind: 'mobilePhone' });
    const same = run(asked.state, [SMS_TO('+1 425 555 0123')]);
    expect(keys(same.last.replies)).toEqual(['validation.phone.sameAsCurrent']);
    const sent = run(asked.state, [SMS_TO('+1 425 555 0199')]);
    expect(sent.state.methods.map((m) => m.id)).toEqual(['old', 'e1']);
    const done = run(sent.state, [{ type: 'submitCode', code: codeFrom(sent.last.effects) }]);
    expect(done.state.methods.map((m) => m.kind)).toEqual(['email', 'mobilePhone']);
    expect(done.state.methods.find((m) => m.kind === 'mobilePhone')).toMatchObject({ number: '+14255550199' });
    expect(done.state.defaultMethodId).toBe(done.state.methods[1]!.id);
    expect(keys(done.last.replies)).toEqual(['enrollment.verified.phoneReplaced']);
    expect(done.last.effects).toContainEqual(expect.objectContaining({ type: 'audit', entry: expect.objectContaining({ action: 'method:replaced' }) }));
  });

  it('when a number change turns to another phone kind, then the policy still applies', () => {
    const user = newUser({
      methods: [
        { kind: 'mobilePhone', id: 'old', number: '+14255550123', createdAt: T0 },
        { kind: 'officePhone', id: 'o1', number: '+14255550177', extension: null, createdAt: T0 },
      ],
      defaultMethodId: 'old',
    });
    const started = run(user, [{ type: 'start', purpose: 'replace', replacesMethodId: 'old' }, { type: 'differentMethod' }]);
    const office = run(started.state, [{ type: 'chooseMethod', kind: 'officePhone' }]);
    expect(keys(office.last.replies)[0]).toBe('enrollment.cannotChoose.alreadyRegistered');
    const mobileAgain = run(started.state, [{ type: 'chooseMethod', kind: 'mobilePhone' }]);
    expect(stepOf(mobileAgain.state)).toEqual({ name: 'enteringPhone', kind: 'mobilePhone' });
  });

  it('when the phone to replace does not exist, then nothing starts', () => {
    const { state, last } = run(newUser(), [{ type: 'start', purpose: 'replace', replacesMethodId: 'nope' }]);
    expect(state.enrollment).toBeNull();
    expect(keys(last.replies)).toEqual(['enrollment.replace.notFound']);
  });

  it('when a number already registered as another phone is given, then it is refused', () => {
    const user = newUser({ methods: [{ kind: 'mobilePhone', id: 'm1', number: '+14255550123', createdAt: T0 }], defaultMethodId: 'm1' });
    const { last } = run(user, [START, { type: 'chooseMethod', kind: 'alternatePhone' }, SMS_TO(GOOD_MOBILE)]);
    expect(last.replies).toEqual([{ key: 'validation.phone.alreadyRegistered', params: { methodKey: 'methods.mobilePhone' } }]);
  });
});

describe('enrollment machine: saying the step again', () => {
  it.each<[string, EnrollmentEvent[], string[]]>([
    ['choosingMethod', [START], ['enrollment.chooseMethod']],
    ['enteringPhone', [START, MOBILE], ['enrollment.phone.askNumber']],
    ['codeSent', [START, MOBILE, SMS_TO(GOOD_MOBILE)], ['enrollment.phone.enterCode']],
    ['scanningApp', [START, { type: 'chooseMethod', kind: 'authenticatorApp' }], ['enrollment.app.scan', 'enrollment.app.enterCode']],
  ])('when the %s step is shown again, then its prompt comes back and nothing changes', (_step, events, expected) => {
    const before = run(newUser(), events).state;
    const again = transitionEnrollment(before, { type: 'showStep' }, machineContext());
    expect(again.state).toBe(before);
    expect(again.effects).toEqual([]);
    expect(keys(again.replies)).toEqual(expected);
  });

  it('when the app step is shown again, then the same secret and QR address come back', () => {
    const chosen = run(newUser(), [START, { type: 'chooseMethod', kind: 'authenticatorApp' }]);
    const first = chosen.last.replies.find((r) => r.key === 'enrollment.app.scan')!;
    const again = transitionEnrollment(chosen.state, { type: 'showStep' }, machineContext()).replies.find((r) => r.key === 'enrollment.app.scan')!;
    expect(again.params).toEqual(first.params);
  });
});

describe('enrollment machine: purity', () => {
  it('when the same state, event and context are given twice, then the results are identical', () => {
    const events = [START, MOBILE, SMS_TO(GOOD_MOBILE)];
    const a = run(newUser(), events, machineContext({}, 'same-seed'));
    const b = run(newUser(), events, machineContext({}, 'same-seed'));
    expect(a.results).toEqual(b.results);
  });

  it('when the machine runs, then the input state is not mutated', () => {
    const user = newUser();
    const frozen = JSON.stringify(user);
    run(user, [START, MOBILE, SMS_TO(GOOD_MOBILE)]);
    expect(JSON.stringify(user)).toBe(frozen);
  });
});
