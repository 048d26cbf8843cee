// The Spanish text rules' memory: a rule runs once per word, its answers are the rule's, and the memory is bounded.
import { remembering, spanishStemmer } from '../../src/nlu/spanishMemory';

describe('remembering a rule', () => {
  it('when a word comes again, then the rule is not run again and the answer is the same', () => {
    const calls: string[] = [];
    const rule = remembering((w) => {
      calls.push(w);
      return w.toUpperCase();
    });
    expect([rule('hola'), rule('hola'), rule('adiós')]).toEqual(['HOLA', 'HOLA', 'ADIÓS']);
    expect(calls).toEqual(['hola', 'adiós']);
  });

  it('when more words than it keeps have come, then it forgets and still answers right', () => {
    let calls = 0;
    const rule = remembering((w) => {
      calls++;
      return w.length;
    });
    for (let i = 0; i < 20_001; i++) rule(`w${i}`);
    expect(rule('w0')).toBe(2);
    expect(calls).toBe(20_002);
  });

  it('when a Spanish word is stemmed, then it is the stem NLP.js gives', () => {
    const stem = spanishStemmer();
    expect(stem('llamadas')).toBe(stem('llamadas'));
    expect(stem('telefonos')).toBe('telefon');
  });
});
