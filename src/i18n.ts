// i18next, initialised once from locales/<lng>/<flow>.json (the file name is the top-level key: common.json's
// "welcome" is `common.welcome`), behind a small interface: channels say replies in a locale, nothing else.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import i18next from 'i18next';

export type TranslationParams = Readonly<Record<string, string | number>>;

export interface I18n {
  /** The text of `key` in `locale` (resolved with resolveLocale), falling back to the fallback locale per key. */
  t(locale: string, key: string, params?: TranslationParams): string;
  /** True when the fallback locale has `key` (or its plural forms `key_one`, `key_other`, …). */
  has(key: string): boolean;
  /** The supported locale closest to `requested` (a Teams/HTTP locale such as "en-gb" or "en_GB"), else the fallback. */
  resolveLocale(requested: string | null | undefined): string;
  readonly supported: readonly string[];
  /** Every leaf key the locale's own files define, sorted. */
  keys(locale: string): string[];
}

export interface CreateI18nOptions {
  /** Defaults to the repository's `locales/` directory. */
  readonly localesDir?: string;
  /** The locales to load and offer (the organisation's `locales.offered`); each needs a directory. */
  readonly supported: readonly string[];
  readonly fallback: string;
  /** Told when a key exists in no loaded locale; the person then sees the generic apology, never the key. */
  readonly onMissingKey?: (locale: string, key: string) => void;
}

export class LocaleSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocaleSetupError';
  }
}

/** Shown instead of a raw key when a key is missing everywhere: a person must never read "enrollment.foo". */
const MISSING_KEY_STAND_IN = 'common.unexpectedError';
const PLURAL_SUFFIXES = ['zero', 'one', 'two', 'few', 'many', 'other'] as const;

export type LocaleTree = { [key: string]: string | LocaleTree };

export function defaultLocalesDir(): string {
  // src/i18n.ts runs from src/ under ts-jest and from dist/src/ when compiled; locales/ sits at the repo root.
  const candidates = [resolve(__dirname, '..', 'locales'), resolve(__dirname, '..', '..', 'locales')];
  return candidates.find((dir) => existsSync(dir) && statSync(dir).isDirectory()) ?? candidates[0]!;
}

export async function createI18n(options: CreateI18nOptions): Promise<I18n> {
  const localesDir = options.localesDir ?? defaultLocalesDir();
  const supported = [...new Set(options.supported)];
  if (!supported.includes(options.fallback)) supported.push(options.fallback);

  const missing = supported.filter((lng) => !hasLocaleFiles(localesDir, lng));
  if (missing.length > 0) {
    throw new LocaleSetupError(
      `Locale(s) ${missing.map((m) => `"${m}"`).join(', ')} are offered (org locales.offered / default) but ` +
        `${localesDir} has no <locale>/*.json files for them. Add the translations or remove the locale from the organisation file.`,
    );
  }

  const resources: Record<string, { translation: LocaleTree }> = {};
  const keysByLocale = new Map<string, string[]>();
  for (const lng of supported) {
    const tree = loadLocale(localesDir, lng);
    resources[lng] = { translation: tree };
    keysByLocale.set(lng, flattenKeys(tree).sort());
  }

  const instance = i18next.createInstance();
  await instance.init({
    resources,
    lng: options.fallback,
    fallbackLng: options.fallback,
    // Only the exact locale then the fallback: never a bare "en" that has no files.
    load: 'currentOnly',
    // Keys are file.path only; a ":" in a key must not be read as an i18next namespace.
    nsSeparator: false,
    initAsync: false,
    returnNull: false,
    // An empty string in a locale falls back rather than showing nothing.
    returnEmptyString: false,
    returnObjects: false,
    // Channels escape for their own medium (TwiML, Adaptive Cards, SMS); HTML-escaping here would double it.
    interpolation: { escapeValue: false },
    showSupportNotice: false,
  });

  const leafSets = new Map([...keysByLocale].map(([lng, keys]) => [lng, new Set(keys)]));
  // A leaf string (or its plural forms): a key naming a whole object is not a translation.
  const isLeaf = (lng: string, key: string): boolean => {
    const leaves = leafSets.get(lng);
    return leaves !== undefined && (leaves.has(key) || PLURAL_SUFFIXES.some((suffix) => leaves.has(`${key}_${suffix}`)));
  };
  const has = (key: string): boolean => isLeaf(options.fallback, key);

  const lookupByLower = new Map(supported.map((lng) => [lng.toLowerCase(), lng]));
  const offered = new Set(supported);

  const resolveLocale = (requested: string | null | undefined): string => {
    if (typeof requested !== 'string') return options.fallback;
    // An offered locale as spelt (what stored people and every translation call carry): no clean-up needed.
    if (offered.has(requested)) return requested;
    const cleaned = requested.trim().replace(/_/g, '-').toLowerCase();
    if (cleaned === '' || cleaned.length > 35) return options.fallback;
    const exact = lookupByLower.get(cleaned);
    if (exact) return exact;
    // "en", "en-AU": same language; prefer the fallback when it shares it, else the first offered that does.
    const language = cleaned.split('-')[0];
    const sameLanguage = (lng: string): boolean => lng.toLowerCase().split('-')[0] === language;
    if (sameLanguage(options.fallback)) return options.fallback;
    return supported.find(sameLanguage) ?? options.fallback;
  };

  // Resources never change after init, so a text is a function of (locale, key, params): remembered, i18next's
  // look-up (locale hierarchy, plural rules, interpolation) runs once per distinct reply instead of per message.
  const cache = new BoundedCache<string>(TRANSLATION_CACHE_ENTRIES);
  // Texts without parameters (most of a card's) by locale, then key: found without building a combined key.
  const plainTexts = new Map<string, Map<string, string>>();
  const t = (locale: string, key: string, params?: TranslationParams): string => {
    const lng = resolveLocale(locale);
    if (params === undefined) return plainText(lng, key);
    const cacheKey = translationCacheKey(lng, key, params);
    const cached = cache.get(cacheKey);
    if (cached !== undefined) return cached;
    const text = translate(lng, key, params);
    if (text !== undefined) cache.set(cacheKey, text);
    return text ?? missingText(lng, key);
  };
  const plainText = (lng: string, key: string): string => {
    let byKey = plainTexts.get(lng);
    const known = byKey?.get(key);
    if (known !== undefined) return known;
    const text = translate(lng, key);
    if (text === undefined) return missingText(lng, key);
    if (byKey === undefined) {
      byKey = new Map();
      plainTexts.set(lng, byKey); // lng is an offered locale: a handful of maps
    }
    if (byKey.size < TRANSLATION_CACHE_ENTRIES) byKey.set(key, text);
    return text;
  };
  const missingText = (lng: string, key: string): string => {
    options.onMissingKey?.(lng, key);
    return key === MISSING_KEY_STAND_IN ? 'Sorry, something went wrong.' : t(lng, MISSING_KEY_STAND_IN);
  };
  /** The text, or undefined when no loaded locale has the key (never cached: each miss is reported). */
  const translate = (lng: string, key: string, params?: TranslationParams): string | undefined => {
    const count = typeof params?.['count'] === 'number' ? params['count'] : undefined;
    // Values go in `replace` so a parameter named like an i18next option (lng, ns, context…) stays a value.
    const tOptions = { lng, replace: { ...params }, ...(count === undefined ? {} : { count }) };
    const text: unknown = isLeaf(lng, key) || isLeaf(options.fallback, key) ? instance.t(key, tOptions) : undefined;
    // i18next answers a missing (or everywhere-empty) key with the key itself: never let that reach a person.
    return typeof text === 'string' && text !== '' && text !== key ? text : undefined;
  };

  return {
    t,
    has,
    resolveLocale,
    supported: Object.freeze([...supported]),
    keys: (locale) => [...(keysByLocale.get(resolveLocale(locale)) ?? [])],
  };
}

/** Distinct (locale, key, params) texts remembered; replies carrying codes or names make the set open-ended. */
const TRANSLATION_CACHE_ENTRIES = 5000;

/** NUL cannot occur in a locale or key; params go in as JSON (a different order is only a second entry). */
function translationCacheKey(lng: string, key: string, params: TranslationParams | undefined): string {
  return params === undefined ? `${lng}\u0000${key}` : `${lng}\u0000${key}\u0000${JSON.stringify(params)}`;
}

/** A Map that forgets its oldest entry when full: bounded memory whatever the parameters. */
class BoundedCache<V> {
  private readonly entries = new Map<string, V>();
  constructor(private readonly capacity: number) {}
  get(key: string): V | undefined {
    return this.entries.get(key);
  }
  set(key: string, value: V): void {
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, value);
  }
}

/** The NLU's utterances (src/nlu reads them): beside the translations, but not translations themselves. */
const NOT_TRANSLATIONS = new Set(['intents.json']);
const isTranslationFile = (file: string): boolean => file.endsWith('.json') && !NOT_TRANSLATIONS.has(file);

function hasLocaleFiles(localesDir: string, lng: string): boolean {
  const dir = join(localesDir, lng);
  return existsSync(dir) && statSync(dir).isDirectory() && readdirSync(dir).some(isTranslationFile);
}

function loadLocale(localesDir: string, lng: string): LocaleTree {
  const dir = join(localesDir, lng);
  const tree: LocaleTree = {};
  for (const file of readdirSync(dir).filter(isTranslationFile).sort()) {
    const path = join(dir, file);
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      throw new LocaleSetupError(`${path} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!isTree(parsed)) {
      throw new LocaleSetupError(`${path} must be a JSON object whose values are strings or nested objects of strings`);
    }
    tree[basename(file, '.json')] = parsed;
  }
  return tree;
}

function isTree(value: unknown): value is LocaleTree {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  return Object.values(value).every((v) => typeof v === 'string' || isTree(v));
}

/** Dotted paths of every string leaf: { a: { b: "x" } } → ["a.b"]. */
export function flattenKeys(tree: LocaleTree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [`${prefix}${k}`] : flattenKeys(v, `${prefix}${k}.`)));
}
