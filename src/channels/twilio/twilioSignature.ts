// X-Twilio-Signature checking (protocols.md 1): the URL Twilio signed is PUBLIC_BASE_URL plus the path and query
// exactly as requested (never the Host header, which a proxy rewrites), with every decoded form field.
// Computed with node:crypto rather than the twilio SDK's validateRequest: the same URLs are accepted (checked
// against the SDK on random inputs in the tests), but the SDK need not be loaded.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { parse as parseLegacyQuery, stringify as stringifyLegacyQuery } from 'node:querystring';

export type SignedFields = Readonly<Record<string, string | readonly string[]>>;

/** Checks one request's signature: `pathAndQuery` as requested, `fields` every form field (repeats as arrays). */
export type TwilioSignatureCheck = (signature: string | undefined, pathAndQuery: string, fields: SignedFields) => boolean;

export function twilioSignatureCheck(authToken: string, publicBaseUrl: string): TwilioSignatureCheck {
  // The key as bytes rather than a KeyObject: an HMAC over a KeyObject costs twice as much to set up (5 against
  // 2.7 µs per request here), and the token is in this process's memory either way.
  const key = Buffer.from(authToken, 'utf8');
  // Webhooks arrive at a handful of paths: the first URL tried for each is worked out once (bounded).
  const firstCandidates = new Map<string, string>();
  const firstCandidate = (pathAndQuery: string): string => {
    let first = firstCandidates.get(pathAndQuery);
    if (first === undefined) {
      first = withoutPort(`${publicBaseUrl}${pathAndQuery}`);
      if (pathAndQuery.length <= 500 && firstCandidates.size < 200) firstCandidates.set(pathAndQuery, first);
    }
    return first;
  };
  return (signature, pathAndQuery, fields) => {
    if (!signature) return false;
    const given = Buffer.from(signature, 'utf8');
    const payload = fieldsPayload(fields);
    const matches = (candidate: string): boolean => {
      const expected = Buffer.from(createHmac('sha1', key).update(candidate + payload, 'utf8').digest('base64'), 'utf8');
      // The length of a base64 SHA-1 is fixed and public; only the bytes need a constant-time comparison.
      return expected.length === given.length && timingSafeEqual(expected, given);
    };
    // A genuine request to our own URLs matches the first; only a failing one goes on to the other forms.
    if (matches(firstCandidate(pathAndQuery))) return true;
    let tried = false;
    for (const candidate of urlsTwilioMayHaveSigned(`${publicBaseUrl}${pathAndQuery}`)) {
      if (!tried) tried = true; // the first, tried above
      else if (matches(candidate)) return true;
    }
    return false;
  };
}

export function isSignedByTwilio(authToken: string, signature: string | undefined, publicBaseUrl: string, pathAndQuery: string, fields: SignedFields): boolean {
  return twilioSignatureCheck(authToken, publicBaseUrl)(signature, pathAndQuery, fields);
}

/** The fields as Twilio appends them: sorted by name, each name followed by its value (repeats de-duplicated, sorted). */
function fieldsPayload(fields: SignedFields): string {
  let payload = '';
  for (const name of sortedInPlace(Object.keys(fields))) {
    const value = fields[name]!;
    if (typeof value === 'string') payload += name + value;
    else for (const one of [...new Set(value)].sort()) payload += name + one;
  }
  return payload;
}

/** Above this many fields the insertion sort's n² comparisons would cost more than V8's sort: a forged form may have thousands. */
const INSERTION_SORT_MAX = 40;

/**
 * The names sorted as Array.prototype.sort sorts strings (by UTF-16 code units). A webhook has twenty fields or
 * so, sorted here by insertion: V8's sort first copies the array into a work area (a tenth of the check's garbage).
 */
function sortedInPlace(names: string[]): string[] {
  if (names.length > INSERTION_SORT_MAX) return names.sort();
  for (let i = 1; i < names.length; i++) {
    const name = names[i]!;
    let at = i - 1;
    while (at >= 0 && names[at]! > name) {
      names[at + 1] = names[at]!;
      at -= 1;
    }
    names[at + 1] = name;
  }
  return names;
}

/**
 * The URLs a genuine signature may cover, in the order tried (as the twilio SDK tries them): the URL as requested
 * without its port and with the scheme's default port; only then the URL as `new URL()` normalises it (special
 * characters escaped), each with and without the port, and each with its query re-encoded the legacy way — for
 * Twilio back ends that signed an escaped form. Lazy: a genuine request to our own URLs stops at the first.
 */
function* urlsTwilioMayHaveSigned(url: string): Generator<string> {
  yield withoutPort(url);
  yield withDefaultPort(url);
  let normalised: string;
  try {
    normalised = new URL(url).toString();
  } catch {
    return;
  }
  const variants = [withoutPort(normalised), withDefaultPort(normalised)];
  yield* variants;
  for (const variant of variants) yield withLegacyQuery(variant);
}

interface UrlParts {
  /** "https://" */
  readonly scheme: string;
  /** "user:pass@" or "" */
  readonly userInfo: string;
  readonly host: string;
  /** ":8443" or "" */
  readonly port: string;
  /** Everything after the authority: path, query, fragment. */
  readonly rest: string;
}

/** Splits without normalising, so the path and query keep the very characters that were signed. */
function splitUrl(url: string): UrlParts | null {
  const schemeEnd = url.indexOf('://');
  if (schemeEnd <= 0 || !isSchemeName(url.slice(0, schemeEnd))) return null;
  const authorityStart = schemeEnd + 3;
  let authorityEnd = url.length;
  for (const delimiter of ['/', '?', '#']) {
    const at = url.indexOf(delimiter, authorityStart);
    if (at >= 0 && at < authorityEnd) authorityEnd = at;
  }
  const authority = url.slice(authorityStart, authorityEnd);
  const userInfoEnd = authority.lastIndexOf('@') + 1;
  const hostAndPort = authority.slice(userInfoEnd);
  // A colon starts the port only after the closing bracket of an IPv6 literal.
  const portStart = hostAndPort.indexOf(':', hostAndPort.lastIndexOf(']') + 1);
  return {
    scheme: url.slice(0, authorityStart),
    userInfo: authority.slice(0, userInfoEnd),
    host: portStart < 0 ? hostAndPort : hostAndPort.slice(0, portStart),
    port: portStart < 0 ? '' : hostAndPort.slice(portStart),
    rest: url.slice(authorityEnd),
  };
}

/** RFC 3986 scheme: a letter, then letters, digits, "+", "-" or "." (one character class: nothing to backtrack). */
function isSchemeName(name: string): boolean {
  return /^[a-z][a-z0-9+.-]*$/i.test(name);
}

function withoutPort(url: string): string {
  const parts = splitUrl(url);
  return parts ? parts.scheme + parts.userInfo + parts.host + parts.rest : url;
}

function withDefaultPort(url: string): string {
  const parts = splitUrl(url);
  if (!parts || parts.port !== '') return url;
  const port = parts.scheme.toLowerCase() === 'https://' ? ':443' : ':80';
  return parts.scheme + parts.userInfo + parts.host + port + parts.rest;
}

/** The query as Node's legacy querystring module would write it after parsing it. */
function withLegacyQuery(url: string): string {
  const at = url.indexOf('?');
  if (at < 0 || at === url.length - 1) return url;
  return `${url.slice(0, at)}?${stringifyLegacyQuery(parseLegacyQuery(url.slice(at + 1)))}`;
}
