// Spanish is offered as es-US (the issue's choice: US districts' Spanish-speaking families): every Spanish Teams
// locale (es-ES, es-MX, es-US, plain es) reaches it, its words are Spanish, and the organisation file may offer it.
import { createI18n, type I18n } from '../../src/i18n';
import { orgConfigSchema } from '../../src/config/orgConfigSchema';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Texts that are only placeholders, digits or shared words ("No"), identical in English and Spanish. */
const SAME_IN_EVERY_LANGUAGE = new Set<string>([
  'faq.methodUsage.table.no',
  'helpdesk.lookUp.header',
  'helpdesk.lookUp.method',
  'helpdesk.lookUp.verification',
  'teams.manage.extension',
  'teams.phone.extensionPlaceholder',
  'teams.phone.numberPlaceholder',
]);

describe('the es-US locale', () => {
  let i18n: I18n;
  beforeAll(async () => {
    i18n = await createI18n({ supported: ['en-US', 'en-GB', 'es-US'], fallback: 'en-US' });
  });

  it.each(['es-US', 'es-MX', 'es-ES', 'es', 'ES_mx', 'es-419'])('when Teams sends %s, then es-US answers', (requested) => {
    expect(i18n.resolveLocale(requested)).toBe('es-US');
  });

  it('when English is asked for, then English still answers', () => {
    expect(i18n.resolveLocale('en-GB')).toBe('en-GB');
    expect(i18n.resolveLocale('fr-FR')).toBe('en-US');
  });

  it('when a call asks for the # key, then it is "la tecla numeral (#)", not the pound or hash key', () => {
    const text = i18n.t('es-MX', 'enrollment.phone.callingPressKey', { phone: '+1 425 555 0100', hash: i18n.t('es-MX', 'common.hashKey.pound') });
    expect(text).toContain('la tecla numeral (#)');
    expect(text).toContain('+1 425 555 0100');
    expect(i18n.t('es-US', 'voice.enrollment.pressKeyAgain', { hash: i18n.t('es-US', 'voice.hashKey.hash') })).toContain('tecla numeral');
    expect(i18n.t('es-US', 'common.hashKey.hash')).toBe(i18n.t('es-US', 'common.hashKey.pound'));
  });

  it('when every key is read, then none falls back to the English text', () => {
    const same = i18n.keys('es-US').filter((key) => i18n.t('es-US', key) === i18n.t('en-US', key));
    expect(same.filter((key) => !SAME_IN_EVERY_LANGUAGE.has(key))).toEqual([]);
  });

  it('when the example organisation file offers es-US, then the schema accepts it', () => {
    const example: unknown = JSON.parse(readFileSync(join(__dirname, '..', '..', 'src', 'config', 'org.example.json'), 'utf8'));
    const parsed = orgConfigSchema.safeParse(example);
    expect(parsed.success ? parsed.data.locales.offered : parsed.error.issues).toEqual(['en-US', 'en-GB', 'es-US']);
  });
});
