// createI18n against the real locales (interpolation, en-GB vs en-US) and against temporary locale folders
// (per-key fallback, plurals, missing keys, the start-up check).
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createI18n, LocaleSetupError, type I18n } from '../../src/i18n';

const SUPPORTED = ['en-US', 'en-GB'] as const;

describe('createI18n with the repository locales', () => {
  let i18n: I18n;
  beforeAll(async () => {
    i18n = await createI18n({ supported: SUPPORTED, fallback: 'en-US' });
  });

  it('when a key has {{placeholders}}, then the values are interpolated and not HTML-escaped', () => {
    expect(i18n.t('en-US', 'common.greeting', { name: 'Ada' })).toBe('Hi Ada!');
    expect(i18n.t('en-GB', 'common.greeting', { name: 'Ada' })).toBe('Hello Ada!');
    expect(i18n.t('en-US', 'common.greeting', { name: "O'Brien & <Co>" })).toBe("Hi O'Brien & <Co>!");
    expect(i18n.t('en-US', 'common.helpDesk.phone', { phone: '+1 555 0100' })).toContain('+1 555 0100');
  });

  it('when the same key is asked in en-GB and en-US, then the spelling and wording differ', () => {
    expect(i18n.t('en-US', 'common.tenantNotAllowed')).toContain('organization');
    expect(i18n.t('en-GB', 'common.tenantNotAllowed')).toContain('organisation');
    expect(i18n.t('en-GB', 'common.welcome', { orgName: 'X' })).not.toBe(i18n.t('en-US', 'common.welcome', { orgName: 'X' }));
    expect(i18n.t('en-GB', 'common.welcome', { orgName: 'X' })).toContain('mobile phone');
    expect(i18n.t('en-US', 'common.welcome', { orgName: 'X' })).toContain('cell phone');
  });

  it.each<[string | null | undefined, string]>([
    ['en-US', 'en-US'],
    ['en-GB', 'en-GB'],
    ['en-gb', 'en-GB'],
    ['en_GB', 'en-GB'],
    ['EN-us', 'en-US'],
    [' en-GB ', 'en-GB'],
    ['en', 'en-US'],
    ['en-AU', 'en-US'],
    ['fr-FR', 'en-US'],
    ['', 'en-US'],
    [null, 'en-US'],
    [undefined, 'en-US'],
    ['x'.repeat(40), 'en-US'],
  ])('when resolveLocale(%j), then %s', (requested, expected) => {
    expect(i18n.resolveLocale(requested)).toBe(expected);
  });

  it('when t is given a Teams-style locale, then it resolves it first', () => {
    expect(i18n.t('en_gb', 'common.greeting', { name: 'Ada' })).toBe('Hello Ada!');
  });

  it('when has and keys are asked, then they reflect the loaded files', () => {
    expect(i18n.has('common.welcome')).toBe(true);
    expect(i18n.has('common.noSuchKey')).toBe(false);
    expect(i18n.has('common')).toBe(false);
    expect(i18n.keys('en-GB')).toContain('common.helpDesk.hours');
    expect(i18n.keys('en-GB')).toEqual([...i18n.keys('en-GB')].sort());
    expect(i18n.supported).toEqual(['en-US', 'en-GB']);
  });
});

describe('createI18n with temporary locale folders', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'signet-i18n-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function write(lng: string, file: string, content: unknown): void {
    mkdirSync(join(dir, lng), { recursive: true });
    writeFileSync(join(dir, lng, file), typeof content === 'string' ? content : JSON.stringify(content));
  }

  it('when a locale lacks a key or has it empty, then the fallback locale text is used, never the key', async () => {
    write('en-US', 'common.json', { unexpectedError: 'Sorry.', only: 'US only', empty: 'US text' });
    write('en-GB', 'common.json', { unexpectedError: 'Sorry!', empty: '' });
    const i18n = await createI18n({ localesDir: dir, supported: ['en-US', 'en-GB'], fallback: 'en-US' });
    expect(i18n.t('en-GB', 'common.only')).toBe('US only');
    expect(i18n.t('en-GB', 'common.empty')).toBe('US text');
  });

  it('when a key exists nowhere, then the apology is shown and onMissingKey is told', async () => {
    write('en-US', 'common.json', { unexpectedError: 'Sorry, something broke.' });
    const missing: Array<[string, string]> = [];
    const i18n = await createI18n({ localesDir: dir, supported: ['en-US'], fallback: 'en-US', onMissingKey: (l, k) => missing.push([l, k]) });
    expect(i18n.t('en-US', 'enrollment.nope')).toBe('Sorry, something broke.');
    // A key naming a whole file or object is not a translation either.
    expect(i18n.t('en-GB', 'common')).toBe('Sorry, something broke.');
    expect(missing).toEqual([['en-US', 'enrollment.nope'], ['en-US', 'common']]);
  });

  it('when a key has _one/_other forms, then count picks the plural and has() knows the base key', async () => {
    write('en-US', 'common.json', { unexpectedError: 'x', attemptsLeft_one: '{{count}} try left', attemptsLeft_other: '{{count}} tries left' });
    const i18n = await createI18n({ localesDir: dir, supported: ['en-US'], fallback: 'en-US' });
    expect(i18n.t('en-US', 'common.attemptsLeft', { count: 1 })).toBe('1 try left');
    expect(i18n.t('en-US', 'common.attemptsLeft', { count: 3 })).toBe('3 tries left');
    expect(i18n.has('common.attemptsLeft')).toBe(true);
  });

  it('when a parameter is named like an i18next option, then it is still just a value', async () => {
    write('en-US', 'common.json', { unexpectedError: 'x', echo: '{{lng}}/{{ns}}/{{context}}' });
    write('en-GB', 'common.json', { unexpectedError: 'x', echo: 'GB {{lng}}/{{ns}}/{{context}}' });
    const i18n = await createI18n({ localesDir: dir, supported: ['en-US', 'en-GB'], fallback: 'en-US' });
    expect(i18n.t('en-GB', 'common.echo', { lng: 'a', ns: 'b', context: 'c' })).toBe('GB a/b/c');
  });

  it('when a parameter value contains {{…}} or $t(…), then it is not interpreted again', async () => {
    write('en-US', 'common.json', { unexpectedError: 'x', secret: 'S', hello: 'Hi {{name}}' });
    const i18n = await createI18n({ localesDir: dir, supported: ['en-US'], fallback: 'en-US' });
    expect(i18n.t('en-US', 'common.hello', { name: '{{name}} $t(common.secret)' })).toBe('Hi {{name}} $t(common.secret)');
  });

  it('when an offered locale has no folder, then start-up fails naming it', async () => {
    write('en-US', 'common.json', { unexpectedError: 'x' });
    await expect(createI18n({ localesDir: dir, supported: ['en-US', 'fr-FR'], fallback: 'en-US' })).rejects.toThrow(LocaleSetupError);
    await expect(createI18n({ localesDir: dir, supported: ['en-US', 'fr-FR'], fallback: 'en-US' })).rejects.toThrow(/"fr-FR"/);
  });

  it('when the fallback has no folder, then start-up fails naming it', async () => {
    write('en-GB', 'common.json', { unexpectedError: 'x' });
    await expect(createI18n({ localesDir: dir, supported: ['en-GB'], fallback: 'en-US' })).rejects.toThrow(/"en-US"/);
  });

  it('when a locale file is not valid JSON or not an object of strings, then start-up fails naming the file', async () => {
    write('en-US', 'common.json', '{ "a": ');
    await expect(createI18n({ localesDir: dir, supported: ['en-US'], fallback: 'en-US' })).rejects.toThrow(/common\.json is not valid JSON/);
    write('en-US', 'common.json', { a: ['x'] });
    await expect(createI18n({ localesDir: dir, supported: ['en-US'], fallback: 'en-US' })).rejects.toThrow(/common\.json must be a JSON object/);
  });
});
