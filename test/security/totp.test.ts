// TOTP against the RFC 6238 Appendix B vectors (SHA-1 rows, 6-digit truncation of the same HOTP values), plus
// the service's own rules: ±1 step, replay refused, malformed input is simply invalid.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSync } from 'otplib';
import { checkTotp, generateTotp, generateTotpSecret, groupSecret, totpTimeStep, totpUri } from '../../src/security/totp';
import { seededRandom } from '../../src/security/random';

interface Vector { timeSeconds: number; totp: string; mode: 'SHA1' | 'SHA256' | 'SHA512' }
const spec = JSON.parse(readFileSync(join(__dirname, '../fixtures/spec/rfc6238-vectors.json'), 'utf8')) as {
  seeds: Record<'SHA1' | 'SHA256' | 'SHA512', { base32: string }>;
  table: Vector[];
};

describe('TOTP and the RFC 6238 vectors', () => {
  it.each(spec.table.map((v) => [v.mode, v.timeSeconds, v.totp] as const))('when %s at t=%i, then the 8-digit code is %s', (mode, t, expected) => {
    const code = generateSync({
      secret: spec.seeds[mode].base32,
      algorithm: mode.toLowerCase() as 'sha1' | 'sha256' | 'sha512',
      digits: 8,
      period: 30,
      epoch: t,
    });
    expect(code).toBe(expected);
  });

  it.each(spec.table.filter((v) => v.mode === 'SHA1').map((v) => [v.timeSeconds, v.totp] as const))(
    'when the SHA-1 seed is checked at t=%i, then our 6-digit code is the last six digits of %s and verifies',
    (t, expected) => {
      const secret = spec.seeds.SHA1.base32;
      const code = generateTotp(secret, t * 1000);
      expect(code).toBe(expected.slice(-6));
      expect(checkTotp(secret, code, t * 1000, null)).toEqual({ valid: true, timeStep: Math.floor(t / 30) });
    },
  );
});

describe('TOTP rules', () => {
  const secret = generateTotpSecret(seededRandom('totp'));
  const now = 1_800_000_000_000;

  it('when a secret is generated, then it is 32 unpadded base32 characters (160 bits)', () => {
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(groupSecret(secret).split(' ')).toHaveLength(8);
  });

  it.each([-1, 0, 1])('when the code is from step offset %i, then it is accepted', (offset) => {
    const code = generateTotp(secret, now + offset * 30_000);
    expect(checkTotp(secret, code, now, null)).toEqual({ valid: true, timeStep: totpTimeStep(now) + offset });
  });

  it.each([-2, 2])('when the code is from step offset %i, then it is refused', (offset) => {
    expect(checkTotp(secret, generateTotp(secret, now + offset * 30_000), now, null)).toEqual({ valid: false, replay: false });
  });

  it('when a code whose step was already used is typed again, then it is refused as a replay', () => {
    const code = generateTotp(secret, now);
    const first = checkTotp(secret, code, now, null);
    expect(first.valid).toBe(true);
    const step = (first as { timeStep: number }).timeStep;
    expect(checkTotp(secret, code, now + 5000, step)).toEqual({ valid: false, replay: true });
    expect(checkTotp(secret, generateTotp(secret, now - 30_000), now, step)).toEqual({ valid: false, replay: true });
    expect(checkTotp(secret, generateTotp(secret, now + 30_000), now + 30_000, step).valid).toBe(true);
  });

  it.each(['', '12345', '1234567', 'abcdef', '12 34 5x'])('when the input is %p, then it is invalid without throwing', (input) => {
    expect(checkTotp(secret, input, now, null)).toEqual({ valid: false, replay: false });
  });

  it('when a URI is made, then issuer and label follow the Key URI format', () => {
    expect(totpUri('Contoso: Schools', 'jo@contoso.edu', 'ABCDEFGHIJKLMNOP')).toBe(
      'otpauth://totp/Contoso%20%20Schools:jo%40contoso.edu?secret=ABCDEFGHIJKLMNOP&issuer=Contoso%20%20Schools',
    );
  });
});
