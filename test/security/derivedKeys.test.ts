// Every derived key comes from deriveKey, and folding the three HKDF call sites into it changed no key: codes,
// passes and callback signatures made before still check.
import { hkdfSync } from 'node:crypto';
import { deriveKey } from '../../src/security/derivedKeys';
import { callbackSigningKey } from '../../src/security/apiClientCredentials';
import { createSecretOps } from '../../src/enrollment/enrollmentPolicy';
import { hashCode } from '../../src/security/oneTimeCodes';
import { seededRandom } from '../../src/security/random';

const MASTER = Buffer.alloc(32, 7);
const hkdf = (key: Buffer, salt: string, info: string) => Buffer.from(hkdfSync('sha256', key, Buffer.from(salt), info, 32));

describe('deriveKey', () => {
  it('when a purpose is derived, then it is HKDF-SHA256 with info "signet <purpose>" and no salt, as before', () => {
    for (const purpose of ['api client secrets', 'temporary access passes', 'callback signing', 'code hash'] as const) {
      expect(deriveKey(MASTER, purpose).equals(hkdf(MASTER, '', `signet ${purpose}`))).toBe(true);
    }
  });

  it('when purposes or salts differ, then the keys differ', () => {
    expect(deriveKey(MASTER, 'code hash').equals(deriveKey(MASTER, 'callback signing'))).toBe(false);
    expect(deriveKey(MASTER, 'callback signing', 'a').equals(deriveKey(MASTER, 'callback signing', 'b'))).toBe(false);
  });

  it("when a client's callback key is made, then it is the one derived before (salt = client id)", () => {
    expect(callbackSigningKey(MASTER, 'client123456')).toBe(hkdf(MASTER, 'client123456', 'signet callback signing').toString('base64url'));
  });

  it('when the enrollment secrets hash a code, then they use the code-hash key derived before', () => {
    const ops = createSecretOps(MASTER, seededRandom('keys'));
    expect(ops.hashCode('ctx', '123456')).toBe(hashCode(hkdf(MASTER, '', 'signet code hash'), 'ctx', '123456'));
  });
});
