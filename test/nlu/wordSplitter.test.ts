// The word splitter: Spanish verbs with attached pronouns and English contractions typed without an apostrophe
// become the words the classifier was trained on, and only when the training utterances know the verb; nouns and
// adjectives that merely end like a pronoun ("escuela", "diferente", "teléfonos") and known words stay whole.
import { wordSplitter } from '../../src/nlu/wordSplitter';

describe('Spanish verbs with pronouns attached', () => {
  const training = ['llama a mi celular', 'manda el código', 'ayuda por favor', 'quiero registrar mi teléfono', 'la escuela', 'otro teléfono diferente', 'cancela esto', 'envía un mensaje'];
  const split = wordSplitter('es', training);

  it.each([
    ['llámame', 'llama me'],
    ['llamame', 'llama me'],
    ['mándamelo por favor', 'manda me lo por favor'],
    ['¿me ayudas? ayúdame', '¿me ayudas? ayuda me'],
    ['regístrame', 'registra me'],
    ['envíamelo', 'envia me lo'],
    ['cancélelo', 'cancele lo'],
  ])('when "%s" is read, then the classifier sees "%s"', (text, seen) => {
    expect(split(text)).toBe(seen);
  });

  it.each(['la escuela', 'otro teléfono diferente', 'teléfonos', 'llame', 'hola', 'mi número es 555'])(
    'when "%s" is read, then it stays as typed (no known verb is left by a split)',
    (text) => {
      expect(split(text)).toBe(text);
    },
  );

  it('when a verb the training never used comes with pronouns, then it stays whole', () => {
    expect(split('sáqueme')).toBe('sáqueme');
  });
});

describe('English contractions without the apostrophe', () => {
  const split = wordSplitter('en', ["I didn't get it", "I can't scan", "I don't have a phone", 'I want a different method', 'the parent account']);

  it.each([
    ['i didnt get the code', 'i did not get the code'],
    ['cant scan', 'ca not scan'],
    ['I dont own a cell', 'I do not own a cell'],
  ])('when "%s" is read, then the classifier sees "%s"', (text, seen) => {
    expect(split(text)).toBe(seen);
  });

  it.each(['I want a different method', 'the parent account', 'event'])('when "%s" is read, then it stays as typed', (text) => {
    expect(split(text)).toBe(text);
  });
});
