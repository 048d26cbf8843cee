// The letters view beside the neural classifier: naive Bayes over 3- and 4-letter pieces of words, so that a word
// typed with a slip still leans to the intent whose words it shares letters with; scores are shared out over the
// intents, the same for the same corpus and for its counts read back from the cache;
// anything else read back is no counts (the recognizer counts again).
import { asLetterCounts, bayesViewOf, countLetters, trainBayesView } from '../../src/nlu/bayesView';

const DOCUMENTS = [
  ['whatOptions', ['what are my options', 'which options are there', 'list the options']],
  ['callMe', ['call me', 'phone me please', 'give me a call']],
  ['resend', ['send the code again', 'resend it', 'resend the code']],
] as const;

describe('the letters view', () => {
  it('when a word is typed with its letters swapped or one missing, then the intent that uses the word scores highest', () => {
    const view = trainBayesView(DOCUMENTS);
    const best = (text: string) => [...view.scores(text)].sort((a, b) => b[1] - a[1])[0]![0];
    expect(best('optoins?')).toBe('whatOptions');
    expect(best('resnd')).toBe('resend');
    expect(best('cal me')).toBe('callMe');
  });

  it('when any text is scored, then every intent gets a share and the shares sum to 1', () => {
    const scores = trainBayesView(DOCUMENTS).scores('zzz');
    expect([...scores.keys()]).toEqual(['whatOptions', 'callMe', 'resend']);
    expect([...scores.values()].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    expect([...scores.values()].every((s) => s > 0)).toBe(true);
  });

  it('when it is trained twice on the same utterances, then it gives the same scores', () => {
    const text = 'can you resend the optoins';
    expect([...trainBayesView(DOCUMENTS).scores(text)]).toEqual([...trainBayesView(DOCUMENTS).scores(text)]);
  });


  it('when the counts are written as JSON and read back, then the view gives exactly the same scores', () => {
    const counts = countLetters(DOCUMENTS);
    const readBack = asLetterCounts(JSON.parse(JSON.stringify(counts)));
    expect(readBack).toEqual(counts);
    expect([...bayesViewOf(readBack!).scores('resend the optoins')]).toEqual([...trainBayesView(DOCUMENTS).scores('resend the optoins')]);
  });

  it('when what is read back is not counts, then it is refused', () => {
    for (const bad of [undefined, null, 'x', {}, { intents: ['a'], utterances: [1, 2], pieces: [] }, { intents: ['a'], utterances: [1], pieces: [['abc', [0]]] }]) {
      expect(asLetterCounts(bad)).toBeUndefined();
    }
  });
});
