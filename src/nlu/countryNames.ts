// Country names read as one word ("country", "país") by the classifier: "I'm flying to Japan" then looks like the
// travel phrasings the corpus has, whichever country was named. The names come from ICU (Intl.DisplayNames) for
// every country libphonenumber-js knows, in the locale's language, so Signet keeps no list of its own.
import { getCountries } from 'libphonenumber-js';
import { chunksOf, wordOf } from './words';

/** The word a named country becomes; each is a word the travel utterances of that language use. */
const COUNTRY_WORD: Readonly<Record<string, string>> = { en: 'country', es: 'país' };

export type NameCountries = (text: string) => string;

export function countryNamer(language: string): NameCountries {
  const placeholder = COUNTRY_WORD[language];
  if (placeholder === undefined) return (text) => text;
  const names = countryNames(language);
  return (text) => {
    const chunks = chunksOf(text);
    // Every other chunk is whitespace: words sit at even indexes.
    const words = chunks.map((chunk, i) => (i % 2 === 0 ? (wordOf(chunk)?.folded ?? '') : ''));
    const out: string[] = [];
    for (let i = 0; i < chunks.length; i++) {
      const length = i % 2 === 0 ? longestNameAt(words, i, names) : 0;
      if (length === 0) {
        out.push(chunks[i]!);
      } else {
        out.push(placeholder);
        i += 2 * (length - 1);
      }
    }
    return out.join('');
  };
}

/** Names by their first word, each as its folded words, longest first ("el salvador" before any "el …"). */
function countryNames(language: string): Map<string, string[][]> {
  const display = new Intl.DisplayNames([language], { type: 'region' });
  const byFirst = new Map<string, string[][]>();
  for (const code of getCountries()) {
    const name = display.of(code);
    if (name === undefined || name === code) continue;
    const words = chunksOf(name).filter((_, i) => i % 2 === 0).map((chunk) => wordOf(chunk)?.folded);
    // "Antigua & Barbuda", "Congo - Kinshasa": a name with a sign in it is not how people type it.
    if (words.length === 0 || words.some((w) => w === undefined || w === '')) continue;
    const list = byFirst.get(words[0]!) ?? [];
    list.push(words as string[]);
    byFirst.set(words[0]!, list);
  }
  for (const list of byFirst.values()) list.sort((a, b) => b.length - a.length);
  return byFirst;
}

/** How many words of a country's name start at word index `at` (0 when none does). */
function longestNameAt(words: readonly string[], at: number, names: ReadonlyMap<string, string[][]>): number {
  const candidates = names.get(words[at]!) ?? [];
  const found = candidates.find((name) => name.every((word, k) => words[at + 2 * k] === word));
  return found?.length ?? 0;
}
