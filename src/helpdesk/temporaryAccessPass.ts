// Temporary Access Passes: the one-time passcode the help desk gives a person who left their phone at home.
// Random, shown once, stored only as a keyed hash; one per person (a new one replaces the old); never
// issued by someone for themselves; one-time by default, with a lifetime from 10 minutes to 30 days.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { randomInt, randomId, type RandomSource } from '../security/random';
import type { TemporaryAccessPass } from '../domain/temporaryAccessPass';

export type { TemporaryAccessPass };

/** No 0/O, 1/I/L: a passcode is read out over the phone and typed by hand. */
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const PASSCODE_LENGTH = 10;
export const MIN_LIFETIME_MS = 10 * 60_000;
export const MAX_LIFETIME_MS = 30 * 24 * 60 * 60_000;
export const DEFAULT_LIFETIME_MS = 60 * 60_000;


export type IssueProblem = 'selfIssue' | 'lifetimeOutOfRange';

export interface IssueRequest {
  readonly userId: string;
  readonly issuedBy: string;
  readonly lifetimeMs?: number;
  readonly oneTime?: boolean;
}

export function issueTemporaryAccessPass(
  request: IssueRequest,
  now: number,
  random: RandomSource,
  key: Buffer,
): { ok: true; pass: TemporaryAccessPass; passcode: string } | { ok: false; problem: IssueProblem } {
  if (request.userId === request.issuedBy) return { ok: false, problem: 'selfIssue' };
  const lifetime = request.lifetimeMs ?? DEFAULT_LIFETIME_MS;
  if (!Number.isInteger(lifetime) || lifetime < MIN_LIFETIME_MS || lifetime > MAX_LIFETIME_MS) return { ok: false, problem: 'lifetimeOutOfRange' };
  let passcode = '';
  for (let i = 0; i < PASSCODE_LENGTH; i++) passcode += ALPHABET[randomInt(random, ALPHABET.length)];
  const id = randomId(random);
  return {
    ok: true,
    passcode,
    pass: {
      id,
      userId: request.userId,
      issuedBy: request.issuedBy,
      passcodeHash: hashPasscode(key, id, passcode),
      oneTime: request.oneTime ?? true,
      createdAt: now,
      expiresAt: now + lifetime,
      usedAt: null,
      revokedAt: null,
    },
  };
}

/** The longest typed passcode read at all: ten times its length leaves room for any spacing; longer is 'wrong'. */
export const PASSCODE_MAX_TYPED_LENGTH = PASSCODE_LENGTH * 10;

/** Passcodes are typed by hand: case, spaces and dashes don't matter. Reads at most PASSCODE_MAX_TYPED_LENGTH characters. */
export function normalisePasscode(input: string): string {
  return input.slice(0, PASSCODE_MAX_TYPED_LENGTH).normalize('NFKC').toUpperCase().replace(/[\s-]/g, '');
}

function hashPasscode(key: Buffer, id: string, passcode: string): string {
  return createHmac('sha256', key).update(`tap\u0000${id}\u0000${normalisePasscode(passcode)}`).digest('base64url');
}

export type PassCheck = 'valid' | 'wrong' | 'expired' | 'used' | 'revoked';

export function checkTemporaryAccessPass(pass: TemporaryAccessPass, input: string, now: number, key: Buffer): PassCheck {
  if (pass.revokedAt !== null) return 'revoked';
  if (pass.oneTime && pass.usedAt !== null) return 'used';
  if (now >= pass.expiresAt) return 'expired';
  if (input.length > PASSCODE_MAX_TYPED_LENGTH) return 'wrong';
  const expected = Buffer.from(pass.passcodeHash, 'base64url');
  const actual = Buffer.from(hashPasscode(key, pass.id, input), 'base64url');
  return expected.length === actual.length && timingSafeEqual(expected, actual) ? 'valid' : 'wrong';
}

/** Groups a passcode for reading aloud: "ABCD-EFGH-JK". */
export function formatPasscode(passcode: string): string {
  return passcode.match(/.{1,4}/g)?.join('-') ?? passcode;
}
