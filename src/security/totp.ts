// TOTP (RFC 6238) for the authenticator app, through otplib: secrets, otpauth:// URIs, and verification that
// accepts the neighbouring time steps and refuses a code whose step was already used (replay).
import { generateSync, generateURI, ScureBase32Plugin, verifySync } from 'otplib';
import type { RandomSource } from './random';

/** The interoperable profile every authenticator app honours: SHA-1, 6 digits, 30 s. */
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
const SECRET_BYTES = 20;
const base32 = new ScureBase32Plugin();

/** A new base32 secret (unpadded, 160 bits) from the injected random source. */
export function generateTotpSecret(random: RandomSource): string {
  return base32.encode(new Uint8Array(random.bytes(SECRET_BYTES))).replace(/=+$/, '');
}

export function totpUri(issuer: string, accountName: string, secret: string): string {
  // The Key URI format forbids ':' inside issuer and account name; it separates them in the label.
  return generateURI({ issuer: issuer.replace(/:/g, ' '), label: accountName.replace(/:/g, ' '), secret });
}

/** The secret in groups of four for typing by hand ("Can't scan?"). */
export function groupSecret(secret: string): string {
  return secret.match(/.{1,4}/g)?.join(' ') ?? secret;
}

export function totpTimeStep(nowMs: number): number {
  return Math.floor(nowMs / 1000 / TOTP_PERIOD_SECONDS);
}

export function generateTotp(secret: string, nowMs: number): string {
  return generateSync({ secret, epoch: Math.floor(nowMs / 1000), period: TOTP_PERIOD_SECONDS, digits: TOTP_DIGITS });
}

export type TotpCheck = { readonly valid: true; readonly timeStep: number } | { readonly valid: false; readonly replay: boolean };

/**
 * Checks a typed code against the secret at `nowMs`, allowing one time step either side. A code from a step at
 * or before `lastUsedTimeStep` is refused as a replay. Malformed input is simply invalid (otplib would throw).
 */
export function checkTotp(secret: string, input: string, nowMs: number, lastUsedTimeStep: number | null): TotpCheck {
  const token = input.replace(/\s+/g, '');
  if (!new RegExp(`^\\d{${TOTP_DIGITS}}$`).test(token)) return { valid: false, replay: false };
  const epoch = Math.floor(nowMs / 1000);
  const options = { secret, token, epoch, period: TOTP_PERIOD_SECONDS, digits: TOTP_DIGITS, epochTolerance: TOTP_PERIOD_SECONDS } as const;
  const fresh = verifySync(lastUsedTimeStep === null ? options : { ...options, afterTimeStep: lastUsedTimeStep });
  if (fresh.valid) return { valid: true, timeStep: 'timeStep' in fresh ? fresh.timeStep : totpTimeStep(nowMs) + fresh.delta };
  if (lastUsedTimeStep === null) return { valid: false, replay: false };
  // Tell a replay from a wrong code, so the person hears "that code was already used, wait for the next one".
  const any = verifySync(options);
  return { valid: false, replay: any.valid };
}
