// The organisation's password rules and zxcvbn's score: each problem found on its own, a good password passes.
import { checkNewPassword, wordsOf } from '../../src/security/passwordStrength';

const rules = { minLength: 10, minStrength: 3, bannedWords: ['Signet Demo School', 'Jane Doe', 'jane.doe@signet-demo.example'] };

describe('checkNewPassword', () => {
  it.each([
    ['a long unusual passphrase passes', 'Quartz-Lantern-Orbit-77', 'Quartz-Lantern-Orbit-77', []],
    ['two different entries are a mismatch', 'Quartz-Lantern-Orbit-77', 'Quartz-Lantern-Orbit-78', ['mismatch']],
    ['a short one is too short (and weak)', 'Qz7!', 'Qz7!', ['tooShort', 'tooWeak']],
    ['a common one is too weak', 'password1234', 'password1234', ['tooWeak']],
    ["the person's own name is banned", 'Quartz-JANE-Orbit-77', 'Quartz-JANE-Orbit-77', ['bannedWord']],
    ["the organisation's name is banned", 'Quartz-signet-Orbit-77', 'Quartz-signet-Orbit-77', ['bannedWord']],
  ])('when %s', (_label, password, confirmation, expected) => {
    const verdict = checkNewPassword(password, confirmation, rules);
    expect(verdict.problems).toEqual(expected);
    expect(verdict.ok).toBe(expected.length === 0);
  });

  it('when the password is longer than any directory takes, then it is refused without scoring', () => {
    expect(checkNewPassword('x'.repeat(300), null, rules).problems).toContain('tooLong');
  });

  it('when names are split into words, then short words are ignored', () => {
    expect(wordsOf('Jo Ann Smith', 'jo.smith@school.example')).toEqual(['ann', 'smith', 'school', 'example']);
  });
});
