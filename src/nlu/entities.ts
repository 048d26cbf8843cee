// The entities a message carries that Signet can act on without a question: a phone number (libphonenumber-js,
// through the domain's rule), a one-time code (a run of digits of an allowed length), and the method or language
// named (found by NLP.js's enum extractor in intentRecognizer.ts). Codes are secrets: never log an Entities value.
import type { CountryCode } from 'libphonenumber-js';
import type { MethodKind } from '../domain/methodKinds';
import { findPhoneInText, type ParsedPhone } from '../domain/rules/phoneNumbers';

export type LanguageChoice = 'en' | 'es';

export interface PhoneEntity {
  readonly phone: ParsedPhone;
  readonly extension: string | null;
}

export interface Entities {
  readonly phone?: PhoneEntity;
  /** More than one number, or a message too long to search: the step should ask for one number. */
  readonly phoneProblem?: 'several' | 'tooLong';
  /** The digits of a one-time code, separators removed. */
  readonly code?: string;
  readonly method?: MethodKind;
  readonly language?: LanguageChoice;
}

export interface EntityOptions {
  readonly defaultCountry: CountryCode;
  /** Lengths a code may have: the authenticator app's 6 and the organisation's own (6 to 8). */
  readonly codeLengths: readonly number[];
}

/** What is left of a message for the classifier once numbers are taken out, and the numbers found. */
export interface NumberEntities {
  readonly entities: Pick<Entities, 'phone' | 'phoneProblem' | 'code'>;
  readonly rest: string;
}

export function findNumberEntities(text: string, options: EntityOptions): NumberEntities {
  const phoneFound = findPhoneInText(text, options.defaultCountry);
  if (phoneFound.found === 'one') {
    return { entities: { phone: { phone: phoneFound.phone, extension: phoneFound.extension } }, rest: phoneFound.rest };
  }
  // Long runs of digits are codes or numbers, never words the classifier should weigh; "option 2" keeps its 2.
  const runs = digitRuns(text).filter((run) => run.digits.length >= MIN_NUMBER_DIGITS);
  const rest = runs.reduceRight((acc, run) => `${acc.slice(0, run.start)} ${acc.slice(run.end)}`, text).trim();
  const phoneProblem = phoneFound.found === 'several' || phoneFound.found === 'tooLong' ? phoneFound.found : undefined;
  // One run, of a code's length: two candidates would be a guess.
  const code = runs.length === 1 && options.codeLengths.includes(runs[0]!.digits.length) ? runs[0]!.digits : undefined;
  return { entities: { ...(phoneProblem ? { phoneProblem } : {}), ...(code ? { code } : {}) }, rest };
}

const MIN_NUMBER_DIGITS = 5;

interface DigitRun {
  readonly digits: string;
  readonly start: number;
  readonly end: number;
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isGroupSeparator = (c: string | undefined): boolean => c === ' ' || c === '-';

/**
 * Runs of digits where single spaces or dashes between digits do not break the run ("123 456", "123-456"), found
 * in one left-to-right pass (no regular expression, so no backtracking whatever the input).
 */
export function digitRuns(text: string): DigitRun[] {
  const runs: DigitRun[] = [];
  let i = 0;
  while (i < text.length) {
    if (!isDigit(text[i])) {
      i++;
      continue;
    }
    const start = i;
    let digits = '';
    while (i < text.length) {
      if (isDigit(text[i])) digits += text[i++];
      else if (isGroupSeparator(text[i]) && isDigit(text[i + 1])) i++;
      else break;
    }
    runs.push({ digits, start, end: i });
  }
  return runs;
}
