// A text's word stems as NLP.js reads them (its own tokenizer and stemmer, lower-case, accents folded), so that
// features added beside the text (word pairs, concepts, negation) match however the words were inflected.
import { StemmerEn, TokenizerEn } from '@nlpjs/lang-en-min';
import { StemmerEs, TokenizerEs } from '@nlpjs/lang-es';

/** The words (letters only, "didn't" → "did", "not") and their stems, in order; undefined for a language without a pack. */
export type StemText = (text: string) => { readonly words: readonly string[]; readonly stems: readonly string[] };

export function stemmerFor(language: string): StemText | undefined {
  const tools = language === 'en' ? { tokenizer: new TokenizerEn(), stemmer: new StemmerEn() } : language === 'es' ? { tokenizer: new TokenizerEs(), stemmer: new StemmerEs() } : undefined;
  if (tools === undefined) return undefined;
  return (text) => {
    const folded = text.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '');
    const words = tools.tokenizer.tokenize(folded, true).filter((t) => /^\p{L}+$/u.test(t));
    return { words, stems: tools.stemmer.stem([...words]) };
  };
}
