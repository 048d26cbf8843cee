// Reads locales/<lng>/intents.json: the utterances of every trained intent in people's own words, and the names
// people use for methods and languages. Checked on load, so a typo in a locale file stops start-up, not a chat.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isMethodKind, type MethodKind } from '../domain/methodKinds';
import type { LanguageChoice } from './entities';
import { isTrainedIntent, TRAINED_INTENTS, type TrainedIntent } from './intents';

export const INTENTS_FILE = 'intents.json';

export interface IntentCorpus {
  readonly locale: string;
  readonly utterances: Readonly<Record<TrainedIntent, readonly string[]>>;
  readonly methods: Readonly<Partial<Record<MethodKind, readonly string[]>>>;
  readonly languages: Readonly<Partial<Record<LanguageChoice, readonly string[]>>>;
  /** Words that mean one thing to the classifier, by concept (optional; see concepts.ts). */
  readonly concepts: Readonly<Record<string, readonly string[]>>;
}

export class IntentCorpusError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IntentCorpusError';
  }
}

/** The repository's locales/ directory, from src/nlu under ts-jest or dist/src/nlu when compiled. */
export function defaultIntentLocalesDir(): string {
  const candidates = [resolve(__dirname, '..', '..', 'locales'), resolve(__dirname, '..', '..', '..', 'locales')];
  return candidates.find((dir) => existsSync(dir) && statSync(dir).isDirectory()) ?? candidates[0]!;
}

export function hasIntentCorpus(localesDir: string, locale: string): boolean {
  return existsSync(join(localesDir, locale, INTENTS_FILE));
}

export function loadIntentCorpus(localesDir: string, locale: string): IntentCorpus {
  const path = join(localesDir, locale, INTENTS_FILE);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new IntentCorpusError(`${path} cannot be read as JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  return parseIntentCorpus(locale, parsed, path);
}

/** Validates the shape: { intents: { <intent>: [utterance…] }, methods: { <kind>: [name…] }, languages: {…}, concepts: {…} }. */
export function parseIntentCorpus(locale: string, value: unknown, where: string): IntentCorpus {
  const root = asObject(value, where);
  const intents = asObject(root['intents'], `${where} "intents"`);
  const unknown = Object.keys(intents).filter((name) => !isTrainedIntent(name));
  if (unknown.length > 0) throw new IntentCorpusError(`${where}: unknown intent(s) ${unknown.join(', ')}`);
  const missing = TRAINED_INTENTS.filter((name) => !(name in intents));
  if (missing.length > 0) throw new IntentCorpusError(`${where}: no utterances for ${missing.join(', ')}`);
  const utterances = Object.fromEntries(
    TRAINED_INTENTS.map((name) => [name, asStrings(intents[name], `${where} "intents.${name}"`)]),
  ) as Record<TrainedIntent, string[]>;

  const methodsObject = asObject(root['methods'] ?? {}, `${where} "methods"`);
  const badKinds = Object.keys(methodsObject).filter((k) => !isMethodKind(k));
  if (badKinds.length > 0) throw new IntentCorpusError(`${where}: unknown method kind(s) ${badKinds.join(', ')}`);
  const methods = Object.fromEntries(Object.entries(methodsObject).map(([k, v]) => [k, asStrings(v, `${where} "methods.${k}"`)]));

  const languagesObject = asObject(root['languages'] ?? {}, `${where} "languages"`);
  const badLanguages = Object.keys(languagesObject).filter((k) => k !== 'en' && k !== 'es');
  if (badLanguages.length > 0) throw new IntentCorpusError(`${where}: unknown language(s) ${badLanguages.join(', ')}`);
  const languages = Object.fromEntries(Object.entries(languagesObject).map(([k, v]) => [k, asStrings(v, `${where} "languages.${k}"`)]));

  const conceptsObject = asObject(root['concepts'] ?? {}, `${where} "concepts"`);
  const concepts = Object.fromEntries(Object.entries(conceptsObject).map(([k, v]) => [k, asStrings(v, `${where} "concepts.${k}"`)]));

  return { locale, utterances, methods, languages, concepts };
}

function asObject(value: unknown, where: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new IntentCorpusError(`${where} must be an object`);
  return value as Record<string, unknown>;
}

function asStrings(value: unknown, where: string): string[] {
  if (!Array.isArray(value) || value.length === 0) throw new IntentCorpusError(`${where} must be a non-empty array of strings`);
  if (!value.every((v): v is string => typeof v === 'string' && v.trim() !== '')) {
    throw new IntentCorpusError(`${where} must hold only non-empty strings`);
  }
  return value;
}
