// Reads a Spanish word the training never used as the training word it is a spelling of: a diminutive
// ("ratito" → "rato", "llamadita" → "llamada") or a word written as it sounds in American Spanish, where c/s/z,
// b/v, ll/y sound alike and h is silent ("nesesito" → "necesito", "yamar" → "llamar", "ablar" → "hablar").
// The training utterances are the dictionary: a word is replaced only by one they use, and only when one fits.
import { remembering, spanishStemmer } from './spanishMemory';
import { chunksOf, wordOf } from './words';

export type Respell = (text: string) => string;

/** Words shorter than this are left alone: "ay", "de", "yo" have too many look-alikes ("ola" is "hola"). */
const SHORTEST_RESPELT = 3;

export function spanishRespeller(trainingUtterances: readonly string[]): Respell {
  const stem = spanishStemmer();
  const chunks = new Set(trainingUtterances.flatMap((u) => chunksOf(u)));
  const words = new Set([...chunks].map((c) => wordOf(c)?.folded).filter((w): w is string => w !== undefined));
  const knownStems = new Set([...words].map(stem));
  // A sound shared by two different training words says neither: such keys are dropped.
  const bySound = new Map<string, string | null>();
  for (const word of words) {
    const key = soundOf(word);
    const other = bySound.get(key);
    if (other === undefined) bySound.set(key, word);
    else if (other !== null && stem(other) !== stem(word)) bySound.set(key, null);
  }
  const respell = (folded: string): string | undefined => {
    if (folded.length < SHORTEST_RESPELT || knownStems.has(stem(folded))) return undefined;
    const base = withoutDiminutive(folded).find((w) => knownStems.has(stem(w)));
    return base ?? bySound.get(soundOf(folded)) ?? undefined;
  };
  const respellChunk = remembering((chunk) => {
    const word = wordOf(chunk);
    return (word === undefined ? undefined : respell(word.folded)) ?? chunk;
  });
  return (text) => chunksOf(text).map(respellChunk).join('');
}

/** Diminutive endings and what the word ended with before: "-ito" was "-o", "-e" or nothing ("cafecito"). */
const DIMINUTIVES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['citos', ['s', 'es']],
  ['citas', ['s', 'es']],
  ['cito', ['', 'e']],
  ['cita', ['', 'e']],
  ['itos', ['os', 'es', 's']],
  ['itas', ['as', 'es', 's']],
  ['ito', ['o', 'e', '']],
  ['ita', ['a', 'e', '']],
];

/** The words "mensajito" may be the diminutive of: ["mensajo", "mensaje", "mensaj"]; none for other words. */
function withoutDiminutive(word: string): string[] {
  const found = DIMINUTIVES.find(([ending]) => word.endsWith(ending) && word.length > ending.length + 2);
  if (found === undefined) return [];
  const root = word.slice(0, -found[0].length);
  return found[1].map((ending) => root + ending);
}

/**
 * How a folded word sounds in American Spanish, letter by letter: h silent (but "ch"), c before e/i and z as s,
 * other c, qu and k as k, v as b, ll as y, final y as i, gu before e/i as g, g before e/i as j, doubled letters once.
 */
export function soundOf(word: string): string {
  let sound = '';
  for (let i = 0; i < word.length; i++) {
    const c = word[i]!;
    const next = word[i + 1] ?? '';
    const frontVowel = next === 'e' || next === 'i';
    let s: string;
    if (c === 'h') s = '';
    else if (c === 'c' && next === 'h') {
      s = 'ch';
      i++;
    } else if (c === 'c') s = frontVowel ? 's' : 'k';
    else if (c === 'z') s = 's';
    else if (c === 'q' && next === 'u') {
      s = 'k';
      i++;
    } else if (c === 'k') s = 'k';
    else if (c === 'v' || c === 'w') s = 'b';
    else if (c === 'l' && next === 'l') {
      s = 'y';
      i++;
    } else if (c === 'g' && next === 'u' && (word[i + 2] === 'e' || word[i + 2] === 'i')) {
      s = 'g';
      i++;
    } else if (c === 'g' && frontVowel) s = 'j';
    else if (c === 'x') s = 'ks';
    else if (c === 'y' && next === '') s = 'i';
    else s = c;
    if (!sound.endsWith(s) || s === '') sound += s;
  }
  return sound;
}
