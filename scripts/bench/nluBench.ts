// `npm run bench:nlu`: how long each locale's intent model takes to train, and how long one message takes to
// understand (p50/p95/max over every utterance of the locale plus a few with numbers). Prints; never fails.
import { defaultIntentLocalesDir, loadIntentCorpus } from '../../src/nlu/intentCorpus';
import { IntentRecognizer } from '../../src/nlu/intentRecognizer';
import { TRAINED_INTENTS } from '../../src/nlu/intents';
import { DEFAULT_THRESHOLD } from '../../src/nlu/understand';

const LOCALES = ['en-US', 'en-GB', 'es-US'];
const WITH_NUMBERS = ['123456', 'the code is 123 456', 'my number is (425) 555-0123', 'call me at +44 7400 123456 please'];

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function main(): Promise<void> {
  const localesDir = defaultIntentLocalesDir();
  for (const locale of LOCALES) {
    const corpus = loadIntentCorpus(localesDir, locale);
    const utterances = TRAINED_INTENTS.flatMap((i) => corpus.utterances[i]);
    const started = process.hrtime.bigint();
    const recognizer = await IntentRecognizer.train(corpus, { defaultCountry: 'US', codeLengths: [6], threshold: DEFAULT_THRESHOLD });
    const trainingMs = Number(process.hrtime.bigint() - started) / 1e6;
    const timings: number[] = [];
    for (const text of [...utterances, ...WITH_NUMBERS]) {
      const t0 = process.hrtime.bigint();
      await recognizer.understand(text);
      timings.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    timings.sort((a, b) => a - b);
    const f = (ms: number): string => `${ms.toFixed(2)} ms`;
    console.log(
      `${locale}: ${TRAINED_INTENTS.length} intents, ${utterances.length} utterances; training ${trainingMs.toFixed(0)} ms; ` +
        `understand p50 ${f(percentile(timings, 50))}, p95 ${f(percentile(timings, 95))}, max ${f(timings[timings.length - 1] ?? 0)} (${timings.length} messages)`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
