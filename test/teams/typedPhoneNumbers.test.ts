// Phone numbers typed in Teams chat (issue 8, item 1): the whole number is read by libphonenumber-js, its last
// digit is never taken for the "1. Text me / 2. Call me" choice, and anything ambiguous is asked back, showing
// the number in full, before anything is sent. Before the fix "+43 664 12345671" texted +436641234567 at once.
import { allText, createTeamsHarness, submit, type Chat, type TeamsHarness } from './teamsHarness';

const ANY_COUNTRY = { phone: { defaultCountry: 'US' as const, allowedCountries: [], blockedNumbers: [] } };

describe.each(['en-US', 'en-GB'])('typing a phone number in Teams, %s', (locale) => {
  let h: TeamsHarness;
  let chat: Chat;
  const t = (key: string, params?: Record<string, string | number>): string => h.i18n.t(locale, key, params);

  async function atPhoneStep(kind: 'mobile phone' | 'office phone' = 'mobile phone'): Promise<void> {
    await chat.say('set up MFA');
    await chat.say(kind);
    expect(h.core.outbox.items).toEqual([]);
  }

  beforeEach(async () => {
    h = await createTeamsHarness({ org: ANY_COUNTRY });
    chat = h.chat(locale);
  });

  it('when "+43 664 12345671" is typed, then nothing is sent and "text or call?" shows the full number; "text" texts that whole number', async () => {
    await atPhoneStep();
    const asked = await chat.say('+43 664 12345671');
    expect(h.core.outbox.items).toEqual([]);
    expect(allText(asked)).toContain(t('teams.phone.textOrCall', { phone: '+43 664 12345671' }));
    const sent = await chat.say('text');
    expect(h.core.outbox.items).toHaveLength(1);
    expect(h.core.outbox.last()).toMatchObject({ type: 'sms', to: '+4366412345671' });
    expect(allText(sent)).toContain(t('enrollment.phone.codeTexted', { phone: '+43 664 12345671', minutes: 10 }));
  });

  it.each([
    ['425 555 0121', '+14255550121', '+1 425 555 0121'],
    ['(425) 555-0122', '+14255550122', '+1 425 555 0122'],
  ])('when a US number ending in 1 or 2 (%s) is typed, then it is accepted in full and the card buttons still pick the delivery', async (typed, e164, shown) => {
    await atPhoneStep();
    const asked = await chat.say(typed);
    expect(h.core.outbox.items).toEqual([]);
    expect(allText(asked)).toContain(t('teams.phone.textOrCall', { phone: shown }));
    const calling = await chat.say(submit(asked, t('teams.buttons.callMe')));
    expect(h.core.outbox.last()).toMatchObject({ type: 'call', to: e164 });
    expect(allText(calling)).toContain(t('enrollment.phone.callingPressKey', { phone: shown, hash: t('common.hashKey.pound') }));
  });

  it('when "425 555 0123 text me" is typed, then the code is texted at once', async () => {
    await atPhoneStep();
    const sent = await chat.say('425 555 0123 text me');
    expect(h.core.outbox.items).toHaveLength(1);
    expect(h.core.outbox.last()).toMatchObject({ type: 'sms', to: '+14255550123' });
    expect(allText(sent)).toContain(t('enrollment.phone.codeTexted', { phone: '+1 425 555 0123', minutes: 10 }));
  });

  it('when a number comes with a stray digit ("4255550123 1"), then nothing is sent and the number read is shown back', async () => {
    await atPhoneStep();
    const asked = await chat.say('4255550123 1');
    expect(h.core.outbox.items).toEqual([]);
    expect(allText(asked)).toContain(t('teams.phone.extraDigits', { phone: '+1 425 555 0123' }));
  });

  it('when two numbers are typed in one message, then nothing is sent and the person is asked for one', async () => {
    await atPhoneStep();
    const asked = await chat.say('425 555 0121 or 425 555 0122, call me');
    expect(h.core.outbox.items).toEqual([]);
    expect(allText(asked)).toContain(t('teams.phone.severalNumbers'));
  });

  it('when "text or call?" is answered with something not understood, then it is asked again and nothing is sent', async () => {
    await atPhoneStep();
    await chat.say('+43 664 12345671');
    const again = await chat.say('purple elephants dance quietly');
    expect(h.core.outbox.items).toEqual([]);
    expect(allText(again)).toContain(t('teams.notUnderstood'));
    expect(allText(again)).toContain(t('help.steps.phoneDelivery'));
    expect(allText(again)).toContain(t('teams.phone.textOrCall', { phone: '+43 664 12345671' }));
  });

  it('when an office phone is typed as "+1 425 555 0100 x 1234", then the call keeps the extension', async () => {
    await atPhoneStep('office phone');
    const calling = await chat.say('+1 425 555 0100 x 1234');
    expect(h.core.outbox.last()).toMatchObject({ type: 'call', to: '+14255550100', extension: '1234' });
    expect(allText(calling)).toContain(t('enrollment.phone.callingPressKey', { phone: '+1 425 555 0100', hash: t('common.hashKey.pound') }));
  });

  it('when the office card has the extension written in the number field, then the call keeps it', async () => {
    await chat.say('set up MFA');
    const card = await chat.say('office phone');
    await chat.say(submit(card, t('teams.buttons.callMe'), { phone: '+1 425 555 0100 extension 77', extension: '' }));
    expect(h.core.outbox.last()).toMatchObject({ type: 'call', to: '+14255550100', extension: '77' });
  });

  it('when 128k digits and junk are typed, then the answer is a clear message and nothing is sent', async () => {
    await atPhoneStep();
    const answer = await chat.say(`${'1'.repeat(128 * 1024)}\nx\ny`);
    expect(h.core.outbox.items).toEqual([]);
    expect(allText(answer)).toContain(t('teams.phone.tooLong', { max: 200 }));
  });
});
