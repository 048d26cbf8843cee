// Country names become one word for the classifier, in the locale's language, from ICU's names (no list in Signet):
// whole names only, the longest one that fits, with or without accents, and nothing else touched.
import { countryNamer } from '../../src/nlu/countryNames';

describe('country names in what people type', () => {
  it.each([
    ["I'm flying to Japan next week", "I'm flying to country next week"],
    ['visiting family in the United Kingdom', 'visiting family in the country'],
    ['will it work in Mexico?', 'will it work in country'],
    ['my phone', 'my phone'],
    ['I am in a united team', 'I am in a united team'],
  ])('when "%s" is read in English, then the classifier sees "%s"', (text, seen) => {
    expect(countryNamer('en')(text)).toBe(seen);
  });

  it.each([
    ['voy a El Salvador el lunes', 'voy a país el lunes'],
    ['estoy en México', 'estoy en país'],
    ['estoy en mexico', 'estoy en país'],
    ['fuera de Estados Unidos', 'fuera de país'],
    ['el salón de clases', 'el salón de clases'],
  ])('when "%s" is read in Spanish, then the classifier sees "%s"', (text, seen) => {
    expect(countryNamer('es')(text)).toBe(seen);
  });
});
