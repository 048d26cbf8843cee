// The words that ask for a password-reset link by SMS, in English and Spanish: like the carrier keywords, only a
// whole message counts (case, accents, punctuation and spacing aside), so a code or a sentence never triggers one.

/** The same two purposes as a reset link's (src/ports/resetLinks.ts): change the password, or only unlock. */
export type ResetPurpose = 'reset' | 'unlock';

const KEYWORDS: Readonly<Record<string, ResetPurpose>> = {
  // English
  RESET: 'reset',
  'RESET PASSWORD': 'reset',
  'PASSWORD RESET': 'reset',
  'FORGOT PASSWORD': 'reset',
  'I FORGOT MY PASSWORD': 'reset',
  'LOCKED OUT': 'reset',
  'IM LOCKED OUT': 'reset',
  'I AM LOCKED OUT': 'reset',
  UNLOCK: 'unlock',
  'UNLOCK ACCOUNT': 'unlock',
  'UNLOCK MY ACCOUNT': 'unlock',
  // Spanish (accents are dropped before the look-up: CONTRASEÑA reads CONTRASENA)
  RESTABLECER: 'reset',
  'RESTABLECER CONTRASENA': 'reset',
  'OLVIDE MI CONTRASENA': 'reset',
  'OLVIDE LA CONTRASENA': 'reset',
  'ESTOY BLOQUEADO': 'reset',
  'ESTOY BLOQUEADA': 'reset',
  DESBLOQUEAR: 'unlock',
  'DESBLOQUEAR CUENTA': 'unlock',
  'DESBLOQUEAR MI CUENTA': 'unlock',
};

/** Longer than any keyword by far: a longer text is never looked at character by character. */
const MAX_KEYWORD_TEXT = 64;

/** Upper case, accents and apostrophes dropped, any other run of non-letters and non-digits one space. */
function normalise(body: string): string {
  const upper = body.normalize('NFD').replace(/\p{M}/gu, '').replace(/['’]/g, '').toUpperCase();
  return upper.replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/**
 * Whether any character could be a letter: ASCII ones are checked, anything beyond ASCII counts (an accented or
 * non-Latin letter). Every keyword has letters, so a code ("123456") skips the normalisation's four passes.
 */
function hasLetter(body: string): boolean {
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i) | 0x20;
    if ((c >= 0x61 && c <= 0x7a) || body.charCodeAt(i) > 0x7f) return true;
  }
  return false;
}

/** What the whole message asks for when it is a reset keyword, else null. */
export function resetKeyword(body: string): { readonly purpose: ResetPurpose; readonly word: string } | null {
  if (body.length > MAX_KEYWORD_TEXT || !hasLetter(body)) return null;
  const word = normalise(body);
  const purpose = Object.prototype.hasOwnProperty.call(KEYWORDS, word) ? KEYWORDS[word] : undefined;
  return purpose ? { purpose, word } : null;
}
