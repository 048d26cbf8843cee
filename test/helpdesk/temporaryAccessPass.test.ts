// Temporary Access Passes: shape, lifetime bounds, no self-issue, one-time use, expiry, revocation.
import { isPassUsable } from '../../src/domain/temporaryAccessPass';
import { checkTemporaryAccessPass, formatPasscode, issueTemporaryAccessPass, MAX_LIFETIME_MS } from '../../src/helpdesk/temporaryAccessPass';
import { seededRandom } from '../../src/security/random';
import { T0 } from '../support/coreHarness';

const KEY = Buffer.alloc(32, 3);
const issue = (over: Partial<Parameters<typeof issueTemporaryAccessPass>[0]> = {}) =>
  issueTemporaryAccessPass({ userId: 'jane', issuedBy: 'helpdesk-1', ...over }, T0, seededRandom('tap'), KEY);

describe('temporary access passes', () => {
  it('when issued, then the passcode is 10 unambiguous characters, stored only as a hash, for one hour, one-time', () => {
    const result = issue();
    if (!result.ok) throw new Error('not issued');
    expect(result.passcode).toMatch(/^[2-9A-HJKMNP-Z]{10}$/);
    expect(JSON.stringify(result.pass)).not.toContain(result.passcode);
    expect(result.pass).toMatchObject({ userId: 'jane', issuedBy: 'helpdesk-1', oneTime: true, expiresAt: T0 + 60 * 60_000, usedAt: null });
    expect(formatPasscode('ABCDEFGHJK')).toBe('ABCD-EFGH-JK');
  });

  it('when someone issues one for themselves, then it is refused', () => {
    expect(issue({ issuedBy: 'jane' })).toEqual({ ok: false, problem: 'selfIssue' });
  });

  it.each([9 * 60_000, MAX_LIFETIME_MS + 1, 1.5])('when the lifetime is %p ms, then it is refused', (lifetimeMs) => {
    expect(issue({ lifetimeMs })).toEqual({ ok: false, problem: 'lifetimeOutOfRange' });
  });

  it('when checked, then typing case, spaces and dashes are forgiven; wrong, used, expired and revoked are told apart', () => {
    const result = issue();
    if (!result.ok) throw new Error('not issued');
    const { pass, passcode } = result;
    expect(checkTemporaryAccessPass(pass, formatPasscode(passcode).toLowerCase(), T0, KEY)).toBe('valid');
    expect(checkTemporaryAccessPass(pass, 'WRONGWRONG', T0, KEY)).toBe('wrong');
    expect(checkTemporaryAccessPass({ ...pass, usedAt: T0 }, passcode, T0, KEY)).toBe('used');
    expect(checkTemporaryAccessPass({ ...pass, usedAt: T0, oneTime: false }, passcode, T0, KEY)).toBe('valid');
    expect(checkTemporaryAccessPass(pass, passcode, pass.expiresAt, KEY)).toBe('expired');
    expect(checkTemporaryAccessPass({ ...pass, revokedAt: T0 }, passcode, T0, KEY)).toBe('revoked');
    expect(checkTemporaryAccessPass(pass, passcode, T0, Buffer.alloc(32, 4))).toBe('wrong');
  });
});

describe('isPassUsable', () => {
  const pass = { id: 'p', userId: 'u', issuedBy: 'h', passcodeHash: 'x', oneTime: true, createdAt: 0, expiresAt: 100, usedAt: null, revokedAt: null };
  it('when a pass is current, unused and unrevoked, then it is usable; otherwise not', () => {
    expect(isPassUsable(pass, 50)).toBe(true);
    expect(isPassUsable(null, 50)).toBe(false);
    expect(isPassUsable(pass, 100)).toBe(false);
    expect(isPassUsable({ ...pass, revokedAt: 10 }, 50)).toBe(false);
    expect(isPassUsable({ ...pass, usedAt: 10 }, 50)).toBe(false);
    expect(isPassUsable({ ...pass, oneTime: false, usedAt: 10 }, 50)).toBe(true);
  });
});
