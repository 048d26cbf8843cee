// Reads a Spanish verb form as its infinitive ("empiece", "empieza", "empezó" → "empezar"; "llegue", "llegó" →
// "llegar"): NLP.js's Snowball stemmer leaves a verb's conjugations apart, so a phrasing learnt in one person or
// tense is unknown in another. The verbs are those the training utterances use as infinitives; their forms come
// from a conjugator (every tense, the usted/tú imperatives and the subjunctive).
import { Conjugator } from '@jirimracek/conjugate-esp';
import { StopwordsEs } from '@nlpjs/lang-es';
import type { ModelCache } from './modelCache';
import { remembering } from './spanishMemory';
import { chunksOf, foldWord, wordOf } from './words';

export type ReadVerbs = (text: string) => string;

/** Pronouns an infinitive may carry in the corpus ("quitarlo", "inscribirme"): the infinitive is what is left. */
const ENCLITICS = ['melo', 'mela', 'selo', 'sela', 'me', 'te', 'se', 'nos', 'lo', 'la', 'le', 'los', 'las', 'les'] as const;

/** Conjugated forms (folded) → infinitive, per set of infinitives: conjugating costs milliseconds a verb. */
const formsByVerbs = new Map<string, ReadonlyMap<string, string>>();

/**
 * Where the forms are kept between starts, named by the model they belong to: conjugating the corpus's verbs costs
 * about 0.6 s of CPU, which every restart would otherwise pay before /readyz; reading them back costs milliseconds.
 */
export interface SavedVerbForms {
  readonly cache: ModelCache;
  readonly key: string;
}

export function spanishVerbReader(trainingUtterances: readonly string[], saved?: SavedVerbForms): ReadVerbs {
  const forms = savedForms(saved) ?? saveForms(saved, verbForms(corpusInfinitives(trainingUtterances)));
  const readChunk = remembering((chunk) => {
    const word = wordOf(chunk);
    return (word === undefined ? undefined : forms.get(word.folded)) ?? chunk;
  });
  return (text) => chunksOf(text).map(readChunk).join('');
}

function savedForms(saved: SavedVerbForms | undefined): ReadonlyMap<string, string> | undefined {
  const entries = saved?.cache.read(saved.key);
  const valid = Array.isArray(entries) && entries.every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' && typeof e[1] === 'string');
  return valid ? new Map(entries as Array<[string, string]>) : undefined;
}

function saveForms(saved: SavedVerbForms | undefined, forms: ReadonlyMap<string, string>): ReadonlyMap<string, string> {
  saved?.cache.write(saved.key, [...forms]);
  return forms;
}

/** The infinitives the utterances use, bare or with their pronouns, that the conjugator knows, as it spells them. */
export function corpusInfinitives(trainingUtterances: readonly string[]): string[] {
  const spelt = knownSpellings();
  const found = new Set<string>();
  for (const chunk of new Set(trainingUtterances.flatMap(chunksOf))) {
    const folded = wordOf(chunk)?.folded;
    if (folded === undefined) continue;
    const bare = [folded, ...ENCLITICS.filter((p) => folded.endsWith(p)).map((p) => folded.slice(0, -p.length))];
    const verb = bare.find((w) => /[aei]r$/.test(w) && spelt.has(w));
    if (verb !== undefined) found.add(spelt.get(verb)!);
  }
  return [...found].sort();
}

let verbList: ReadonlyMap<string, string> | undefined;
let conjugator: Conjugator | undefined;

/** The conjugator's verbs, folded ("anadir") → as it spells them ("añadir"). */
function knownSpellings(): ReadonlyMap<string, string> {
  conjugator ??= new Conjugator();
  verbList ??= new Map(conjugator.getVerbListSync().map((verb) => [foldWord(verb), verb]));
  return verbList;
}

/**
 * Every simple form of the verbs, folded, read as its infinitive. A form two of the verbs share ("fue": ser, ir)
 * says neither, and a stop word ("para", "como", "hay") is a word of its own: both are left as typed.
 */
export function verbForms(infinitives: readonly string[]): ReadonlyMap<string, string> {
  const key = infinitives.join(' ');
  const known = formsByVerbs.get(key);
  if (known !== undefined) return known;
  knownSpellings();
  const stopwords = new Set(Object.keys(new StopwordsEs().dictionary).map(foldWord));
  const owners = new Map<string, Set<string>>();
  for (const infinitive of infinitives) {
    for (const form of simpleForms(conjugator!.conjugateSync(infinitive, 'castellano'))) {
      const folded = foldWord(form);
      if (folded === foldWord(infinitive)) continue;
      const set = owners.get(folded) ?? new Set<string>();
      set.add(foldWord(infinitive));
      owners.set(folded, set);
    }
  }
  const forms = new Map<string, string>();
  for (const [form, verbs] of owners) if (verbs.size === 1 && !stopwords.has(form)) forms.set(form, [...verbs][0]!);
  formsByVerbs.set(key, forms);
  return forms;
}

/**
 * The one-word forms of a conjugator's answer: tenses, imperatives, gerund. Compound tenses and "-" are left out,
 * and so is the participle: mostly an adjective here ("bloqueado", "perdido"), and the stemmer already joins it with
 * its infinitive (measured: reading it as the infinitive changes no answer).
 */
function simpleForms(result: unknown): string[] {
  const out: string[] = [];
  const visit = (value: unknown, path: string): void => {
    if (typeof value === 'string') {
      if (!value.includes(' ') && value !== '-' && !path.includes('Participio') && !path.includes('Infinitivo') && !path.includes('info')) out.push(value);
    } else if (Array.isArray(value)) value.forEach((v) => visit(v, path));
    else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) visit(v, `${path}/${k}`);
  };
  visit(result, '');
  return out;
}
