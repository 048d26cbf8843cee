// Trained classifiers kept on disk, so a restart (or a second instance, or the next test file) loads a model in
// tens of milliseconds instead of training it for seconds. Training is deterministic, so a model is named by a
// hash of everything that shapes it — NLP.js's version, its settings, the language and the utterances — and a
// changed corpus simply misses. A file that cannot be read or parsed is a miss too: the caller trains again.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defaultIntentLocalesDir } from './intentCorpus';

export interface ModelCache {
  read(key: string): unknown;
  write(key: string, model: unknown): void;
}

/** A stable name for a model: the same inputs always give the same key, any change gives another. */
export function modelKey(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/**
 * A stable name for code: the text of the module files given (as they run: .js built, .ts under the tests), the
 * versions of the packages given, and the runtime's Unicode and ICU data. Lets a model be named by the raw corpus
 * and the code that prepares it, so that a cache hit need not prepare every utterance just to compute its key.
 */
export function codeFingerprint(moduleFiles: readonly string[], packages: readonly string[]): string {
  const { icu, unicode, cldr } = process.versions as Record<string, string | undefined>;
  return modelKey([
    moduleFiles.map((file) => readFileSync(file, 'utf8')),
    packages.map((name) => (require(`${name}/package.json`) as { version: string }).version),
    [icu, unicode, cldr],
  ]);
}

/** Models as JSON files in `dir` (created on first write, readable by this user only). */
export function fileModelCache(dir: string, onError: (what: string, err: unknown) => void = () => undefined): ModelCache {
  const pathOf = (key: string) => join(dir, `${key}.json`);
  return {
    read: (key) => {
      try {
        return JSON.parse(readFileSync(pathOf(key), 'utf8')) as unknown;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') onError('read', err);
        return undefined;
      }
    },
    write: (key, model) => {
      try {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        // Written aside, then renamed: a reader (another instance) never sees half a file.
        const temporary = `${pathOf(key)}.${process.pid}.${Date.now()}.tmp`;
        writeFileSync(temporary, JSON.stringify(model), { mode: 0o600 });
        renameSync(temporary, pathOf(key));
      } catch (err) {
        // A read-only disk only costs the next start its training time.
        onError('write', err);
      }
    },
  };
}

/** `.cache/nlu` beside the project's locales/ (git-ignored), whether run from src/ or from dist/. */
export function defaultModelCacheDir(): string {
  return resolve(defaultIntentLocalesDir(), '..', '.cache', 'nlu');
}
