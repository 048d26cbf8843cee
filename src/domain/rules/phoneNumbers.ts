// Phone numbers as people type them, parsed and normalised to E.164 with libphonenumber-js, with a specific
// reason for each way a number can be wrong.
import { findPhoneNumbersInText, parsePhoneNumberWithError, ParseError, type CountryCode } from 'libphonenumber-js/max';

export type PhoneProblem =
  | 'empty'
  | 'notANumber'
  | 'invalidCountry'
  | 'tooShort'
  | 'tooLong'
  | 'invalid'
  | 'notMobile'
  | 'countryNotAllowed'
  | 'blocked'
  | 'extensionInvalid';

export interface ParsedPhone {
  readonly e164: string;
  readonly country: CountryCode | null;
  /** For showing back: "+1 425 555 0123". */
  readonly international: string;
  readonly type: string | null;
}

export type ParseProblem = Exclude<PhoneProblem, 'blocked' | 'countryNotAllowed' | 'notMobile' | 'extensionInvalid'>;
export type PhoneResult = { readonly ok: true; readonly phone: ParsedPhone } | { readonly ok: false; readonly problem: ParseProblem };

const MAX_INPUT = 40;

export function parsePhone(input: string, defaultCountry: CountryCode): PhoneResult {
  const text = input.normalize('NFKC').trim();
  if (text === '') return { ok: false, problem: 'empty' };
  if (text.length > MAX_INPUT || !/^[+0-9().\s\-\/]+$/.test(text)) return { ok: false, problem: 'notANumber' };
  try {
    const parsed = parsePhoneNumberWithError(text, defaultCountry);
    if (!parsed.isValid()) {
      const length = parsed.nationalNumber.length;
      if (length < 7) return { ok: false, problem: 'tooShort' };
      if (length > 15) return { ok: false, problem: 'tooLong' };
      return { ok: false, problem: 'invalid' };
    }
    return {
      ok: true,
      phone: { e164: parsed.number, country: parsed.country ?? null, international: parsed.formatInternational(), type: parsed.getType() ?? null },
    };
  } catch (err) {
    if (err instanceof ParseError) {
      switch (err.message) {
        case 'INVALID_COUNTRY':
          return { ok: false, problem: 'invalidCountry' };
        case 'TOO_SHORT':
        case 'NOT_A_NUMBER':
          return { ok: false, problem: err.message === 'TOO_SHORT' ? 'tooShort' : 'notANumber' };
        case 'TOO_LONG':
          return { ok: false, problem: 'tooLong' };
        default:
          return { ok: false, problem: 'invalid' };
      }
    }
    throw err;
  }
}

/**
 * The longest message searched for a phone number. The library's search grows faster than the text on long runs
 * of digits and spaces (measured: about 7 ms at 200 characters, about 100 ms at 4 000), and a number with its
 * extension and "call me" fits easily.
 */
export const MAX_PHONE_MESSAGE = 200;

/** What a typed message holds in the way of phone numbers. */
export type PhoneInText =
  | { readonly found: 'none' }
  | { readonly found: 'tooLong' }
  | { readonly found: 'several' }
  | {
      readonly found: 'one';
      readonly phone: ParsedPhone;
      /** "x 1234", "ext. 1234", "extension 1234" after the number, as the library reads extensions. */
      readonly extension: string | null;
      /** The message with the number (and its extension) taken out, trimmed: "call me", "", "1". */
      readonly rest: string;
    };

/**
 * Finds the valid phone number in a message ("+43 664 12345671 text me") with libphonenumber-js: the whole
 * number or nothing, so a trailing digit is never split off and read as something else.
 */
export function findPhoneInText(input: string, defaultCountry: CountryCode): PhoneInText {
  if (input.length > MAX_PHONE_MESSAGE) return { found: 'tooLong' };
  const text = input.normalize('NFKC');
  // Compatibility characters can expand several-fold under NFKC: the bound holds for what is searched.
  if (text.length > MAX_PHONE_MESSAGE) return { found: 'tooLong' };
  const found = findPhoneNumbersInText(text, { defaultCountry });
  if (found.length > 1) return { found: 'several' };
  const match = found[0];
  if (!match) return { found: 'none' };
  const parsed = parsePhone(match.number.number, defaultCountry);
  if (!parsed.ok) return { found: 'none' };
  const rest = `${text.slice(0, match.startsAt)} ${text.slice(match.endsAt)}`.trim();
  return { found: 'one', phone: parsed.phone, extension: match.number.ext ?? null, rest };
}

export interface PhonePolicy {
  readonly defaultCountry: CountryCode;
  /** Empty means any country. */
  readonly allowedCountries: readonly CountryCode[];
  readonly blockedNumbers: readonly { readonly number: string; readonly reason: string }[];
}

export type PhoneCheck =
  | { readonly ok: true; readonly phone: ParsedPhone }
  | { readonly ok: false; readonly problem: Exclude<PhoneProblem, 'blocked' | 'countryNotAllowed'> }
  /** `country`: the number's own country (null when it belongs to none), named in the refusal. */
  | { readonly ok: false; readonly problem: 'countryNotAllowed'; readonly country: CountryCode | null }
  | { readonly ok: false; readonly problem: 'blocked'; readonly reason: string };

/**
 * Parses and applies the organisation's rules: allowed countries, blocked numbers (main lines that ring a call
 * queue), and for text messages a number that can receive them (a fixed line cannot).
 */
export function checkPhone(input: string, policy: PhonePolicy, purpose: { readonly sms: boolean }): PhoneCheck {
  const parsed = parsePhone(input, policy.defaultCountry);
  if (!parsed.ok) return parsed;
  const { phone } = parsed;
  if (policy.allowedCountries.length > 0 && (phone.country === null || !policy.allowedCountries.includes(phone.country))) {
    return { ok: false, problem: 'countryNotAllowed', country: phone.country };
  }
  const blocked = policy.blockedNumbers.find((b) => b.number === phone.e164);
  if (blocked) return { ok: false, problem: 'blocked', reason: blocked.reason };
  if (purpose.sms && phone.type === 'FIXED_LINE') return { ok: false, problem: 'notMobile' };
  return parsed;
}

/** An office extension: digits only, up to 10, optionally preceded by "x" or "ext". */
export function parseExtension(input: string | undefined): { ok: true; extension: string | null } | { ok: false } {
  if (input === undefined) return { ok: true, extension: null };
  const text = input.trim().replace(/^(ext\.?|x)\s*/i, '');
  if (text === '') return { ok: true, extension: null };
  return /^\d{1,10}$/.test(text) ? { ok: true, extension: text } : { ok: false };
}

/** "+1 425 555 0123" → "+1 ••• ••• 0123": enough to recognise, not enough to use. */
export function maskPhone(international: string): string {
  const digits = international.replace(/\D/g, '');
  const last = digits.slice(-2);
  let seen = 0;
  const total = digits.length;
  const country = international.startsWith('+') ? (international.slice(1).split(' ')[0] ?? '') : '';
  return international.replace(/\d/g, (d) => {
    seen++;
    if (seen <= country.length) return d;
    return seen > total - last.length ? d : '•';
  });
}
