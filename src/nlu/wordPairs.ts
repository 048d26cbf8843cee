// Adds each pair of neighbouring word stems to what the classifier reads ("go back" → also "go_back"), so that a
// phrase means more than its words: "start over" is not "start", "call me" is not "call". Stems come from NLP.js's
// own tokenizers and stemmers, so the pairs match however the words were inflected.
import { stemmerFor } from './stems';

export type AddWordPairs = (text: string) => string;

export function wordPairs(language: string): AddWordPairs {
  const stemText = stemmerFor(language);
  if (stemText === undefined) return (text) => text;
  return (text) => {
    const { stems } = stemText(text);
    const pairs = stems.slice(1).map((stem, i) => `${stems[i]}_${stem}`);
    return pairs.length === 0 ? text : `${text} ${pairs.join(' ')}`;
  };
}
