// The call use cases on their own (answerCall, pressKey, recordCallStatus): what a call says next and what the
// record becomes, decided from the record as stored now. Memory stores, a fixed clock, an outbox for Twilio.
import { keys } from '../support/coreHarness';
import type { CallScript } from '../../src/app/phoneCallSteps';
import { enrollPhone, phoneUseCases, PROFILE, startSignIn, type PhoneUseCases } from './phoneUseCaseHarness';

/** The script as "say:key", "gather:N:key,key" and "hangup". */
function steps(script: CallScript): string[] {
  return script.steps.map((s) => (s.type === 'say' ? `say:${s.message.key}` : s.type === 'gather' ? `gather:${s.attempt}:${keys(s.prompt).join(',')}` : 'hangup'));
}

async function enrollmentStep(app: PhoneUseCases) {
  return (await app.stores.users.get(PROFILE.id))?.enrollment?.step;
}

describe('answerCall', () => {
  it('when a person answers an enrollment call, then they are asked for a key (prompt 1)', async () => {
    const app = phoneUseCases();
    await enrollPhone(app, 'voice');
    const script = await app.answerCall.answer(app.lastContext('call'), app.lastRef('call'), false);
    expect(steps(script)).toEqual(['gather:1:voice.call.pressKeyIntro.enrollment']);
  });

  it('when a machine answers, then the call hangs up saying nothing and the attempt fails as voicemail', async () => {
    const app = phoneUseCases();
    await enrollPhone(app, 'voice');
    const script = await app.answerCall.answer(app.lastContext('call'), app.lastRef('call'), true);
    expect(steps(script)).toEqual(['hangup']);
    expect(await enrollmentStep(app)).toMatchObject({ name: 'codeSent', deliveryFailure: 'voicemail' });
  });

  it('when a call for an enrollment that was replaced is answered, then it says it is not expected and hangs up', async () => {
    const app = phoneUseCases();
    await enrollPhone(app, 'voice');
    const context = app.lastContext('call');
    const stale = { ...context, purpose: { ...context.purpose, refId: 'an-older-enrollment' } };
    expect(steps(await app.answerCall.answer(stale, app.lastRef('call'), false))).toEqual(['say:voice.enrollment.notExpected', 'hangup']);
  });
});

describe('pressKey', () => {
  it('when # is pressed on the older call after the person asked to be called again, then that call is not expected and the new one still waits', async () => {
    const app = phoneUseCases();
    await enrollPhone(app, 'voice');
    const older = app.lastContext('call');
    const olderSid = app.lastRef('call');
    app.clock.advance(60_000);
    await app.core.enrollment.apply(PROFILE.id, { type: 'resend' }, { channel: 'teams' });
    expect(steps(await app.pressKey.press(older, olderSid, '#', 1))).toEqual(['say:voice.enrollment.notExpected', 'hangup']);
    expect(await enrollmentStep(app)).toMatchObject({ name: 'codeSent', send: 2 });
    await app.recordCallStatus.record(older, { callSid: olderSid, status: 'no-answer', errorCode: null, answeredByMachine: false, failure: 'noAnswer' });
    expect(await enrollmentStep(app)).toMatchObject({ name: 'codeSent', deliveryFailure: null });
    await app.pressKey.press(app.lastContext('call'), app.lastRef('call'), '#', 1);
    expect((await enrollmentStep(app))?.name).toBe('verified');
  });

  it('when a key comes from an address without a send number (given out before the upgrade), then a numbered call refuses it', async () => {
    const app = phoneUseCases();
    await enrollPhone(app, 'voice');
    const { send: _send, ...unnumbered } = app.lastContext('call').purpose;
    const legacy = { ...app.lastContext('call'), purpose: unnumbered };
    expect(steps(await app.pressKey.press(legacy, app.lastRef('call'), '#', 1))).toEqual(['say:voice.enrollment.notExpected', 'hangup']);
    expect((await enrollmentStep(app))?.name).toBe('codeSent');
  });

  it('when # is pressed on an enrollment call, then the phone is verified and the call ends', async () => {
    const app = phoneUseCases();
    await enrollPhone(app, 'voice');
    const script = await app.pressKey.press(app.lastContext('call'), app.lastRef('call'), '#', 1);
    expect(script.steps.at(-1)).toEqual({ type: 'hangup' });
    expect((await enrollmentStep(app))?.name).toBe('verified');
    expect(app.helpDeskReports).toEqual([]);
  });

  it('when 0 is pressed on a sign-in call, then the challenge is denied, the help desk told and the person told in Teams', async () => {
    const app = phoneUseCases();
    const challenge = await startSignIn(app, 'voice');
    await app.pressKey.press(app.lastContext('call'), app.lastRef('call'), '0', 1);
    expect((await app.stores.challenges.get(challenge.id))?.status).toBe('denied');
    expect(app.helpDeskReports).toEqual([{ userId: PROFILE.id, kind: 'verification', refId: challenge.id, reason: 'deniedByPhone', channel: 'voice' }]);
    expect(app.notifications.items.filter((n) => n.message.key === 'verification.deniedOnCall').map((n) => [n.userId, n.channel])).toEqual([[PROFILE.id, 'teams']]);
  });

  it('when 0 is pressed on an enrollment call, then the help desk is told (the machine tells the person itself)', async () => {
    const app = phoneUseCases();
    await enrollPhone(app, 'voice');
    const context = app.lastContext('call');
    await app.pressKey.press(context, app.lastRef('call'), '0', 1);
    expect(await enrollmentStep(app)).toMatchObject({ name: 'failed', reason: 'deniedByPhone' });
    expect(app.helpDeskReports).toEqual([{ userId: PROFILE.id, kind: 'enrollment', refId: context.purpose.refId, reason: 'deniedByPhone', channel: 'voice' }]);
    expect(app.notifications.items.map((n) => n.message.key)).not.toContain('verification.deniedOnCall');
  });

  it('when no key is pressed, then the caller is asked again, and after the third prompt the call gives up', async () => {
    const app = phoneUseCases();
    await enrollPhone(app, 'voice');
    const [context, ref] = [app.lastContext('call'), app.lastRef('call')];
    expect(steps(await app.pressKey.press(context, ref, '', 1))).toEqual(['gather:2:voice.call.noInput,voice.call.pressKeyIntro.enrollment']);
    expect(steps(await app.pressKey.press(context, ref, '', 3))).toEqual(['say:voice.call.giveUp', 'hangup']);
    expect((await enrollmentStep(app))?.name).toBe('codeSent');
  });

  it('when a key is pressed on a read-aloud call, then the code is read digit by digit with "press 1 to hear it again", which repeats it, bounded; the record still waits for the code', async () => {
    const app = phoneUseCases({ voice: { enrollmentMode: 'readCode', answeringMachineDetection: true } });
    await enrollPhone(app, 'voice');
    const [context, ref] = [app.lastContext('call'), app.lastRef('call')];
    const script = await app.pressKey.press(context, ref, '5', 1);
    expect(steps(script)).toEqual(['gather:2:voice.call.codeIs,voice.call.hearAgain']);
    const spoken = script.steps[0]?.type === 'gather' ? String(script.steps[0].prompt[0]?.params?.['digits']) : '';
    expect(spoken).toMatch(/^\d(, \d){5,7}$/);
    // "1": heard again, and offered again, until the last prompt reads it twice and says goodbye.
    expect(steps(await app.pressKey.press(context, ref, '1', 2))).toEqual(['gather:3:voice.call.codeIs,voice.call.hearAgain']);
    const last = await app.pressKey.press(context, ref, '1', 3);
    expect(steps(last)).toEqual(['say:voice.call.codeIs', 'say:voice.call.codeAgain', 'hangup']);
    expect(last.steps[0]?.type === 'say' && last.steps[0].message.params?.['digits']).toBe(spoken);
    // Silence after the code was read: goodbye, not "press any key to hear your code".
    expect(steps(await app.pressKey.press(context, ref, '', 2))).toEqual(['say:voice.call.goodbye', 'hangup']);
    expect((await enrollmentStep(app))?.name).toBe('codeSent');
  });
});

describe('recordCallStatus', () => {
  const report = (callSid: string, status: string, failure: 'busy' | null = null) => ({ callSid, status, errorCode: null, answeredByMachine: false, failure });

  it('when a call is reported busy, then the report is kept and the attempt fails as busy', async () => {
    const app = phoneUseCases();
    await enrollPhone(app, 'voice');
    const ref = app.lastRef('call');
    await app.recordCallStatus.record(app.lastContext('call'), report(ref, 'busy', 'busy'));
    expect((await app.stores.deliveryStatuses.listForRef(ref)).map((r) => r.status)).toEqual(['busy']);
    expect(await enrollmentStep(app)).toMatchObject({ name: 'codeSent', deliveryFailure: 'busy' });
  });

  it('when a press-a-key call completes without a key, then the attempt fails as not confirmed', async () => {
    const app = phoneUseCases();
    await enrollPhone(app, 'voice');
    await app.recordCallStatus.record(app.lastContext('call'), report(app.lastRef('call'), 'completed'));
    expect(await enrollmentStep(app)).toMatchObject({ deliveryFailure: 'notConfirmed' });
  });

  it('when a read-aloud call completes after its code was read, then nothing fails; before, it fails as not confirmed', async () => {
    const org = { voice: { enrollmentMode: 'readCode' as const, answeringMachineDetection: true } };
    const read = phoneUseCases(org);
    await enrollPhone(read, 'voice');
    await read.pressKey.press(read.lastContext('call'), read.lastRef('call'), '1', 1);
    await read.recordCallStatus.record(read.lastContext('call'), report(read.lastRef('call'), 'completed'));
    expect(await enrollmentStep(read)).toMatchObject({ name: 'codeSent', deliveryFailure: null });

    const unread = phoneUseCases(org);
    await enrollPhone(unread, 'voice');
    await unread.recordCallStatus.record(unread.lastContext('call'), report(unread.lastRef('call'), 'completed'));
    expect(await enrollmentStep(unread)).toMatchObject({ deliveryFailure: 'notConfirmed' });
  });
});
