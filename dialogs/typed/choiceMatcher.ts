// Matches what a person typed against the options on offer: the option's number, its label, a synonym, or a
// close variant (a typo or two), so typing always works where a card offers buttons.
import { leven } from '@nlpjs/similarity';

export interface TypedOption {
  readonly id: string;
  readonly label: string;
  readonly synonyms?: readonly string[];
}

/**
 * The longest message read as a choice, command or question: every option, phrase and FAQ question is far
 * shorter, and normalising 64 KB (NFKC can expand a character eighteen-fold) would take longer than a turn should.
 */
export const MAX_TYPED_CHOICE = 200;

/**
 * Lower case, Unicode-normalised, punctuation dropped, spaces collapsed. A message longer than MAX_TYPED_CHOICE
 * is no choice at all: it normalises to '' and so matches nothing (never its first words alone).
 */
export function normaliseTyped(text: string): string {
  const trimmed = text.trim();
  if (trimmed.length > MAX_TYPED_CHOICE) return '';
  return trimmed
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{P}\p{S}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

// The phrases matched against (option labels, synonyms, FAQ questions: from the locale files) are few and asked
// for every turn, so each is normalised once; bounded, as labels can carry data. Typed text is never kept.
const normalisedPhrases = new Map<string, string>();
const MAX_REMEMBERED_PHRASES = 5000;

/** normaliseTyped for a phrase on offer (not for what a person typed: that is not remembered). */
function normalisedPhrase(phrase: string): string {
  const known = normalisedPhrases.get(phrase);
  if (known !== undefined) return known;
  const normalised = normaliseTyped(phrase);
  if (normalisedPhrases.size < MAX_REMEMBERED_PHRASES) normalisedPhrases.set(phrase, normalised);
  return normalised;
}

/** Levenshtein distance (NLP.js's, already used by its NER), or max+1 when the lengths alone rule out max. */
export function editDistance(a: string, b: string, max = 2): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  return Math.min(leven(a, b), max + 1);
}

/** True when typed text is one of the phrases, exactly or as a close variant (phrases of 5+ characters). */
export function matchesPhrase(typed: string, phrases: readonly string[]): boolean {
  return matchesPhraseNormalised(normaliseTyped(typed), phrases);
}

/** matchesPhrase for text already through normaliseTyped (a caller that needed it normalised anyway). */
export function matchesPhraseNormalised(text: string, phrases: readonly string[]): boolean {
  if (text === '') return false;
  return phrases.some((p) => {
    const phrase = normalisedPhrase(p);
    if (phrase === '') return false;
    if (text === phrase) return true;
    return phrase.length >= 5 && editDistance(text, phrase) <= (phrase.length >= 10 ? 2 : 1);
  });
}

/**
 * True when the typed words are phrases in a row, each whole and exact ("great, thanks a lot for your help" is
 * "great" + "thanks a lot" + "for your help"): a list of short phrases then covers what people string together
 * without listing every combination. Nothing else may be left over, so "thanks, now cancel" is not covered.
 */
export function isMadeOfPhrases(typed: string, phrases: readonly string[]): boolean {
  const text = normaliseTyped(typed);
  if (text === '') return false;
  const { phraseWords, allWords } = wordsOfPhrases(phrases);
  const words = text.split(' ');
  // Asked at every turn, mostly of words no phrase has ("help", "text me"): those end here.
  if (!words.every((w) => allWords.has(w))) return false;
  // reachable[i]: the first i words are whole phrases in a row.
  const reachable = new Array<boolean>(words.length + 1).fill(false);
  reachable[0] = true;
  for (let i = 0; i < words.length; i++) {
    if (!reachable[i]) continue;
    for (const phrase of phraseWords) {
      const end = i + phrase.length;
      if (end <= words.length && !reachable[end] && phrase.every((w, k) => words[i + k] === w)) reachable[end] = true;
    }
  }
  return reachable[words.length] === true;
}

interface PhraseWords {
  readonly phraseWords: ReadonlyArray<readonly string[]>;
  readonly allWords: ReadonlySet<string>;
}

// Phrase lists come frozen and cached from the locale files (turnInput.phrases): split once per list.
const splitLists = new WeakMap<readonly string[], PhraseWords>();

function wordsOfPhrases(phrases: readonly string[]): PhraseWords {
  const known = splitLists.get(phrases);
  if (known !== undefined) return known;
  const phraseWords = phrases.map((p) => normalisedPhrase(p)).filter((p) => p !== '').map((p) => p.split(' '));
  const split = { phraseWords, allWords: new Set(phraseWords.flat()) };
  splitLists.set(phrases, split);
  return split;
}

/** The option the person meant, or undefined. Numbers are 1-based positions in the list shown. */
export function matchOption<T extends TypedOption>(typed: string, options: readonly T[]): T | undefined {
  const text = normaliseTyped(typed);
  if (text === '') return undefined;
  if (/^\d{1,2}$/.test(text)) return options[Number(text) - 1];
  return matchOptionByWords(text, options);
}

/**
 * The option named by words only: a label or synonym, a close variant, or the words of one label. Digits are
 * never read as a position here, for text where digits mean something else (a phone number's last digit).
 */
export function matchOptionByWords<T extends TypedOption>(typed: string, options: readonly T[]): T | undefined {
  const text = normaliseTyped(typed);
  if (text === '') return undefined;
  const exact = options.find((o) => [o.label, ...(o.synonyms ?? [])].some((p) => normalisedPhrase(p) === text));
  if (exact) return exact;
  const close = options.filter((o) => matchesPhrase(text, [o.label, ...(o.synonyms ?? [])]));
  if (close.length === 1) return close[0];
  // "the app" for "Authenticator app": a unique option whose label contains every typed word.
  const words = text.split(' ').filter((w) => w.length >= 3 && !['the', 'and', 'my', 'for'].includes(w));
  if (words.length === 0) return undefined;
  const containing = options.filter((o) => {
    const label = normalisedPhrase([o.label, ...(o.synonyms ?? [])].join(' '));
    return words.every((w) => label.split(' ').includes(w));
  });
  return containing.length === 1 ? containing[0] : undefined;
}
