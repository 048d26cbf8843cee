// Keeps apart Spanish words NLP.js's stemmer joins with an unrelated word of the corpus: "parar" (stop, a cancel)
// and "para" (for, in every question) both stem to "par"; "manera" (a way to verify) and "mano" (hand) to "man";
// "fuera" (outside the country) is read by the stemmer as a form of "ser". Each is read as a synonym of its own.
import { remembering } from './spanishMemory';
import { chunksOf, wordOf } from './words';

export type ReadApart = (text: string) => string;

/**
 * Word (folded, after verb forms were read as infinitives) → a word of the same meaning the stemmer keeps apart.
 * Found by listing the corpus's stems shared by words of different meaning (the list is in the commit message).
 */
export const STEM_CLASHES: ReadonlyMap<string, string> = new Map([
  ['parar', 'detener'],
  ['manera', 'forma'],
  ['maneras', 'formas'],
  ['fuera', 'afuera'],
]);

export function spanishStemClashes(): ReadApart {
  const readChunk = remembering((chunk) => {
    const word = wordOf(chunk);
    return (word === undefined ? undefined : STEM_CLASHES.get(word.folded)) ?? chunk;
  });
  return (text) => chunksOf(text).map(readChunk).join('');
}
