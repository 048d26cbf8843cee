// Whether a new password may be set: the organisation's rules (length, banned words — its name, the person's own
// names) and zxcvbn-ts's guess-resistance score (English and Spanish dictionaries). Returns problems as locale
// keys; the directory still applies its own policy afterwards.
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';
import * as es from '@zxcvbn-ts/language-es-es';

export interface PasswordRules {
  readonly minLength: number;
  /** zxcvbn score 0–4 the password must reach. */
  readonly minStrength: number;
  /** Words never allowed inside a password (compared without case); words under 3 letters are ignored. */
  readonly bannedWords: readonly string[];
}

/** Longest password looked at: zxcvbn's cost grows with length, and no directory takes more. */
export const PASSWORD_MAX_LENGTH = 256;

export type PasswordProblem = 'mismatch' | 'tooShort' | 'tooLong' | 'bannedWord' | 'tooWeak';

export interface PasswordVerdict {
  readonly ok: boolean;
  readonly problems: readonly PasswordProblem[];
  /** zxcvbn's 0–4 (0 when not scored). */
  readonly score: number;
}

const factory = new ZxcvbnFactory({
  dictionary: { ...common.dictionary, ...en.dictionary, ...es.dictionary },
  graphs: common.adjacencyGraphs,
  maxLength: PASSWORD_MAX_LENGTH,
});

/** The words of names ("Jane Doe", "jane.doe@school.example") that a password must not contain. */
export function wordsOf(...texts: readonly string[]): string[] {
  const words = texts.flatMap((t) => t.toLocaleLowerCase('und').split(/[^\p{L}\p{N}]+/u));
  return [...new Set(words.filter((w) => w.length >= 3))];
}

export function checkNewPassword(password: string, confirmation: string | null, rules: PasswordRules): PasswordVerdict {
  const problems: PasswordProblem[] = [];
  if (confirmation !== null && password !== confirmation) problems.push('mismatch');
  if ([...password].length < rules.minLength) problems.push('tooShort');
  if (password.length > PASSWORD_MAX_LENGTH) return { ok: false, problems: [...problems, 'tooLong'], score: 0 };
  const lower = password.toLocaleLowerCase('und');
  const banned = wordsOf(...rules.bannedWords);
  if (banned.some((w) => lower.includes(w))) problems.push('bannedWord');
  const score = password.length === 0 ? 0 : factory.check(password, banned).score;
  if (score < rules.minStrength) problems.push('tooWeak');
  return { ok: problems.length === 0, problems, score };
}
