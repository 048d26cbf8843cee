// Whether a new password may be set: the organisation's rules (length, banned words — its name, the person's own
// names) and zxcvbn-ts's guess-resistance score (English and Spanish dictionaries). Returns problems as locale
// keys; the directory still applies its own policy afterwards.
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';

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

// The dictionaries take ~35 MB of heap and about a second to rank, and only a password reset needs them: they are
// loaded on the first password checked, not at start-up (test/performance/startupModules.test.ts keeps it so).
let factory: ZxcvbnFactory | undefined;

function passwordScorer(): ZxcvbnFactory {
  if (factory) return factory;
  const { ZxcvbnFactory: Factory } = require('@zxcvbn-ts/core') as typeof import('@zxcvbn-ts/core');
  const common = require('@zxcvbn-ts/language-common') as typeof import('@zxcvbn-ts/language-common');
  const en = require('@zxcvbn-ts/language-en') as typeof import('@zxcvbn-ts/language-en');
  const es = require('@zxcvbn-ts/language-es-es') as typeof import('@zxcvbn-ts/language-es-es');
  factory = new Factory({
    dictionary: { ...common.dictionary, ...en.dictionary, ...es.dictionary },
    graphs: common.adjacencyGraphs,
    maxLength: PASSWORD_MAX_LENGTH,
  });
  return factory;
}

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
  const score = password.length === 0 ? 0 : passwordScorer().check(password, banned).score;
  if (score < rules.minStrength) problems.push('tooWeak');
  return { ok: problems.length === 0, problems, score };
}
