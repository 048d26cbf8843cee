// The # key in the Teams prompt is named by the called number's country, whatever the Teams locale (issue 10
// finding, the Kensington guide's warning): +44 → "hash key", +1 → "pound key". Before the fix en-US always said
// "pound" and en-GB always "hash".
import { allText, createTeamsHarness, submit } from './teamsHarness';

const UK_AND_US = { phone: { defaultCountry: 'US' as const, allowedCountries: ['US' as const, 'GB' as const], blockedNumbers: [] } };

describe('the # key named by the number in Teams', () => {
  it.each([
    ['en-US', '+44 7400 123456', 'hash key (#)', 'pound'],
    ['en-GB', '+1 425 555 0123', 'pound key (#)', 'hash'],
  ])('when a %s person asks for a call to %s, then the prompt says "%s"', async (locale, number, named, notNamed) => {
    const h = await createTeamsHarness({ org: UK_AND_US });
    const chat = h.chat(locale);
    await chat.say('set up MFA');
    await chat.say('mobile phone');
    const asked = await chat.say(number);
    const calling = allText(await chat.say(submit(asked, h.i18n.t(locale, 'teams.buttons.callMe'))));
    expect(h.core.outbox.last()).toMatchObject({ type: 'call' });
    expect(calling).toContain(named);
    expect(calling).not.toContain(notNamed);
    // Typing something else at the call step says it again, with the same name.
    expect(allText(await chat.say('123456'))).toContain(named);
  });
});
