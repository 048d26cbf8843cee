// Every refusal a directory can give is said in words, in every offered locale, with its numbers filled in.
import { createI18n } from '../../src/i18n';
import { DIRECTORY_REFUSAL_KINDS } from '../../src/ports/directory';
import { directoryRefusalMessage } from '../../src/ports/directoryRefusalKeys';

describe('directoryRefusalMessage', () => {
  it.each(DIRECTORY_REFUSAL_KINDS)('when the refusal is %s, then both locales have words for it', async (kind) => {
    const i18n = await createI18n({ supported: ['en-US', 'en-GB'], fallback: 'en-US' });
    const { key, params } = directoryRefusalMessage({ kind });
    expect(i18n.has(key)).toBe(true);
    for (const locale of ['en-US', 'en-GB']) expect(i18n.t(locale, key, params)).not.toContain('{{');
  });

  it('when the directory says its minimum length, then the words carry it', async () => {
    const i18n = await createI18n({ supported: ['en-US'], fallback: 'en-US' });
    const { key, params } = directoryRefusalMessage({ kind: 'tooShort', minLength: 12 });
    expect(i18n.t('en-US', key, params)).toContain('12 characters');
  });

  it('when the directory asks to wait, then the wait is said in whole minutes, rounded up', async () => {
    const i18n = await createI18n({ supported: ['en-US'], fallback: 'en-US' });
    const say = (retryAfterSeconds: number) => {
      const { key, params } = directoryRefusalMessage({ kind: 'unavailable', retryAfterSeconds });
      return i18n.t('en-US', key, params);
    };
    expect(say(30)).toContain('1 minute.');
    expect(say(121)).toContain('3 minutes.');
  });
});
