// Country wording (issue 10 findings): every locale's phone-number placeholder is a number the app itself accepts
// (en-GB's "07700 900123" is an Ofcom drama number the parser refuses); country codes are named in the reader's
// language ("UK numbers", never "GB numbers"); a country refusal names the country detected and those allowed.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CountryCode } from 'libphonenumber-js';
import { createI18n, type I18n } from '../../src/i18n';
import { createReplyRenderer } from '../../src/renderReply';
import { reply } from '../../src/domain/effects';
import { parsePhone } from '../../src/domain/rules/phoneNumbers';

const LOCALES = readdirSync(join(__dirname, '..', '..', 'locales')).filter((l) => /^[a-z]{2}-[A-Z]{2}$/.test(l));
let i18n: I18n;
beforeAll(async () => {
  i18n = await createI18n({ supported: LOCALES, fallback: 'en-US' });
});

describe('phone number placeholders', () => {
  it.each(LOCALES)('when %s shows its number placeholder, then the app\'s own parser accepts it (as a number of the locale\'s country)', (locale) => {
    const region = locale.split('-')[1] as CountryCode;
    const placeholder = i18n.t(locale, 'teams.phone.numberPlaceholder');
    const parsed = parsePhone(placeholder, region);
    expect({ placeholder, ok: parsed.ok }).toEqual({ placeholder, ok: true });
  });
});

describe('country names in replies', () => {
  const render = (locale: string, key: string, params: Record<string, string>): string => createReplyRenderer(i18n)(locale, reply(key, params));

  it('when the en-GB label names the default country GB, then it says "UK numbers", never "GB"', () => {
    const label = render('en-GB', 'teams.phone.numberLabel', { countryRegion: 'GB' });
    expect(label).toContain('UK numbers');
    expect(label).not.toMatch(/\bGB\b/);
  });

  it.each([
    ['en-US', 'UK', 'US and Canada'],
    ['en-GB', 'UK', 'US and Canada'],
    ['es-US', 'Reino Unido', 'Estados Unidos y Canadá'],
  ])('when a %s refusal names the country detected and the ones allowed, then they are written out in that language', (locale, detected, allowed) => {
    const text = render(locale, 'validation.phone.countryNotAllowed', { detectedRegion: 'GB', allowedRegions: 'US,CA' });
    expect(text).toContain(detected);
    expect(text).toContain(allowed);
    expect(text).not.toMatch(/\b(GB|CA)\b/);
  });
});
