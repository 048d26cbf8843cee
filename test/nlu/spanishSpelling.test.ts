// The Spanish respeller: a word the training never used is read as the training word it spells by ear or as a
// diminutive, and only then; known words, short words and words that sound like two training words stay as typed.
import { soundOf, spanishRespeller } from '../../src/nlu/spanishSpelling';

describe('Spanish words spelt by ear', () => {
  const training = ['necesito ayuda', 'quiero llamar', 'hola', 'no recibí el código', 'mi celular', 'un mensaje', 'cancelar', 'la casa', 'espera un rato', 'hay señal', 'ahí está'];
  const respell = spanishRespeller(training);

  it.each([
    ['nesesito ayuda', 'necesito ayuda'],
    ['kiero yamar', 'quiero llamar'],
    ['ola', 'hola'],
    ['no resibi el kodigo', 'no recibi el codigo'],
    ['mi selular', 'mi celular'],
    ['un mensage', 'un mensaje'],
    ['canselar', 'cancelar'],
  ])('when "%s" is read, then the classifier sees "%s"', (text, seen) => {
    expect(respell(text)).toBe(seen);
  });

  it.each([
    ['espera un ratito', 'espera un rato'],
    ['mi casita', 'mi casa'],
  ])('when the diminutive "%s" is read, then the classifier sees "%s"', (text, seen) => {
    expect(respell(text)).toBe(seen);
  });

  it.each(['necesito ayuda', 'mi teléfono nuevo', 'ay', 'ai'])('when "%s" (known, unknown without a look-alike, short or sounding like two words) is read, then it stays as typed', (text) => {
    expect(respell(text)).toBe(text);
  });

  it('when words sound alike in American Spanish, then they have one sound', () => {
    expect(soundOf('necesito')).toBe(soundOf('nesesito'));
    expect(soundOf('llamar')).toBe(soundOf('yamar'));
    expect(soundOf('hablar')).toBe(soundOf('ablar'));
    expect(soundOf('vuelve')).toBe(soundOf('buelbe'));
    expect(soundOf('quiero')).toBe(soundOf('kiero'));
    expect(soundOf('casa')).not.toBe(soundOf('cosa'));
  });
});
