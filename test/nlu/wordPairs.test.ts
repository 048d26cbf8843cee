// Neighbouring word stems as extra features: the text is kept and each pair added after it, stemmed the way
// NLP.js stems (so "going back" and "go back" share a pair), accents folded in Spanish; one word adds nothing.
import { wordPairs } from '../../src/nlu/wordPairs';

describe('word pairs for the classifier', () => {
  it('when English is read, then each neighbouring pair of stems follows the text', () => {
    expect(wordPairs('en')('start over')).toBe('start over start_over');
    expect(wordPairs('en')('going back')).toBe(`going back ${wordPairs('en')('go back').split(' ')[2]}`);
  });

  it("when Spanish is read, then accents are folded in the pairs and the text itself is kept", () => {
    expect(wordPairs('es')('¿Qué sigue?')).toBe('¿Qué sigue? que_sig');
  });

  it('when one word or none is read, then nothing is added', () => {
    expect(wordPairs('en')('cancel')).toBe('cancel');
    expect(wordPairs('es')('  ')).toBe('  ');
  });
});
