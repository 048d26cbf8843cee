// The Spanish words the stemmer would join with an unrelated word are read as a synonym it keeps apart.
import { spanishStemClashes } from '../../src/nlu/spanishStemClashes';
import { stemmerFor } from '../../src/nlu/stems';

const readApart = spanishStemClashes();
const stems = (text: string) => stemmerFor('es')!(text).stems;

describe('spanishStemClashes', () => {
  it('reads "parar" as "detener", so that stopping no longer shares its stem with "para" (for)', () => {
    expect(stems('parar')).toEqual(stems('para'));
    expect(readApart('quiero parar ya')).toBe('quiero detener ya');
    expect(stems(readApart('parar'))).not.toEqual(stems('para'));
  });

  it('reads "manera(s)" as "forma(s)", apart from "mano" (hand), and "fuera" as "afuera", apart from "ser"', () => {
    expect(readApart('¿qué maneras hay?')).toBe('¿qué formas hay?');
    expect(readApart('otra manera')).toBe('otra forma');
    expect(stems(readApart('manera'))).not.toEqual(stems('mano'));
    expect(readApart('fuera del país')).toBe('afuera del país');
  });

  it('reads the perfect tense\'s auxiliary as nothing, so that "no me ha llegado" is not read as "hay" (there is)', () => {
    expect(stems('ha')).toEqual(stems('hay'));
    expect(readApart('no me ha llegado')).toBe('no me  llegado');
    expect(readApart('¿qué opciones hay?')).toBe('¿qué opciones hay?');
    expect(readApart('qué hubo')).toBe('qué hubo');
  });

  it('leaves every other word, its case and its punctuation as typed', () => {
    expect(readApart('Para qué sirve, la mano?')).toBe('Para qué sirve, la mano?');
    expect(readApart('constructor toString')).toBe('constructor toString');
  });
});
