// Every locale says everything en-US says, with the same placeholders, and every key the code uses exists.
//
// THE CONVENTION (what this test enforces; read it before adding a key or a locale):
//  1. locales/en-US is the reference. Every locale folder under locales/ has the same files and, in each, the
//     same keys: nothing missing, nothing extra. No value is empty. Values are strings or nested objects only.
//     The exception is intents.json (the NLU's utterances, not translations): same intents, method and language
//     names as en-US, each intent with at least 30 distinct phrasings in that language.
//  2. Plurals use i18next suffixes (_zero _one _two _few _many _other). A key that is plural in en-US must be
//     plural in every locale and have every cardinal category that locale's Intl.PluralRules uses (_zero is
//     always optional). Keys are compared after the suffix is stripped, so Polish may have _few where English has not.
//  3. A key has the same {{placeholders}} in every locale (for plural keys: the union over its forms, ignoring
//     {{count}}). Every $t(nested.key) inside a value names an en-US key.
//  4. In src/**/*.ts and dialogs/**/*.ts, a string literal ('…', "…" or `…` without ${}) IS AN I18N KEY and must
//     exist in en-US (after stripping a plural suffix) when either
//       a) its whole text is <flow>.<path>, where <flow> is one of FLOWS below or the name of any
//          locales/en-US/*.json file, and <path> is dot-separated [A-Za-z0-9_] segments; or
//       b) it directly follows a /* i18n */ comment (whatever its shape).
//     A template literal whose fixed start is `<flow>.<path>.${…}` is a run-time key: en-US must have at least one
//     key under `<flow>.<path>.` (the module that builds it should test each variant with i18n.has).
//     Not keys: object property names (`{ 'enrollment.step.name': 1 }`, e.g. MongoDB field paths); literals on a
//     line carrying an `i18n-ignore` comment (e.g. an audit action named "enrollment.done"); and literals ending in
//     a host or file suffix (.com .net .org .io .edu .gov .uk .example .test .local .json .ts .js).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { LocaleTree } from '../../src/i18n';

const ROOT = join(__dirname, '..', '..');
const LOCALES = join(ROOT, 'locales');
const REFERENCE = 'en-US';
const SOURCE_DIRS = ['src', 'dialogs'];
const FLOWS = ['common', 'enrollment', 'verification', 'validation', 'delivery', 'errors', 'help', 'faq', 'teams', 'sms', 'voice', 'api', 'helpdesk'];
const PLURAL_CATEGORIES = ['zero', 'one', 'two', 'few', 'many', 'other'] as const;
const PLURAL_SUFFIX = new RegExp(`_(?:${PLURAL_CATEGORIES.join('|')})$`);
const INTENTS_FILE = 'intents.json';
const MIN_UTTERANCES = 30;
const NOT_A_KEY_SUFFIX = /\.(?:com|net|org|io|edu|gov|uk|example|test|local|json|ts|js)$/;

type Flat = Map<string, string>;
type LocaleFiles = Map<string, Flat>; // file name (without .json) → flat keys → value

// ---------------------------------------------------------------------------------------------------------------
// Reading the locale folders

function flatten(tree: LocaleTree, prefix: string, out: Flat, problems: string[], where: string): void {
  for (const [k, v] of Object.entries(tree)) {
    const key = `${prefix}${k}`;
    if (typeof v === 'string') out.set(key, v);
    else if (v !== null && typeof v === 'object' && !Array.isArray(v)) flatten(v, `${key}.`, out, problems, where);
    else problems.push(`${where}: "${key}" must be a string or an object, not ${Array.isArray(v) ? 'an array' : typeof v}`);
  }
}

function readLocale(lng: string, problems: string[]): LocaleFiles {
  const files: LocaleFiles = new Map();
  const dir = join(LOCALES, lng);
  for (const entry of readdirSync(dir).sort()) {
    const where = `locales/${lng}/${entry}`;
    // The NLU's utterances: a different shape, checked by intentFileProblems below.
    if (entry === INTENTS_FILE) continue;
    if (!entry.endsWith('.json')) {
      problems.push(`${where}: only .json files belong in a locale folder`);
      continue;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(join(dir, entry), 'utf8'));
    } catch (err) {
      problems.push(`${where}: not valid JSON (${(err as Error).message})`);
      continue;
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      problems.push(`${where}: must be a JSON object`);
      continue;
    }
    const flat: Flat = new Map();
    flatten(parsed as LocaleTree, '', flat, problems, where);
    files.set(entry.slice(0, -'.json'.length), flat);
  }
  return files;
}

function localeFolders(): string[] {
  return readdirSync(LOCALES)
    .filter((e) => statSync(join(LOCALES, e)).isDirectory())
    .sort();
}

// ---------------------------------------------------------------------------------------------------------------
// Comparing a locale with the reference

const baseOf = (key: string): string => key.replace(PLURAL_SUFFIX, '');
const isPluralForm = (key: string): boolean => PLURAL_SUFFIX.test(key);

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{\{\s*-?\s*([^,}\s]+)[^}]*\}\}/g)].map((m) => m[1]!);
}

/** Per base key: whether it is plural, its forms, and its placeholder set. */
function describeKeys(flat: Flat): Map<string, { plural: boolean; forms: Set<string>; params: Set<string> }> {
  const out = new Map<string, { plural: boolean; forms: Set<string>; params: Set<string> }>();
  for (const [key, value] of flat) {
    const plural = isPluralForm(key);
    const base = plural ? baseOf(key) : key;
    const entry = out.get(base) ?? { plural, forms: new Set<string>(), params: new Set<string>() };
    entry.plural ||= plural;
    if (plural) entry.forms.add(key.slice(base.length + 1));
    for (const p of placeholders(value)) if (!(plural && p === 'count')) entry.params.add(p);
    out.set(base, entry);
  }
  return out;
}

/** Problems with `other` measured against the reference locale; empty when complete. */
export function compareLocale(reference: LocaleFiles, other: LocaleFiles, lng: string): string[] {
  const problems: string[] = [];
  const required = new Intl.PluralRules(lng).resolvedOptions().pluralCategories as string[];
  for (const file of reference.keys()) if (!other.has(file)) problems.push(`locales/${lng}/${file}.json: missing (${REFERENCE} has it)`);
  for (const file of other.keys()) if (!reference.has(file)) problems.push(`locales/${lng}/${file}.json: extra (${REFERENCE} has no such file)`);
  for (const [file, refFlat] of reference) {
    const flat = other.get(file);
    if (!flat) continue;
    const ref = describeKeys(refFlat);
    const mine = describeKeys(flat);
    for (const [base, r] of ref) {
      const m = mine.get(base);
      const at = `locales/${lng}/${file}.json "${base}"`;
      if (!m) {
        problems.push(`${at}: missing`);
        continue;
      }
      if (r.plural !== m.plural) problems.push(`${at}: ${r.plural ? 'must be plural (_one/_other…)' : 'must not be plural'} as in ${REFERENCE}`);
      if (m.plural) {
        const absent = required.filter((c) => !m.forms.has(c));
        if (absent.length > 0) problems.push(`${at}: missing plural form(s) ${absent.map((c) => `_${c}`).join(', ')} for ${lng}`);
        const unused = [...m.forms].filter((c) => c !== 'zero' && !required.includes(c));
        if (unused.length > 0) problems.push(`${at}: plural form(s) ${unused.map((c) => `_${c}`).join(', ')} are never used in ${lng}`);
      }
      const want = [...r.params].sort().join(', ');
      const have = [...m.params].sort().join(', ');
      if (want !== have) problems.push(`${at}: placeholders {${have}} differ from ${REFERENCE} {${want}}`);
    }
    for (const base of mine.keys()) if (!ref.has(base)) problems.push(`locales/${lng}/${file}.json "${base}": extra (not in ${REFERENCE})`);
  }
  return problems;
}

function emptyValues(files: LocaleFiles, lng: string): string[] {
  const problems: string[] = [];
  for (const [file, flat] of files) {
    for (const [key, value] of flat) if (value.trim() === '') problems.push(`locales/${lng}/${file}.json "${key}": empty`);
  }
  return problems;
}

/** Every key of a locale as `file.key`, the way code refers to it. */
function allKeys(files: LocaleFiles): Set<string> {
  const out = new Set<string>();
  for (const [file, flat] of files) for (const key of flat.keys()) out.add(`${file}.${key}`);
  return out;
}

function keyExists(keys: ReadonlySet<string>, key: string): boolean {
  const base = baseOf(key);
  return keys.has(key) || keys.has(base) || PLURAL_CATEGORIES.some((c) => keys.has(`${base}_${c}`));
}

function nestingProblems(files: LocaleFiles, lng: string, referenceKeys: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  for (const [file, flat] of files) {
    for (const [key, value] of flat) {
      for (const m of value.matchAll(/\$t\(\s*([^,)\s]+)/g)) {
        if (!keyExists(referenceKeys, m[1]!)) problems.push(`locales/${lng}/${file}.json "${key}": $t(${m[1]}) names no ${REFERENCE} key`);
      }
    }
  }
  return problems;
}

/**
 * locales/<lng>/intents.json: the same intents as en-US (none missing, none extra), each with at least
 * MIN_UTTERANCES distinct non-empty utterances; methods and languages named by the same keys as en-US.
 */
function intentFileProblems(lng: string): string[] {
  const read = (locale: string): Record<string, Record<string, unknown>> | undefined => {
    try {
      return JSON.parse(readFileSync(join(LOCALES, locale, INTENTS_FILE), 'utf8')) as Record<string, Record<string, unknown>>;
    } catch {
      return undefined;
    }
  };
  const where = `locales/${lng}/${INTENTS_FILE}`;
  const ref = read(REFERENCE);
  const mine = read(lng);
  if (ref === undefined) return [`locales/${REFERENCE}/${INTENTS_FILE}: missing or not JSON`];
  if (mine === undefined) return [`${where}: missing or not JSON`];
  const problems: string[] = [];
  for (const section of ['intents', 'methods', 'languages']) {
    const want = Object.keys(ref[section] ?? {}).sort();
    const have = Object.keys(mine[section] ?? {}).sort();
    for (const k of want.filter((k) => !have.includes(k))) problems.push(`${where} "${section}.${k}": missing`);
    for (const k of have.filter((k) => !want.includes(k))) problems.push(`${where} "${section}.${k}": extra (not in ${REFERENCE})`);
    for (const [k, v] of Object.entries(mine[section] ?? {})) {
      if (!Array.isArray(v) || v.some((u) => typeof u !== 'string' || u.trim() === '')) problems.push(`${where} "${section}.${k}": must be an array of non-empty strings`);
      else if (section === 'intents' && new Set(v.map((u: string) => u.toLowerCase())).size < MIN_UTTERANCES) {
        problems.push(`${where} "${section}.${k}": fewer than ${MIN_UTTERANCES} distinct utterances`);
      }
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------------------------
// Finding key references in source

export interface KeyReference {
  readonly key: string;
  readonly line: number;
  /** True for `<flow>.<path>.${…}`: `key` is then the fixed prefix, ending with a dot. */
  readonly dynamic: boolean;
}

interface Literal {
  readonly text: string;
  readonly line: number;
  readonly marked: boolean;
  /** For template literals with ${…}: the text before the first ${. */
  readonly templateHead?: string;
}

const REGEX_CAN_FOLLOW = new Set(['', '(', ',', '=', ':', '[', '!', '&', '|', '?', '{', '}', ';', '+', '-', '*', '%', '<', '>', '~', '^']);
const REGEX_AFTER_WORDS = new Set(['return', 'typeof', 'case', 'in', 'of', 'void', 'delete', 'throw', 'new', 'yield', 'await']);

/** A small TypeScript lexer: enough to find string literals while skipping comments and regular expressions. */
function scanLiterals(source: string): Literal[] {
  const literals: Literal[] = [];
  const ignoredLines = new Set<number>();
  let i = 0;
  let line = 1;
  let marked = false;
  let last = '';
  let lastWord = '';
  const n = source.length;

  const readQuoted = (quote: string): string => {
    let text = '';
    i++;
    while (i < n && source[i] !== quote && source[i] !== '\n') {
      if (source[i] === '\\') {
        text += source[i]! + (source[i + 1] ?? '');
        i += 2;
      } else text += source[i++];
    }
    i++;
    return text;
  };

  // Reads template text from i up to the closing backtick ('end') or the next ${ ('expr'); i ends past either.
  // The code inside ${…} is lexed by the main loop, so literals there are found too.
  const templateDepths: number[] = [];
  const readTemplatePart = (): { text: string; stop: 'end' | 'expr' } => {
    let text = '';
    while (i < n) {
      const c = source[i]!;
      if (c === '\\') {
        text += c + (source[i + 1] ?? '');
        i += 2;
      } else if (c === '`') {
        i++;
        return { text, stop: 'end' };
      } else if (c === '$' && source[i + 1] === '{') {
        i += 2;
        templateDepths.push(0);
        return { text, stop: 'expr' };
      } else {
        if (c === '\n') line++;
        text += c;
        i++;
      }
    }
    return { text, stop: 'end' };
  };

  while (i < n) {
    const c = source[i]!;
    const next = source[i + 1];
    if (c === '\n') {
      line++;
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '/' && next === '/') {
      const end = source.indexOf('\n', i);
      const comment = source.slice(i, end === -1 ? n : end);
      if (comment.includes('i18n-ignore')) ignoredLines.add(line);
      i = end === -1 ? n : end;
      continue;
    }
    if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      const body = source.slice(i + 2, end === -1 ? n : end);
      if (body.includes('i18n-ignore')) ignoredLines.add(line);
      line += (body.match(/\n/g) ?? []).length;
      i = end === -1 ? n : end + 2;
      if (body.trim() === 'i18n') {
        marked = true;
        continue;
      }
      marked = false;
      continue;
    }
    if (c === "'" || c === '"') {
      const at = line;
      const before = last;
      const text = readQuoted(c);
      // `{ 'enrollment.step.name': … }`: an object property name (a MongoDB field path, say), not a key.
      const isPropertyName = (before === '{' || before === ',') && /^\s*:/.test(source.slice(i, i + 200));
      if (!isPropertyName) literals.push({ text, line: at, marked });
      marked = false;
      last = 'literal';
      lastWord = '';
      continue;
    }
    if (c === '`') {
      const at = line;
      i++;
      const { text, stop } = readTemplatePart();
      literals.push(stop === 'end' ? { text, line: at, marked } : { text, line: at, marked, templateHead: text });
      marked = false;
      last = stop === 'end' ? 'literal' : '(';
      lastWord = '';
      continue;
    }
    if (templateDepths.length > 0 && (c === '{' || c === '}')) {
      const top = templateDepths.length - 1;
      if (c === '{') templateDepths[top]!++;
      else if (templateDepths[top]! > 0) templateDepths[top]!--;
      else {
        // The end of a ${…}: back to the template's text.
        templateDepths.pop();
        i++;
        const { stop } = readTemplatePart();
        last = stop === 'end' ? 'literal' : '(';
        lastWord = '';
        marked = false;
        continue;
      }
    }
    if (c === '/' && (REGEX_CAN_FOLLOW.has(last) || REGEX_AFTER_WORDS.has(lastWord))) {
      // A regular expression literal: skip it, classes included, so quotes inside it are not strings.
      i++;
      let inClass = false;
      while (i < n && source[i] !== '\n') {
        const d = source[i]!;
        if (d === '\\') i += 2;
        else {
          if (d === '[') inClass = true;
          else if (d === ']') inClass = false;
          else if (d === '/' && !inClass) break;
          i++;
        }
      }
      i++;
      while (i < n && /[a-z]/.test(source[i]!)) i++;
      last = 'regex';
      lastWord = '';
      marked = false;
      continue;
    }
    if (/[A-Za-z0-9_$]/.test(c)) {
      let word = '';
      while (i < n && /[A-Za-z0-9_$]/.test(source[i]!)) word += source[i++];
      last = 'word';
      lastWord = word;
      marked = false;
      continue;
    }
    last = c;
    lastWord = '';
    marked = false;
    i++;
  }
  return literals.filter((l) => !ignoredLines.has(l.line));
}

/** The i18n keys a source file refers to, per the convention at the top of this file. */
export function findKeyReferences(source: string, flows: readonly string[]): KeyReference[] {
  const flowPattern = flows.map((f) => f.replace(/[^A-Za-z0-9_]/g, '')).join('|');
  const keyShape = new RegExp(`^(?:${flowPattern})\\.[A-Za-z0-9_]+(?:\\.[A-Za-z0-9_]+)*$`);
  const dynamicShape = new RegExp(`^(?:${flowPattern})\\.(?:[A-Za-z0-9_]+\\.)*$`);
  const refs: KeyReference[] = [];
  for (const lit of scanLiterals(source)) {
    if (lit.templateHead !== undefined) {
      if (dynamicShape.test(lit.templateHead)) refs.push({ key: lit.templateHead, line: lit.line, dynamic: true });
      continue;
    }
    if (NOT_A_KEY_SUFFIX.test(lit.text) && !lit.marked) continue;
    if (lit.marked || keyShape.test(lit.text)) refs.push({ key: lit.text, line: lit.line, dynamic: false });
  }
  return refs;
}

function sourceFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const path = join(dir, e);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return e.endsWith('.ts') && !e.endsWith('.d.ts') ? [path] : [];
  });
}

function referenceProblems(keys: ReadonlySet<string>, flows: readonly string[]): string[] {
  const problems: string[] = [];
  for (const file of SOURCE_DIRS.flatMap((d) => sourceFiles(join(ROOT, d)))) {
    const where = relative(ROOT, file);
    for (const ref of findKeyReferences(readFileSync(file, 'utf8'), flows)) {
      if (ref.dynamic) {
        if (![...keys].some((k) => k.startsWith(ref.key))) problems.push(`${where}:${ref.line}: \`${ref.key}\${…}\` — ${REFERENCE} has no key under "${ref.key}"`);
      } else if (!keyExists(keys, ref.key)) {
        problems.push(`${where}:${ref.line}: "${ref.key}" is not a key in locales/${REFERENCE}`);
      }
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------------------------
// The checks on the repository

describe('locale completeness', () => {
  const readProblems: string[] = [];
  const folders = localeFolders();
  const locales = new Map(folders.map((lng) => [lng, readLocale(lng, readProblems)]));
  const reference = locales.get(REFERENCE) ?? new Map<string, Flat>();
  const referenceKeys = allKeys(reference);
  const flows = [...new Set([...FLOWS, ...reference.keys()])];

  it(`has a ${REFERENCE} reference locale with at least common.json, and every locale file is well formed`, () => {
    expect(folders).toContain(REFERENCE);
    expect([...reference.keys()]).toContain('common');
    expect(readProblems).toEqual([]);
  });

  it('names every locale folder like the organisation file does (en-US, fr-CA, …)', () => {
    expect(folders.filter((f) => !/^[a-z]{2,3}(-[A-Z]{2})?$/.test(f))).toEqual([]);
  });

  it.each(folders.filter((f) => f !== REFERENCE))(`when %s is compared with ${REFERENCE}, then no file or key is missing or extra and placeholders match`, (lng) => {
    expect(compareLocale(reference, locales.get(lng)!, lng)).toEqual([]);
  });

  it.each(folders)(`when %s's ${INTENTS_FILE} is compared with ${REFERENCE}'s, then it has the same intents, each with ${MIN_UTTERANCES}+ utterances`, (lng) => {
    expect(intentFileProblems(lng)).toEqual([]);
  });

  it.each(folders)('when %s is read, then no value is empty and every $t() names a key', (lng) => {
    const files = locales.get(lng)!;
    expect([...emptyValues(files, lng), ...nestingProblems(files, lng, referenceKeys)]).toEqual([]);
  });

  it(`when src/ and dialogs/ refer to keys, then every key exists in ${REFERENCE}`, () => {
    expect(referenceProblems(referenceKeys, flows)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The checkers themselves, on fixtures, so a silent checker cannot pass the checks above

describe('the completeness checkers', () => {
  const files = (content: Record<string, Record<string, string>>): LocaleFiles =>
    new Map(Object.entries(content).map(([file, flat]) => [file, new Map(Object.entries(flat))]));

  it('when a locale misses, adds or mis-plurals keys or files, then each is reported', () => {
    const ref = files({ common: { a: 'A {{x}}', n_one: '{{count}} item', n_other: '{{count}} items' }, help: { h: 'H' } });
    const other = files({ common: { a: 'A {{y}}', b: 'B', n: 'items' }, extra: { e: 'E' } });
    expect(compareLocale(ref, other, 'en-GB')).toEqual([
      'locales/en-GB/help.json: missing (en-US has it)',
      'locales/en-GB/extra.json: extra (en-US has no such file)',
      'locales/en-GB/common.json "a": placeholders {y} differ from en-US {x}',
      'locales/en-GB/common.json "n": must be plural (_one/_other…) as in en-US',
      'locales/en-GB/common.json "b": extra (not in en-US)',
    ]);
  });

  it("when a locale's plural rules need other forms, then those are required and English's are not imposed", () => {
    const ref = files({ common: { n_one: '{{count}} item', n_other: '{{count}} items' } });
    expect(compareLocale(ref, files({ common: { n_one: '{{count}} plik', n_other: '{{count}} pliku' } }), 'pl-PL')).toEqual([
      'locales/pl-PL/common.json "n": missing plural form(s) _few, _many for pl-PL',
    ]);
    expect(compareLocale(ref, files({ common: { n_other: '{{count}} 件' } }), 'ja-JP')).toEqual([]);
    expect(compareLocale(ref, files({ common: { n_one: 'one', n_other: '{{count}}', n_few: 'x' } }), 'en-GB')).toEqual([
      'locales/en-GB/common.json "n": plural form(s) _few are never used in en-GB',
    ]);
  });

  it('when values are empty or $t() names nothing, then they are reported', () => {
    const f = files({ common: { a: ' ', b: 'see $t(common.c)', c: 'C' } });
    expect(emptyValues(f, 'en-US')).toEqual(['locales/en-US/common.json "a": empty']);
    expect(nestingProblems(f, 'en-US', new Set(['common.a', 'common.b']))).toEqual(['locales/en-US/common.json "b": $t(common.c) names no en-US key']);
  });

  it('when source uses keys, then literals of key shape, marked literals and run-time prefixes are found; others are not', () => {
    const source = [
      `reply('enrollment.chooseMethod');`,
      `const t = i18n.t(locale, "common.welcome", { orgName });`,
      `// 'common.inAComment' is not code`,
      `/* 'common.inABlock' neither */`,
      'const d = `validation.phone.${problem}`;',
      'const plain = `verification.done`;',
      `const audit = 'enrollment.completed'; // i18n-ignore: an audit action, not a key`,
      `const host = 'api.twilio.com';`,
      `const marked = /* i18n */ 'methods.authenticatorApp';`,
      `const notMarked = 'methods.authenticatorApp';`,
      `const re = /'common.inARegex'/g; const after = 'sms.codeSent_one';`,
      `const ratio = a / b; const x = 'errors.bad';`,
      `const nested = \`\${f('delivery.failed')}\`;`,
      `const query = { 'enrollment.step.name': 'codeSent', "methods.number": n };`,
      `const choice = email ? 'delivery.target.email' : 'delivery.target.phone';`,
    ].join('\n');
    expect(findKeyReferences(source, FLOWS)).toEqual([
      { key: 'enrollment.chooseMethod', line: 1, dynamic: false },
      { key: 'common.welcome', line: 2, dynamic: false },
      { key: 'validation.phone.', line: 5, dynamic: true },
      { key: 'verification.done', line: 6, dynamic: false },
      { key: 'methods.authenticatorApp', line: 9, dynamic: false },
      { key: 'sms.codeSent_one', line: 11, dynamic: false },
      { key: 'errors.bad', line: 12, dynamic: false },
      { key: 'delivery.failed', line: 13, dynamic: false },
      { key: 'delivery.target.email', line: 15, dynamic: false },
      { key: 'delivery.target.phone', line: 15, dynamic: false },
    ]);
  });

  it('when a key is referred to with a plural suffix or as a plural base, then it is found', () => {
    const keys = new Set(['sms.codeSent_one', 'sms.codeSent_other', 'common.welcome']);
    expect(keyExists(keys, 'sms.codeSent')).toBe(true);
    expect(keyExists(keys, 'sms.codeSent_other')).toBe(true);
    expect(keyExists(keys, 'common.welcome')).toBe(true);
    expect(keyExists(keys, 'common.goodbye')).toBe(false);
  });
});
