// The use case "a text arrives" on its own: keywords and their audit, which record a code answers, the neutral
// answer for an unknown number. Memory stores and a fixed clock, no HTTP.
import { keys } from '../support/coreHarness';
import { enrollPhone, PHONE, phoneUseCases, PROFILE, startSignIn } from './phoneUseCaseHarness';

describe('receiveText', () => {
  it('when STOP arrives from a number being enrolled, then the opt-out is recorded and audited on its owner, and nothing is answered', async () => {
    const app = phoneUseCases();
    await enrollPhone(app, 'sms');
    const answer = await app.receiveText.receive({ from: PHONE, body: ' stop ' });
    expect(answer.replies).toEqual([]);
    expect(await app.stores.optOuts.get(PHONE)).toMatchObject({ optedOut: true, keyword: 'STOP' });
    const audit = await app.stores.audit.listForUser(PROFILE.id, 20);
    const optOut = audit.find((e) => e.action === 'sms:optOut');
    expect(optOut?.details).toEqual({ keyword: 'STOP' });
    expect(JSON.stringify(audit)).not.toContain(PHONE);
  });

  it('when START arrives, then the opt-in is recorded and the person is told texts are back on', async () => {
    const app = phoneUseCases();
    await enrollPhone(app, 'sms');
    await app.receiveText.receive({ from: PHONE, body: 'STOP' });
    const answer = await app.receiveText.receive({ from: PHONE, body: 'unstop' });
    expect(keys(answer.replies)).toEqual(['sms.keyword.started']);
    expect(await app.stores.optOuts.get(PHONE)).toMatchObject({ optedOut: false, keyword: 'UNSTOP' });
    expect((await app.stores.audit.listForUser(PROFILE.id, 20)).map((e) => e.action)).toContain('sms:optIn');
  });

  it('when HELP arrives, then the help desk contact is texted back and nothing is recorded', async () => {
    const app = phoneUseCases({ helpDesk: { email: 'help@signet-demo.example', phone: '+1 206 555 0199', members: [] } });
    const answer = await app.receiveText.receive({ from: PHONE, body: 'help' });
    expect(keys(answer.replies)).toEqual(['sms.keyword.help']);
    expect(answer.replies[0]?.params?.['contact']).toBe('+1 206 555 0199, help@signet-demo.example');
    expect(await app.stores.optOuts.get(PHONE)).toBeNull();
  });

  it('when the texted code of a phone enrollment arrives, then the enrollment is verified and the answer is in the person\'s locale', async () => {
    const app = phoneUseCases();
    await enrollPhone(app, 'sms');
    const answer = await app.receiveText.receive({ from: PHONE, body: app.lastTextedCode() });
    expect(answer.locale).toBe(PROFILE.locale);
    expect((await app.stores.users.get(PROFILE.id))?.enrollment?.step.name).toBe('verified');
  });

  it('when the texted code of a sign-in arrives, then the challenge is approved and the answer is in the challenge\'s locale', async () => {
    const app = phoneUseCases();
    const challenge = await startSignIn(app, 'sms');
    const answer = await app.receiveText.receive({ from: PHONE, body: app.lastTextedCode() });
    expect(answer.locale).toBe('en-GB');
    expect((await app.stores.challenges.get(challenge.id))?.status).toBe('approved');
  });

  it('when a text arrives from a number nothing waits on, then the neutral answer is given and nothing changes', async () => {
    const app = phoneUseCases();
    await enrollPhone(app, 'voice');
    const answer = await app.receiveText.receive({ from: PHONE, body: '123456' });
    expect(keys(answer.replies)).toEqual(['sms.inbound.unknown']);
    expect(answer.locale).toBe('en-US');
    expect((await app.stores.users.get(PROFILE.id))?.enrollment?.step.name).toBe('codeSent');
  });
});
