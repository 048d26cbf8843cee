// One-time codes, sealed secrets and slow hashes: the properties the rest of Signet relies on.
import { codeMatches, extractCode, generateNumericCode, hashCode } from '../../src/security/oneTimeCodes';
import { openSecret, sealSecret, SecretUnsealError } from '../../src/security/secretBox';
import { slowHash, slowHashMatches, unmatchableSlowHash } from '../../src/security/slowHash';
import { cryptoRandom, randomInt, seededRandom } from '../../src/security/random';

const KEY = Buffer.alloc(32, 1);

describe('one-time codes', () => {
  it('when codes are generated, then they have the asked length and every digit appears', () => {
    const random = seededRandom('codes');
    const codes = Array.from({ length: 200 }, () => generateNumericCode(random, 6));
    expect(codes.every((c) => /^\d{6}$/.test(c))).toBe(true);
    expect(new Set(codes.join('')).size).toBe(10);
    expect(new Set(codes).size).toBeGreaterThan(190);
  });

  it('when randomInt draws many values, then they stay in range and cover it', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(randomInt(cryptoRandom, 7));
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('when a code is hashed, then only the same code in the same context matches', () => {
    const stored = hashCode(KEY, 'enrollment-1', '123456');
    expect(stored).not.toContain('123456');
    expect(codeMatches(KEY, 'enrollment-1', '123456', stored)).toBe(true);
    expect(codeMatches(KEY, 'enrollment-1', '123457', stored)).toBe(false);
    expect(codeMatches(KEY, 'enrollment-2', '123456', stored)).toBe(false);
    expect(codeMatches(Buffer.alloc(32, 2), 'enrollment-1', '123456', stored)).toBe(false);
    expect(codeMatches(KEY, 'enrollment-1', '123456', 'garbage')).toBe(false);
  });

  it.each([
    ['123456', '123456'],
    [' 123 456 ', '123456'],
    ['code: 123-456', '123456'],
    ['My code is 123456, thanks', '123456'],
    ['12345', null],
    ['1234567', null],
    ['abc', null],
  ])('when %p is typed, then the code read is %p', (input, expected) => {
    expect(extractCode(input, 6)).toBe(expected);
  });
});

describe('sealed secrets (AES-256-GCM)', () => {
  it('when sealed and opened with the same key and context, then the secret comes back', () => {
    const sealed = sealSecret(KEY, cryptoRandom, 'JBSWY3DPEHPK3PXP', 'totp:m1');
    expect(JSON.stringify(sealed)).not.toContain('JBSWY3DPEHPK3PXP');
    expect(openSecret(KEY, sealed, 'totp:m1')).toBe('JBSWY3DPEHPK3PXP');
  });

  it('when the key, the context or the data differ, then opening fails', () => {
    const sealed = sealSecret(KEY, cryptoRandom, 'secret', 'a');
    expect(() => openSecret(Buffer.alloc(32, 9), sealed, 'a')).toThrow(SecretUnsealError);
    expect(() => openSecret(KEY, sealed, 'b')).toThrow(SecretUnsealError);
    const data = Buffer.from(sealed.data, 'base64');
    data[0] = data[0]! ^ 1;
    expect(() => openSecret(KEY, { ...sealed, data: data.toString('base64') }, 'a')).toThrow(SecretUnsealError);
  });
});

describe('slow hashes (scrypt)', () => {
  it('when an answer is hashed twice, then the salts differ and both verify', () => {
    const a = slowHash(cryptoRandom, 'fluffy');
    const b = slowHash(cryptoRandom, 'fluffy');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(slowHashMatches('fluffy', a)).toBe(true);
    expect(slowHashMatches('fluffy', b)).toBe(true);
    expect(slowHashMatches('fluffy2', a)).toBe(false);
    expect(slowHashMatches('fluffy', 'not-a-hash')).toBe(false);
  });

  it('when a stand-in is made for a name with no stored answer, then it has a real hash\'s shape, so checking it costs the same, and matches nothing', () => {
    const standIn = unmatchableSlowHash(cryptoRandom);
    const real = slowHash(cryptoRandom, 'fluffy');
    const shape = (h: string) => h.split('$').map((part, i) => (i >= 4 ? Buffer.from(part, 'base64url').length : part));
    expect(shape(standIn)).toEqual(shape(real));
    expect(unmatchableSlowHash(cryptoRandom)).not.toBe(standIn);
    for (const secret of ['', 'fluffy', standIn]) expect(slowHashMatches(secret, standIn)).toBe(false);
  });
});
