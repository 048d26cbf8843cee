// Keeps apart Spanish words NLP.js's stemmer joins with an unrelated word of the corpus: "parar" (stop, a cancel)
// and "para" (for, in every question) both stem to "par"; "manera" (a way to verify) and "mano" (hand) to "man";
// "fuera" (outside the country) is read by the stemmer as a form of "ser"; the auxiliary "ha"/"han" ("no me ha
// llegado") as "hay" (there is: "qué opciones hay"). Each is read as a synonym of its own, the auxiliary as nothing.
import { remembering } from './spanishMemory';
import { chunksOf, wordOf } from './words';

export type ReadApart = (text: string) => string;

/**
 * Word (folded, after verb forms were read as infinitives) → a word of the same meaning the stemmer keeps apart.
 * Found by listing the corpus's stems shared by words of different meaning.
 */
export const STEM_CLASHES: ReadonlyMap<string, string> = new Map([
  ['parar', 'detener'],
  ['manera', 'forma'],
  ['maneras', 'formas'],
  ['fuera', 'afuera'],
]);

/**
 * The forms of "haber" that only make a perfect tense: "no me ha llegado" says what "no me llegó" says, and the
 * stemmer would read them as "hay". "hubo" and "haya" stay: "qué hubo" greets.
 */
export const PERFECT_AUXILIARIES: ReadonlySet<string> = new Set(['ha', 'he', 'han', 'has', 'hemos', 'habia', 'habian']);

export function spanishStemClashes(): ReadApart {
  const readChunk = remembering((chunk) => {
    const word = wordOf(chunk);
    if (word === undefined) return chunk;
    if (PERFECT_AUXILIARIES.has(word.folded)) return '';
    return STEM_CLASHES.get(word.folded) ?? chunk;
  });
  return (text) => chunksOf(text).map(readChunk).join('');
}
