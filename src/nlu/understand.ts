// The NLU the channels call: understand(text, locale, { step }) → intent, score, entities. One recognizer per
// locale, trained on first use (or all at once by warmUp at start-up) and kept; concurrent first calls share one
// training. A locale without its own utterances uses the closest one of the same language, then the fallback.
import type { CountryCode } from 'libphonenumber-js';
import type { OrgConfig } from '../config/orgConfigSchema';
import { defaultIntentLocalesDir, hasIntentCorpus, loadIntentCorpus } from './intentCorpus';
import { IntentRecognizer, type UnderstandContext, type Understanding } from './intentRecognizer';
import { defaultModelCacheDir, fileModelCache } from './modelCache';

export interface NluOptions {
  /** The locales to understand (the organisation's offered locales); each needs locales/<lng>/intents.json. */
  readonly locales: readonly string[];
  readonly fallback: string;
  readonly defaultCountry: CountryCode;
  /** The organisation's code length; 6 (the authenticator app's) is always accepted too. */
  readonly codeLength?: number;
  readonly threshold?: number;
  readonly localesDir?: string;
  /** Where trained models are kept between runs (see modelCache.ts); undefined: train on every start. */
  readonly modelCacheDir?: string;
  /** Told when the model cache cannot be read or written (the NLU trains instead). */
  readonly onCacheError?: (what: string, err: unknown) => void;
}

export interface Nlu {
  understand(text: string, locale: string, context?: UnderstandContext): Promise<Understanding>;
  /** Trains every locale now (start-up), so the first person does not wait for it. */
  warmUp(): Promise<void>;
  /** The locale whose utterances answer `requested`. */
  localeFor(requested: string): string;
}

/**
 * Chosen on the held-out corpus and a set of messages about something else (lunch, the printer, "thanks"): lower
 * lets unrelated chatter through as a guess, higher loses short commands. 0.4 with NLP.js's "None" feature lets
 * through no more chatter than 0.5 did without it, and understands more (see NLU_MANAGER_SETTINGS).
 */
export const DEFAULT_THRESHOLD = 0.4;

export function createNlu(options: NluOptions): Nlu {
  const localesDir = options.localesDir ?? defaultIntentLocalesDir();
  const locales = [...new Set([...options.locales, options.fallback])];
  const missing = locales.filter((lng) => !hasIntentCorpus(localesDir, lng));
  if (missing.length > 0) throw new Error(`No locales/<lng>/intents.json for ${missing.join(', ')} in ${localesDir}`);
  const recognizerOptions = {
    defaultCountry: options.defaultCountry,
    codeLengths: [...new Set([6, options.codeLength ?? 6])],
    threshold: options.threshold ?? DEFAULT_THRESHOLD,
  };
  const cache = options.modelCacheDir === undefined ? undefined : fileModelCache(options.modelCacheDir, options.onCacheError);
  const trained = new Map<string, Promise<IntentRecognizer>>();
  const recognizer = (locale: string): Promise<IntentRecognizer> => {
    let pending = trained.get(locale);
    if (pending === undefined) {
      pending = IntentRecognizer.train(loadIntentCorpus(localesDir, locale), recognizerOptions, cache);
      // A failed training is not kept: the next message tries again.
      pending.catch(() => trained.delete(locale));
      trained.set(locale, pending);
    }
    return pending;
  };

  const byLower = new Map(locales.map((lng) => [lng.toLowerCase(), lng]));
  const localeFor = (requested: string): string => {
    const cleaned = requested.trim().replace(/_/g, '-').toLowerCase();
    const language = cleaned.split('-')[0];
    return byLower.get(cleaned) ?? locales.find((lng) => lng.toLowerCase().split('-')[0] === language) ?? options.fallback;
  };

  return {
    understand: async (text, locale, context) => (await recognizer(localeFor(locale))).understand(text, context),
    warmUp: async () => {
      for (const locale of locales) await recognizer(locale);
    },
    localeFor,
  };
}

const shared = new Map<string, Nlu>();

/**
 * One NLU per configuration in this process: every bot built with the same options (the Teams handler, each test's
 * bot) shares one training, which is the slow part (seconds per locale).
 */
export function sharedNlu(options: NluOptions): Nlu {
  const key = JSON.stringify([[...options.locales].sort(), options.fallback, options.defaultCountry, options.codeLength ?? 6, options.threshold ?? DEFAULT_THRESHOLD, options.localesDir ?? '', options.modelCacheDir ?? '']);
  let nlu = shared.get(key);
  if (nlu === undefined) {
    nlu = createNlu(options);
    shared.set(key, nlu);
  }
  return nlu;
}

/**
 * The NLU for the organisation's offered locales, trained (or loaded from the model cache) once per process.
 * `modelCache`: a directory, "default" (the project's .cache/nlu) or "off".
 */
export function organisationNlu(org: OrgConfig, modelCache = 'default', onCacheError?: NluOptions['onCacheError']): Nlu {
  const modelCacheDir = modelCache === 'off' ? undefined : modelCache === 'default' ? defaultModelCacheDir() : modelCache;
  return sharedNlu({
    locales: org.locales.offered,
    fallback: org.locales.default,
    defaultCountry: org.phone.defaultCountry,
    codeLength: org.codes.length,
    ...(modelCacheDir !== undefined ? { modelCacheDir } : {}),
    ...(onCacheError ? { onCacheError } : {}),
  });
}
