// A locale's lexicon of synonyms: each word or phrase it lists adds its concept's feature, matched by stem (so
// inflections count), a phrase only when all its words are there in order; a locale without a lexicon adds nothing.
import { conceptFeature, conceptFinder } from '../../src/nlu/concepts';
import { IntentCorpusError, parseIntentCorpus } from '../../src/nlu/intentCorpus';
import { TRAINED_INTENTS } from '../../src/nlu/intents';

const LEXICON = { signal: ['reception', 'bars', 'cell service'], text: ['sms', 'text message'] };

describe('concept features from a locale lexicon', () => {
  it('when a synonym is read, then its concept is found, inflected or not', () => {
    const find = conceptFinder('en', LEXICON);
    expect(find('my phone has no reception')).toEqual([conceptFeature('signal')]);
    expect(find('zero bar here')).toEqual([conceptFeature('signal')]);
    expect(find('the SMS never came, no cell service either')).toEqual([conceptFeature('text'), conceptFeature('signal')]);
  });

  it('when only part of a phrase is read, then its concept is not found', () => {
    const find = conceptFinder('en', LEXICON);
    expect(find('my cell is at home')).toEqual([]);
    expect(find('service desk')).toEqual([]);
  });

  it('when a concept is named, then its feature is one lower-case token of letters', () => {
    expect(conceptFeature('Hash-Key 2')).toBe('concept_hashkey');
  });

  it('when there is no lexicon, then nothing is added', () => {
    expect(conceptFinder('es', {})('sin señal')).toEqual([]);
  });

  it('when the utterance file lists a concept that is not a list of words, then loading says where', () => {
    const intents = Object.fromEntries(TRAINED_INTENTS.map((intent) => [intent, ['a phrasing']]));
    expect(parseIntentCorpus('en-US', { intents, concepts: { signal: ['reception'] } }, 'test.json').concepts).toEqual({ signal: ['reception'] });
    expect(() => parseIntentCorpus('en-US', { intents, concepts: { signal: 'reception' } }, 'test.json')).toThrow(IntentCorpusError);
    expect(() => parseIntentCorpus('en-US', { intents, concepts: { signal: 'reception' } }, 'test.json')).toThrow(/concepts\.signal/);
  });
});
