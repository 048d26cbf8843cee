// Splits words NLP.js's stemmers keep whole into the words the classifier learnt: a Spanish verb with its pronouns
// attached ("llámame", "mándamelo" → "llama me", "manda me lo") and an English "didnt"/"cant" typed without its
// apostrophe (→ "did not", "ca not", as NLP.js's tokenizer splits "didn't"). The training utterances are the
// dictionary: a split is kept only when what is left is a word they use, so "escuela" or "want" stay whole. Then
// Spanish synonyms read as one word (spanishSynonyms.ts: "cel" → "celular", "textéame" → "manda mensaje me") and
// unknown Spanish words as the training word they spell (spanishSpelling.ts: "nesesito" → "necesito").
import { StemmerEn, TokenizerEn } from '@nlpjs/lang-en-min';
import { spanishRespeller } from './spanishSpelling';
import { remembering, spanishStemmer } from './spanishMemory';
import { spanishStemClashes } from './spanishStemClashes';
import { spanishSynonyms } from './spanishSynonyms';
import { spanishVerbReader, type SavedVerbForms } from './spanishVerbs';
import { chunksOf, wordOf, type Word } from './words';

export type SplitWords = (text: string) => string;

/** Pronouns a Spanish imperative, infinitive or gerund takes at its end; a second one is always lo/la/los/las. */
const FIRST_PRONOUNS = ['me', 'te', 'se', 'nos'] as const;
const LAST_PRONOUNS = ['lo', 'la', 'los', 'las'] as const;
const SINGLE_PRONOUNS = ['me', 'te', 'se', 'nos', 'lo', 'la', 'le', 'los', 'las', 'les'] as const;
/** Without a written accent, "-te"/"-se" ends too many nouns and adjectives ("diferente", "clase") to be trusted. */
const UNACCENTED_DOUBTFUL = new Set(['te', 'se']);
/** A verb shorter than this is no verb ("me", "la"): "llame" must not become "lla me". */
const SHORTEST_SPANISH_VERB = 3;

/** The splitter for a language, its dictionary built from the utterances the classifier is trained on. */
export function wordSplitter(language: string, trainingUtterances: readonly string[], savedVerbForms?: SavedVerbForms): SplitWords {
  if (language === 'es') {
    const split = spanishSplitter(trainingUtterances);
    const readSynonyms = spanishSynonyms();
    const respell = spanishRespeller(trainingUtterances);
    const readVerbs = spanishVerbReader(trainingUtterances, savedVerbForms);
    const readApart = spanishStemClashes();
    return (text) => readApart(readVerbs(respell(readSynonyms(split(text)))));
  }
  if (language === 'en') return englishSplitter(trainingUtterances);
  return (text) => text;
}

function spanishSplitter(trainingUtterances: readonly string[]): SplitWords {
  const stem = spanishStemmer();
  // Two passes: the accented forms the corpus itself holds ("llámame") are split first, so that the dictionary
  // knows "llama" and not "llamam", and the same word typed without its accent splits the same way.
  const raw = knownStems(trainingUtterances, stem);
  const accentedChunk = remembering((chunk) => splitText(chunk, (word) => (word.accented ? spanishSplit(word, raw, stem) : undefined)));
  const accentedOnly = (text: string) => chunksOf(text).map(accentedChunk).join('');
  const known = knownStems(trainingUtterances.map(accentedOnly), stem);
  const splitChunk = remembering((chunk) => splitText(chunk, (word) => (word.accented || !known.has(stem(word.folded)) ? spanishSplit(word, known, stem) : undefined)));
  return (text) => chunksOf(text).map(splitChunk).join('');
}

/**
 * "llamame" → ["llama", "me"] when "llama" is a known word; undefined when no split leaves one. What is left must
 * look like a verb that takes pronouns (see isVerbShaped): "quítelo" is "quite lo", not "qui te lo" ("qui" is
 * what the stemmer makes of "quien"). A verb the stemmer does not know may be known in its other spelling: the
 * usted form changes c, g, z before e ("sáqueme" → "saca me", "tóquelo" → "toca lo").
 */
function spanishSplit(word: Word, known: ReadonlySet<string>, stem: (w: string) => string): string[] | undefined {
  const candidates: string[][] = [];
  for (const first of FIRST_PRONOUNS) for (const last of LAST_PRONOUNS) candidates.push([first, last]);
  for (const single of SINGLE_PRONOUNS) if (word.accented || !UNACCENTED_DOUBTFUL.has(single)) candidates.push([single]);
  for (const pronouns of candidates) {
    const ending = pronouns.join('');
    if (!word.folded.endsWith(ending)) continue;
    const typed = word.folded.slice(0, -ending.length);
    if (typed.length < SHORTEST_SPANISH_VERB || !isVerbShaped(typed)) continue;
    const verb = [typed, ...otherSpellings(typed)].find((v) => known.has(stem(v)));
    if (verb !== undefined) return [verb, ...pronouns];
  }
  return undefined;
}

/**
 * Pronouns attach to an imperative (llama, llame, llamen, haz, pon, sal), an infinitive (llamar) or a gerund
 * (llamando): such a verb ends in a vowel a/e, in n, r, z, l, d, or in "ndo".
 */
function isVerbShaped(verb: string): boolean {
  return VERB_LAST_LETTERS.has(verb.at(-1)!) || verb.endsWith('ndo');
}
const VERB_LAST_LETTERS = new Set(['a', 'e', 'n', 'r', 'z', 'l', 'd']);

/** Endings of the usted/subjunctive forms whose consonant is spelt differently before e ("saque" of "sacar"). */
const RESPELT_ENDINGS: ReadonlyArray<readonly [string, string]> = [
  ['que', 'ca'],
  ['quen', 'can'],
  ['gue', 'ga'],
  ['guen', 'gan'],
  ['ce', 'za'],
  ['cen', 'zan'],
];

/** The same verb form spelt as the stemmer knows it: "saque" → ["saca"]; nothing for other words. */
function otherSpellings(word: string): string[] {
  return RESPELT_ENDINGS.filter(([ending]) => word.endsWith(ending)).map(([ending, other]) => word.slice(0, -ending.length) + other);
}

function englishSplitter(trainingUtterances: readonly string[]): SplitWords {
  const stemmer = new StemmerEn();
  const stem = (word: string): string => stemmer.stem([word])[0] ?? word;
  // Read as NLP.js reads them, so that "didn't" makes "did" and "not" known.
  const tokenizer = new TokenizerEn();
  const known = new Set(trainingUtterances.flatMap((u) => tokenizer.tokenize(u.toLowerCase(), true)).map(stem));
  // NLP.js reads "don't" as "do not" and "can't" as "ca not": an unknown "dont"/"cant" is the same words.
  return (text) =>
    splitText(text, ({ folded }) => {
      if (known.has(stem(folded)) || !folded.endsWith('nt')) return undefined;
      const verb = folded.slice(0, -2);
      return verb.length >= 2 && known.has(stem(verb)) ? [verb, 'not'] : undefined;
    });
}

/** The stems of every word of the utterances. */
function knownStems(utterances: readonly string[], stem: (w: string) => string): Set<string> {
  const known = new Set<string>();
  for (const chunk of new Set(utterances.flatMap((u) => u.split(/\s+/)))) {
    const word = wordOf(chunk);
    if (word !== undefined) known.add(stem(word.folded));
  }
  return known;
}

/** The text with each word the rule splits replaced by its parts; everything else kept as typed. */
function splitText(text: string, split: (word: Word) => string[] | undefined): string {
  return chunksOf(text)
    .map((chunk) => {
      const word = wordOf(chunk);
      const parts = word === undefined ? undefined : split(word);
      return parts === undefined ? chunk : parts.join(' ');
    })
    .join('');
}
