// Memory for the Spanish text rules: they stem and rewrite every word of every training utterance and message,
// mostly the same few thousand words, and NLP.js's stemmer and Unicode folding are most of their cost.
import { StemmerEs } from '@nlpjs/lang-es';

/** Enough for every word of the corpus and of the messages between two restarts; then it starts over. */
const MAX_REMEMBERED = 20_000;

/** `rule` with a bounded memory of its answers (rule must be pure). */
export function remembering<T>(rule: (key: string) => T): (key: string) => T {
  const answers = new Map<string, T>();
  return (key) => {
    if (answers.has(key)) return answers.get(key)!;
    const answer = rule(key);
    if (answers.size >= MAX_REMEMBERED) answers.clear();
    answers.set(key, answer);
    return answer;
  };
}

/** NLP.js's Spanish stemmer for one word, remembered. */
export function spanishStemmer(): (word: string) => string {
  const stemmer = new StemmerEs();
  return remembering((word) => stemmer.stem([word])[0] ?? word);
}
