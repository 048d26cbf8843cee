// Spanish words that mean the same thing to this bot read as one word ("cel", "móvil", "iphone" → "celular";
// "texto", "sms", "mensajito" → "mensaje"), so a phrasing learnt with one of them is known with the others. People
// in the US write Mexican, Central-American and Caribbean Spanish, Spanglish and chat shorthand; the corpus
// cannot hold every word for every sentence.
import { remembering } from './spanishMemory';
import { chunksOf, wordOf } from './words';

export type ReadSynonyms = (text: string) => string;

/**
 * Each word and the words read as it, matched as typed (lower-case, accents folded): stems would join
 * too much ("llamadita" and "llámame" share one, so do "autenticación" and "autenticador"). Only words with one
 * sense here belong: "quitar" is also what a thief does to a phone and "marcar" is also pressing a key, so they
 * are not "remove" or "call"; only the past of "quitar", what a thief did ("me quitaron", "me quitó"), is "robar".
 */
export const SPANISH_SYNONYMS: Readonly<Record<string, readonly string[]>> = {
  celular: ['cel', 'celu', 'cell', 'movil', 'smartphone', 'iphone', 'android', 'samsung', 'motorola'],
  celulares: ['cels', 'moviles', 'smartphones', 'iphones'],
  mensaje: ['texto', 'textito', 'mensajito', 'sms', 'msj', 'mensage', 'whatsapp', 'mensajillo'],
  mensajes: ['textos', 'textitos', 'mensajitos', 'msjs', 'mensages'],
  'manda mensaje': ['textea', 'textee', 'texteen', 'textear', 'texteame', 'texteeme', 'textearme'],
  correo: ['email', 'mail', 'imeil', 'emeil', 'gmail', 'hotmail', 'yahoo', 'outlook', 'correito'],
  contraseña: ['password', 'pasword', 'pass'],
  aplicación: ['app', 'aplicasion'],
  aplicaciones: ['apps'],
  autenticador: ['authenticator', 'autentificador'],
  cancelar: ['anular', 'abortar'],
  cancela: ['anula', 'aborta'],
  cancele: ['anule', 'aborte'],
  cancelen: ['anulen', 'aborten'],
  enlace: ['link', 'liga', 'vinculo', 'linc'],
  llamada: ['llamadita'],
  código: ['codiguito', 'code'],
  escuela: ['colegio', 'school', 'escuelita'],
  empezar: ['comenzar'],
  empieza: ['comienza'],
  empiece: ['comience'],
  empecemos: ['comencemos'],
  mandar: ['enviar'],
  manda: ['envia'],
  mande: ['envie'],
  manden: ['envien'],
  autobús: ['camion', 'guagua', 'bus', 'micro', 'colectivo'],
  carro: ['coche', 'troca'],
  ahora: ['ahorita', 'orita', 'ahoritita'],
  ayuda: ['help', 'auxilio'],
  escanear: ['scanear', 'escaniar', 'scan'],
  internet: ['wifi'],
  // What someone else did to the phone: "me quitaron el celular" is a theft, not a removal of a method.
  robaron: ['quitaron'],
  robó: ['quito'],
};

/** Chat shorthand, matched as typed. */
export const SHORT_FORMS: Readonly<Record<string, string>> = {
  q: 'que',
  k: 'que',
  xq: 'por qué',
  pq: 'por qué',
  porq: 'por qué',
  porke: 'por qué',
  xk: 'por qué',
  porfa: 'por favor',
  porfavor: 'por favor',
  xfa: 'por favor',
  xfavor: 'por favor',
  plis: 'por favor',
  pls: 'por favor',
  tel: 'teléfono',
  num: 'número',
  tmb: 'también',
};

export function spanishSynonyms(): ReadSynonyms {
  const synonyms = new Map<string, string>(Object.entries(SHORT_FORMS));
  for (const [meaning, words] of Object.entries(SPANISH_SYNONYMS)) for (const word of words) synonyms.set(word, meaning);
  const readChunk = remembering((chunk) => {
    const word = wordOf(chunk);
    return (word === undefined ? undefined : synonyms.get(word.folded)) ?? chunk;
  });
  return (text) => chunksOf(text).map(readChunk).join('');
}
