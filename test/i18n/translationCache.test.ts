// The translation cache: a repeated (locale, key, params) is answered without asking i18next again, different
// params or locales are different texts, and a missing key is reported every time (misses are never cached).
import i18next from 'i18next';
import { createI18n } from '../../src/i18n';

describe('translation cache', () => {
  let lookups = 0;
  beforeAll(() => {
    const createInstance = i18next.createInstance.bind(i18next);
    jest.spyOn(i18next, 'createInstance').mockImplementation((...args) => {
      const instance = createInstance(...args);
      const t = instance.t.bind(instance);
      instance.t = ((...tArgs: Parameters<typeof t>) => {
        lookups += 1;
        return t(...tArgs);
      }) as typeof instance.t;
      return instance;
    });
  });
  afterAll(() => jest.restoreAllMocks());
  beforeEach(() => {
    lookups = 0;
  });

  it('asks i18next once for a text said again and again, and the text stays right', async () => {
    const i18n = await createI18n({ supported: ['en-US', 'en-GB'], fallback: 'en-US' });
    lookups = 0;
    for (let i = 0; i < 50; i += 1) expect(i18n.t('en-US', 'common.greeting', { name: 'Ada' })).toBe('Hi Ada!');
    expect(lookups).toBe(1);
  });

  it('keeps locales and parameters apart', async () => {
    const i18n = await createI18n({ supported: ['en-US', 'en-GB'], fallback: 'en-US' });
    for (let i = 0; i < 3; i += 1) {
      expect(i18n.t('en-US', 'common.greeting', { name: 'Ada' })).toBe('Hi Ada!');
      expect(i18n.t('en-GB', 'common.greeting', { name: 'Ada' })).toBe('Hello Ada!');
      expect(i18n.t('en-gb', 'common.greeting', { name: 'Bob' })).toBe('Hello Bob!');
    }
  });

  it('asks i18next once for a text without parameters, per locale however the locale is spelt, and keeps locales apart', async () => {
    const i18n = await createI18n({ supported: ['en-US', 'en-GB'], fallback: 'en-US' });
    lookups = 0;
    for (let i = 0; i < 20; i += 1) {
      expect(i18n.t('en-US', 'common.regionNameStyle')).toBe(i18n.t('en-us', 'common.regionNameStyle'));
      expect(i18n.t('en-GB', 'teams.commands.denySignIn')).toBe(i18n.t(' en_gb ', 'teams.commands.denySignIn'));
    }
    expect(lookups).toBe(2);
    expect(i18n.t('en-US', 'common.greeting', { name: 'Ada' })).toBe('Hi Ada!');
    expect(i18n.t('en-GB', 'common.greeting', { name: 'Ada' })).toBe('Hello Ada!');
  });

  it('reports a missing key each time it is asked for', async () => {
    const missing: string[] = [];
    const i18n = await createI18n({ supported: ['en-US'], fallback: 'en-US', onMissingKey: (_l, key) => missing.push(key) });
    i18n.t('en-US', 'common.noSuchKey');
    i18n.t('en-US', 'common.noSuchKey');
    expect(missing).toEqual(['common.noSuchKey', 'common.noSuchKey']);
  });
});
