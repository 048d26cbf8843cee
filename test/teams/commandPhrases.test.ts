// A command's phrases are read from the locale once per locale and I18n, then handed out as the same frozen list:
// a turn asks for several (sign-in "deny", the router's, the help desk's), and translations never change once loaded.
import { createI18n } from '../../src/i18n';
import { phrases } from '../../dialogs/kit/turnInput';

describe('command phrases', () => {
  it('when the same command is asked for twice, then the locale is read once and the same frozen list comes back, per locale', async () => {
    const i18n = await createI18n({ supported: ['en-US', 'es-US'], fallback: 'en-US' });
    const reads: string[] = [];
    const counting = { ...i18n, t: (locale: string, key: string) => (reads.push(`${locale} ${key}`), i18n.t(locale, key)) };
    const first = phrases(counting, 'en-US', 'denySignIn');
    expect(first).toEqual(i18n.t('en-US', 'teams.commands.denySignIn').split('|'));
    expect(phrases(counting, 'en-US', 'denySignIn')).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(phrases(counting, 'es-US', 'denySignIn')).toEqual(i18n.t('es-US', 'teams.commands.denySignIn').split('|'));
    expect(phrases(counting, 'en-US', 'lookUp', 'helpdesk')).toEqual(i18n.t('en-US', 'helpdesk.commands.lookUp').split('|'));
    expect(reads).toEqual(['en-US teams.commands.denySignIn', 'es-US teams.commands.denySignIn', 'en-US helpdesk.commands.lookUp']);
  });
});
