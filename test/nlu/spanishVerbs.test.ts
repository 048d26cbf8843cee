// Spanish verb forms read as their infinitive: the verbs are those the training uses as infinitives, every person
// and tense of them is one word to the classifier, and words that are not (only) one of their forms stay as typed.
import type { ModelCache } from '../../src/nlu/modelCache';
import { corpusInfinitives, spanishVerbReader, verbForms } from '../../src/nlu/spanishVerbs';

/** A model cache in memory that counts its writes. */
function memoryCache(seed: Record<string, unknown> = {}): ModelCache & { writes: number; entries: Record<string, unknown> } {
  const entries = { ...seed };
  const cache = { writes: 0, entries, read: (key: string) => entries[key], write: (key: string, value: unknown) => void ((entries[key] = value), cache.writes++) };
  return cache;
}

describe('Spanish verb forms read as their infinitive', () => {
  const training = ['quiero empezar de nuevo', 'no me va a llegar', 'puedo quitarlo', 'mándame un mensaje', 'para qué sirve', 'ir a la escuela', 'ser estudiante', 'quiero parar', 'no quiero bloquear', 'anadir mi correo'];
  const readVerbs = spanishVerbReader(training);

  it('when the training uses infinitives, bare or with pronouns, accents or not, then those are its verbs as the conjugator spells them', () => {
    expect(corpusInfinitives(training)).toEqual(['añadir', 'bloquear', 'empezar', 'ir', 'llegar', 'parar', 'quitar', 'ser']);
  });

  it.each([
    ['empiece de nuevo', 'empezar de nuevo'],
    ['empieza otra vez', 'empezar otra vez'],
    ['empecemos', 'empezar'],
    ['no llegó el código', 'no llegar el código'],
    ['cuando llegue', 'cuando llegar'],
    ['ya no llegan', 'ya no llegar'],
    ['quite el teléfono', 'quitar el teléfono'],
    ['quitó mi número', 'quitar mi número'],
    ['pare por favor', 'parar por favor'],
    ['añada mi número', 'anadir mi número'],
  ])('when "%s" is read, then the classifier sees "%s"', (text, seen) => {
    expect(readVerbs(text)).toBe(seen);
  });

  it.each([
    ['fue ayer', 'a form of two of the verbs (ser, ir)'],
    ['para qué sirve', 'a stop word that is also a form ("para")'],
    ['mándame un mensaje', 'a verb the training never uses as an infinitive'],
    ['lo han bloqueado', 'a participle'],
  ])('when "%s" (%s) is read, then it stays as typed', (text) => {
    expect(readVerbs(text)).toBe(text);
  });

  it('when the same verbs are read twice, then their forms are conjugated once', () => {
    expect(verbForms(['llegar', 'empezar'])).toBe(verbForms(['llegar', 'empezar']));
  });

  it('when a cache is given, then the built forms are kept in it and a restart reads them back instead of conjugating', () => {
    const cache = memoryCache();
    expect(spanishVerbReader(training, { cache, key: 'k' })('empiece de nuevo')).toBe('empezar de nuevo');
    expect(cache.writes).toBe(1);
    expect(cache.entries['k']).toEqual(expect.arrayContaining([['empiece', 'empezar']]));
    // What the cache holds is what a restart reads: a form only the cache knows is read too, and nothing is written.
    cache.entries['k'] = [['xyzzy', 'probar']];
    expect(spanishVerbReader(training, { cache, key: 'k' })('xyzzy ya')).toBe('probar ya');
    expect(cache.writes).toBe(1);
  });

  it('when the cached forms are damaged, then they are built again and the cache is rewritten', () => {
    const cache = memoryCache({ k: [['empiece']] });
    expect(spanishVerbReader(training, { cache, key: 'k' })('empiece de nuevo')).toBe('empezar de nuevo');
    expect(cache.writes).toBe(1);
  });
});
