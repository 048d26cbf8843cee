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
    // The training says "registrar": the form is then read as that infinitive (spanishVerbs.ts).
    ['regístrame', 'registrar me'],
    ['envíamelo', 'manda me lo'],
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

describe('Spanish verbs whose split is not the first one that fits', () => {
  const split = wordSplitter('es', ['quitar mi teléfono', 'quién puede ver mi número', 'sacar un método', 'tocar la pantalla']);

  // The training's verbs are infinitives here, so each split verb is then read as its infinitive (spanishVerbs.ts).
  it('when "quítelo" is read, then the verb is "quite" (read as "quitar"), not "qui" (the stem of "quién")', () => {
    expect(split('quítelo')).toBe('quitar lo');
  });

  it.each([
    ['sáqueme de aquí', 'sacar me de aquí'],
    ['tóquelo', 'tocar lo'],
  ])('when the usted form "%s" is spelt with qu/gu, then the verb is read as the training spells it: "%s"', (text, seen) => {
    expect(split(text)).toBe(seen);
  });
});

describe('Spanish words that mean the same thing here', () => {
  const split = wordSplitter('es', ['manda un mensaje', 'perdí mi celular', 'cancelar']);

  it.each([
    ['se me perdió el cel', 'se me perdió el celular'],
    ['mándame un sms', 'manda me un mensaje'],
    ['textéame porfa', 'manda mensaje por favor'],
    ['anular', 'cancelar'],
    ['no tengo wifi ahorita', 'no tengo internet ahora'],
    ['me quitaron el cel', 'me robaron el celular'],
    ['alguien me quitó el teléfono', 'alguien me robó el teléfono'],
  ])('when "%s" is read, then the classifier sees "%s"', (text, seen) => {
    expect(split(text)).toBe(seen);
  });

  it.each(['llámame', 'autenticación', 'quitar mi teléfono'])('when "%s" (a word with more than one sense here) is read, then no synonym replaces it', (text) => {
    expect(split(text)).toBe(text);
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
