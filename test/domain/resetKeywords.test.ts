// The SMS words that ask for a reset link: whole messages only, in English and Spanish, whatever the case, accents,
// apostrophes or punctuation; a code, a sentence around the keyword or a very long text never counts.
import { resetKeyword } from '../../src/domain/rules/resetKeywords';

describe('resetKeyword', () => {
  it.each([
    ['RESET', 'reset'],
    ['  reset password ', 'reset'],
    ["I'm locked out!", 'reset'],
    ['I’m locked out', 'reset'],
    ['Unlock', 'unlock'],
    ['restablecer contraseña', 'reset'],
    ['OLVIDÉ MI CONTRASEÑA.', 'reset'],
    ['Estoy bloqueada', 'reset'],
    ['desbloquear mi cuenta', 'unlock'],
    // Accents typed as combining marks (beyond ASCII): the letter pre-check lets them through to normalisation.
    ['Olvide\u0301 mi contrasen\u0303a', 'reset'],
  ])('when the whole message is %j, then it asks for %s', (body, purpose) => {
    expect(resetKeyword(body)?.purpose).toBe(purpose);
  });

  it.each(['123456', ' 12 34 56 ', '!!', '@[`{', 'please reset my password now', 'STOP', '', 'reset'.padEnd(70, ' ') + 'x'])('when the message is %j, then it is no reset keyword', (body) => {
    expect(resetKeyword(body)).toBeNull();
  });

  it('when a very long text of separators arrives, then it is refused at once without being scanned', () => {
    expect(resetKeyword(' '.repeat(100_000) + 'RESET')).toBeNull();
  });
});
