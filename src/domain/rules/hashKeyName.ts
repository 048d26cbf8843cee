// What the # key is called follows the phone's country, not the reader's language: North American numbers (+1)
// say "pound", everyone else "hash" (the Kensington guide's warning: a UK caller told "pound" looks for £).
// Spanish says "la tecla numeral" for both; the locale decides the words, this rule only which name applies.

export type HashKeyName = 'pound' | 'hash';

/** The name of the # key on the phone with this E.164 number ("hash", the international name, when unknown: ''). */
export function hashKeyName(e164: string): HashKeyName {
  return e164.startsWith('+1') ? 'pound' : 'hash';
}

/** Reply parameters naming the # key for `e164`: written (with "(#)") or spoken. The renderer translates them. */
export function hashKeyParams(e164: string, medium: 'written' | 'spoken' = 'written'): { readonly hashKey: string } {
  const name = hashKeyName(e164);
  return { hashKey: medium === 'written' ? `common.hashKey.${name}` : `voice.hashKey.${name}` };
}
