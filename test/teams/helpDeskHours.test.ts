// The help desk's opening hours are the organisation's own words: given per locale, each person reads the ones in
// their language (the default locale's when theirs is missing); a single text is shown to everyone as before.
import { allText, createTeamsHarness } from './teamsHarness';

const HOURS = { 'en-US': 'Monday to Friday, 8:00 to 16:00', 'es-US': 'de lunes a viernes, de 8:00 a 16:00' };
const org = (hours: string | Record<string, string>) =>
  ({ locales: { offered: ['en-US', 'en-GB', 'es-US'], default: 'en-US' }, helpDesk: { phone: '+1 555 0100', hours } }) as never;

describe('help-desk hours in the person\'s language', () => {
  it.each([
    ['es-US', 'no me llegó el código', HOURS['es-US']],
    ['en-US', "I didn't get the code", HOURS['en-US']],
    // No en-GB text: the default locale's.
    ['en-GB', "I didn't get the code", HOURS['en-US']],
  ])('when a %s speaker gets an answer with the help desk, then the hours are the ones written for them', async (locale, question, hours) => {
    const h = await createTeamsHarness({ org: org(HOURS) });
    const said = allText(await h.chat(locale).say(question));
    expect(said).toContain(h.i18n.t(locale, 'common.helpDesk.hours', { hours }));
  });

  it('when the hours are one text, then everyone is shown that text', async () => {
    const h = await createTeamsHarness({ org: org('8 to 4') });
    expect(allText(await h.chat('es-US').say('no me llegó el código'))).toContain(h.i18n.t('es-US', 'common.helpDesk.hours', { hours: '8 to 4' }));
  });
});
