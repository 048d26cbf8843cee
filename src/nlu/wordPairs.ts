// Adds each pair of neighbouring word stems to what the classifier reads ("go back" → also "go_back"), so that a
// phrase means more than its words: "start over" is not "start", "call me" is not "call". Stems come from NLP.js's
// own tokenizers and stemmers, so the pairs match however the words were inflected.
import { StemmerEn, TokenizerEn } from '@nlpjs/lang-en-min';
import { StemmerEs, TokenizerEs } from '@nlpjs/lang-es';

export type AddWordPairs = (text: string) => string;

export function wordPairs(language: string): AddWordPairs {
  const tools = language === 'en' ? { tokenizer: new TokenizerEn(), stemmer: new StemmerEn() } : language === 'es' ? { tokenizer: new TokenizerEs(), stemmer: new StemmerEs() } : undefined;
  if (tools === undefined) return (text) => text;
  return (text) => {
    const folded = text.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '');
    const stems = tools.stemmer.stem(tools.tokenizer.tokenize(folded, true).filter((t) => /^\p{L}+$/u.test(t)));
    const pairs = stems.slice(1).map((stem, i) => `${stems[i]}_${stem}`);
    return pairs.length === 0 ? text : `${text} ${pairs.join(' ')}`;
  };
}
