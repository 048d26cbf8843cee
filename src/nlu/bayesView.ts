// A second view of a message for the intent classifier: naive Bayes over the letters of its words (3- and 4-letter
// pieces, word edges marked), beside the neural network's whole-word view, so that a typing slip or a word form the
// stemmer keeps apart ("optoins", "registration") still leans the right way. Trained by counting, from the
// utterances as written; deterministic. Its counts are cached with the neural model (LetterCounts).
import { foldWord } from './words';

export interface BayesView {
  /** Each trained intent's probability for the text (they sum to 1), in the order the intents were given. */
  scores(text: string): ReadonlyMap<string, number>;
}

/** Letter pieces of these lengths; the edges of a word count as letters (" ca", "ll "). */
const PIECE_LENGTHS = [3, 4] as const;
/** Added to every count (Lidstone): a piece an intent never used makes it less likely, never impossible. */
const SMOOTHING = 0.5;
/**
 * The mean evidence per piece is multiplied by this before the scores are shared out: sharp enough that a clear
 * message gives its intent most of the weight, soft enough that a doubtful one leaves the neural view to decide.
 */
const SHARPNESS = 25;

/**
 * What the view learns, as plain data: for each letter piece, in how many utterances of each intent it occurs
 * (intent index, count, …, only counts above zero), and each intent's utterance count. Cached with the neural model, so
 * that a start-up with a cached model need not read every utterance again.
 */
export interface LetterCounts {
  readonly intents: readonly string[];
  readonly utterances: readonly number[];
  readonly pieces: ReadonlyArray<readonly [string, readonly number[]]>;
}

/** Counts each intent's utterances' letter pieces (the utterances as written). */
export function countLetters(documents: ReadonlyArray<readonly [string, readonly string[]]>): LetterCounts {
  const byPiece = new Map<string, Map<number, number>>();
  documents.forEach(([, utterances], k) => {
    for (const utterance of utterances) {
      for (const piece of piecesOf(utterance)) {
        let row = byPiece.get(piece);
        if (row === undefined) byPiece.set(piece, (row = new Map()));
        row.set(k, (row.get(k) ?? 0) + 1);
      }
    }
  });
  return {
    intents: documents.map(([intent]) => intent),
    utterances: documents.map(([, utterances]) => utterances.length),
    pieces: [...byPiece].map(([piece, row]) => [piece, [...row].flat()] as const),
  };
}

/** Counts read back from the cache, or undefined when they are not counts (the caller counts again). */
export function asLetterCounts(value: unknown): LetterCounts | undefined {
  const v = value as Partial<LetterCounts> | null | undefined;
  const numbers = (a: unknown): boolean => Array.isArray(a) && a.every((n) => typeof n === 'number');
  if (v === null || typeof v !== 'object' || !Array.isArray(v.intents) || !numbers(v.utterances) || !Array.isArray(v.pieces)) return undefined;
  const fits = v.pieces.every((p) => Array.isArray(p) && typeof p[0] === 'string' && numbers(p[1]) && p[1].length % 2 === 0);
  return fits && v.intents.every((i) => typeof i === 'string') && (v.utterances as unknown[]).length === v.intents.length ? (v as LetterCounts) : undefined;
}

/** The view the counts make. */
export function bayesViewOf(counts: LetterCounts): BayesView {
  const { intents } = counts;
  const totals = new Float64Array(intents.length);
  for (const [, row] of counts.pieces) for (let i = 0; i < row.length; i += 2) totals[row[i]!]! += row[i + 1]!;
  // Kept as log-probabilities, one small row per piece: a message costs one addition per piece and intent.
  const denominators = Array.from(totals, (total) => Math.log(total + SMOOTHING * counts.pieces.length));
  const unseen = denominators.map((d) => Math.log(SMOOTHING) - d);
  const logProbabilities = new Map<string, Float32Array>();
  for (const [piece, row] of counts.pieces) {
    const logs = Float32Array.from(unseen);
    for (let i = 0; i < row.length; i += 2) logs[row[i]!] = Math.log(row[i + 1]! + SMOOTHING) - denominators[row[i]!]!;
    logProbabilities.set(piece, logs);
  }
  const logPriors = counts.utterances.map((n) => Math.log(Math.max(1, n)));
  return {
    scores(text) {
      const sums = new Float64Array(intents.length);
      let known = 0;
      for (const piece of piecesOf(text)) {
        const row = logProbabilities.get(piece);
        if (row === undefined) continue;
        known++;
        for (let k = 0; k < sums.length; k++) sums[k]! += row[k]!;
      }
      // The mean per piece: a long message is not surer than a short one.
      const perPiece = Math.max(1, known);
      const logits = Array.from(sums, (sum, k) => (SHARPNESS * sum + logPriors[k]!) / perPiece);
      const top = Math.max(...logits);
      const weights = logits.map((logit) => Math.exp(logit - top));
      const total = weights.reduce((a, b) => a + b, 0);
      return new Map(intents.map((intent, k) => [intent, weights[k]! / total]));
    },
  };
}

/** A view trained on each intent's utterances as written. */
export function trainBayesView(documents: ReadonlyArray<readonly [string, readonly string[]]>): BayesView {
  return bayesViewOf(countLetters(documents));
}

/** A text's distinct letter pieces, word by word, accents folded. */
function piecesOf(text: string): Set<string> {
  const pieces = new Set<string>();
  for (const word of lettersRuns(foldWord(text))) {
    const padded = ` ${word} `;
    for (const n of PIECE_LENGTHS) for (let i = 0; i + n <= padded.length; i++) pieces.add(padded.slice(i, i + n));
  }
  return pieces;
}

/** The runs of letters of a text ("didn't it?" → "didn", "t", "it"), one pass, no pattern to backtrack. */
function lettersRuns(text: string): string[] {
  const runs: string[] = [];
  let run = '';
  for (const c of text) {
    if (c.toLowerCase() !== c.toUpperCase()) run += c;
    else if (run !== '') {
      runs.push(run);
      run = '';
    }
  }
  if (run !== '') runs.push(run);
  return runs;
}
