// Trained models kept between starts: a model loaded from the cache answers exactly as the training it came from;
// a changed corpus, a damaged file or a disk that refuses writes only costs a training, never a wrong answer.
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadIntentCorpus, type IntentCorpus } from '../../src/nlu/intentCorpus';
import { IntentRecognizer } from '../../src/nlu/intentRecognizer';
import { codeFingerprint, fileModelCache, modelKey, type ModelCache } from '../../src/nlu/modelCache';
import * as wordPairsModule from '../../src/nlu/wordPairs';

const LOCALES_DIR = join(__dirname, '..', '..', 'locales');
const OPTIONS = { defaultCountry: 'US' as const, codeLengths: [6], threshold: 0.5 };
const SENTENCES = ['the text never came', 'what is the pound key', 'someone stole my iphone', 'call me instead', 'can I use my school email', 'purple elephants', 'my dog ate my homework', 'cancel'];

/** A cache that counts what passes through it. */
function countingCache(inner: ModelCache): ModelCache & { reads: number; hits: number; writes: number } {
  const counts = { reads: 0, hits: 0, writes: 0 };
  return Object.assign(counts, {
    read: (key: string) => {
      counts.reads++;
      const model = inner.read(key);
      if (model !== undefined) counts.hits++;
      return model;
    },
    write: (key: string, model: unknown) => {
      counts.writes++;
      inner.write(key, model);
    },
  });
}

async function answers(recognizer: IntentRecognizer): Promise<string[]> {
  const out: string[] = [];
  for (const s of SENTENCES) {
    const u = await recognizer.understand(s);
    out.push(`${u.intent}:${u.score.toFixed(6)}`);
  }
  return out;
}

describe('the NLU model cache', () => {
  let dir: string;
  const corpus: IntentCorpus = loadIntentCorpus(LOCALES_DIR, 'en-US');
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'signet-nlu-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('when a corpus was trained once, then the next start loads the model and answers exactly as the training did', async () => {
    const first = countingCache(fileModelCache(dir));
    const trained = await IntentRecognizer.train(corpus, OPTIONS, first);
    expect(first).toMatchObject({ reads: 1, hits: 0, writes: 1 });
    expect(readdirSync(dir).filter((f) => f.endsWith('.json'))).toHaveLength(1);

    const second = countingCache(fileModelCache(dir));
    const loaded = await IntentRecognizer.train(corpus, OPTIONS, second);
    expect(second).toMatchObject({ reads: 1, hits: 1, writes: 0 });
    expect(await answers(loaded)).toEqual(await answers(trained));
    expect((await loaded.understand('the text never came')).intent).toBe('didntGetCode');
  });

  it('when a model is saved, then it holds no copy of the training sentences for NLP.js\'s language guesser (never asked: each model has one language)', async () => {
    await IntentRecognizer.train(corpus, OPTIONS, fileModelCache(dir));
    const [file] = readdirSync(dir).filter((f) => f.endsWith('.json'));
    const saved = JSON.parse(readFileSync(join(dir, file!), 'utf8')) as { neural: { nluManager: { extraSentences: unknown[] } } };
    expect(saved.neural.nluManager.extraSentences).toEqual([]);
  });

  it('when the utterances change, then the old model is not used', async () => {
    const cache = countingCache(fileModelCache(dir));
    await IntentRecognizer.train(corpus, OPTIONS, cache);
    const changed: IntentCorpus = { ...corpus, utterances: { ...corpus.utterances, cancel: [...corpus.utterances.cancel, 'abandon ship'] } };
    await IntentRecognizer.train(changed, OPTIONS, cache);
    expect(cache).toMatchObject({ reads: 2, hits: 0, writes: 2 });
    expect(modelKey(['a', [1]])).not.toBe(modelKey(['a', [2]]));
  });

  it('when the model comes from the cache, then the utterances are not prepared again (only what people type is)', async () => {
    await IntentRecognizer.train(corpus, OPTIONS, fileModelCache(dir));
    let prepared = 0;
    const real = wordPairsModule.wordPairs;
    const spy = jest.spyOn(wordPairsModule, 'wordPairs').mockImplementation((language) => {
      const addPairs = real(language);
      return (text) => {
        prepared += 1;
        return addPairs(text);
      };
    });
    try {
      const cache = countingCache(fileModelCache(dir));
      const loaded = await IntentRecognizer.train(corpus, OPTIONS, cache);
      expect(cache).toMatchObject({ hits: 1, writes: 0 });
      // Before, every utterance was prepared to compute the model's name: over a thousand for en-US.
      expect(prepared).toBe(0);
      expect((await loaded.understand('call me instead')).intent).toBe('callMe');
      expect(prepared).toBe(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('when the code that prepares the utterances changes, then its fingerprint (part of the model name) changes', () => {
    const file = join(dir, 'prepare.js');
    writeFileSync(file, 'module.exports = (text) => text;');
    const first = codeFingerprint([file], ['@nlpjs/lang-en-min']);
    expect(codeFingerprint([file], ['@nlpjs/lang-en-min'])).toBe(first);
    writeFileSync(file, 'module.exports = (text) => text.toLowerCase();');
    expect(codeFingerprint([file], ['@nlpjs/lang-en-min'])).not.toBe(first);
    expect(codeFingerprint([file], ['@nlpjs/lang-en-min', 'libphonenumber-js'])).not.toBe(codeFingerprint([file], ['@nlpjs/lang-en-min']));
  });

  it('when the cached file is damaged, then the corpus is trained again, the answers are right and the file is replaced', async () => {
    const trained = await IntentRecognizer.train(corpus, OPTIONS, fileModelCache(dir));
    const [file] = readdirSync(dir);
    for (const damage of ['{"nluManager": 42}', '{ not json', '[]']) {
      writeFileSync(join(dir, file!), damage);
      const errors: string[] = [];
      const cache = countingCache(fileModelCache(dir, (what) => errors.push(what)));
      const again = await IntentRecognizer.train(corpus, OPTIONS, cache);
      expect(cache).toMatchObject({ reads: 1, writes: 1 });
      expect(await answers(again)).toEqual(await answers(trained));
      expect(readFileSync(join(dir, file!), 'utf8')).not.toBe(damage);
    }
  });

  it('when the cache directory cannot be written, then training still succeeds and the failure is reported', async () => {
    if (process.getuid?.() === 0) {
      // root writes through a read-only mode: a path under a file stands in for a read-only disk.
      writeFileSync(join(dir, 'file'), '');
    } else {
      chmodSync(dir, 0o500);
    }
    const errors: string[] = [];
    const where = process.getuid?.() === 0 ? join(dir, 'file', 'nlu') : dir;
    const recognizer = await IntentRecognizer.train(corpus, OPTIONS, fileModelCache(where, (what) => errors.push(what)));
    expect(errors).toContain('write');
    expect((await recognizer.understand('call me instead')).intent).toBe('callMe');
  });
});
