// Words as the NLU's text rules see them: a whitespace-separated chunk of letters, lower-case, accents folded the way
// NLP.js's normalisers fold them, and whether it carried a written (acute) accent.

export interface Word {
  /** Lower-case, accents folded: what NLP.js's Spanish normaliser makes of it. */
  readonly folded: string;
  readonly accented: boolean;
}

/** The text cut into words and the whitespace between them, so that joining the pieces gives the text back. */
export function chunksOf(text: string): string[] {
  return text.split(/(\s+)/);
}

/** A chunk made of letters only (no digits, no punctuation inside) as a word; leading and trailing marks dropped. */
export function wordOf(chunk: string): Word | undefined {
  const letters = [...chunk];
  const isLetter = (c: string) => c.toLowerCase() !== c.toUpperCase();
  let start = 0;
  let end = letters.length;
  while (start < end && !isLetter(letters[start]!)) start++;
  while (end > start && !isLetter(letters[end - 1]!)) end--;
  const core = letters.slice(start, end);
  if (core.length === 0 || !core.every(isLetter)) return undefined;
  const marks = [...core.join('').toLowerCase().normalize('NFD')];
  const folded = foldMarks(marks);
  // Only the acute accent marks stress ("llámame"); the tilde of "ñ" folds away, as NLP.js does, but says nothing.
  return { folded, accented: marks.includes(ACUTE_ACCENT) };
}

/** Lower-case, accents folded ("Añadí" → "anadi"), as `Word.folded`. */
export function foldWord(word: string): string {
  return foldMarks([...word.toLowerCase().normalize('NFD')]);
}

function foldMarks(decomposed: readonly string[]): string {
  return decomposed.filter((c) => !isCombiningMark(c)).join('');
}

const ACUTE_ACCENT = '\u0301';

/** The combining diacritical marks NFD puts after a letter ("á" → "a" + U+0301). */
function isCombiningMark(c: string): boolean {
  const code = c.codePointAt(0)!;
  return code >= 0x300 && code <= 0x36f;
}
