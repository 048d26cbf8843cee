// The password-reset email address: shape, length, and never at one of the organisation's own domains.

export type EmailProblem = 'empty' | 'invalid' | 'tooLong' | 'blockedDomain';
export type EmailCheck = { readonly ok: true; readonly address: string } | { readonly ok: false; readonly problem: EmailProblem; readonly domain?: string };

// Deliberately simple: one @, a dotted domain, no spaces. Mail servers decide the rest; the code we send proves it.
// Checked by a linear scan rather than a regex: the domain's label pattern had adjacent overlapping quantifiers.
const NOT_IN_LOCAL_PART = '@"<>()[],;:';
const isAsciiLetter = (ch: string): boolean => (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
const isAsciiDigit = (ch: string): boolean => ch >= '0' && ch <= '9';

function isLocalPart(local: string): boolean {
  if (local === '') return false;
  for (const ch of local) if (NOT_IN_LOCAL_PART.includes(ch) || ch.trim() === '') return false;
  return true;
}

/** A DNS label of 1–63 letters, digits and hyphens, not starting or ending with a hyphen. */
function isLabel(label: string): boolean {
  if (label.length < 1 || label.length > 63 || label.startsWith('-') || label.endsWith('-')) return false;
  for (const ch of label) if (!isAsciiLetter(ch) && !isAsciiDigit(ch) && ch !== '-') return false;
  return true;
}

/** At least two labels, the last (top-level domain) of 2–63 letters. */
function isDomain(domain: string): boolean {
  const labels = domain.split('.');
  const top = labels.pop() ?? '';
  if (labels.length === 0 || top.length < 2 || top.length > 63) return false;
  for (const ch of top) if (!isAsciiLetter(ch)) return false;
  return labels.every(isLabel);
}

export function checkEmail(input: string, blockedDomains: readonly string[]): EmailCheck {
  const address = input.normalize('NFKC').trim();
  if (address === '') return { ok: false, problem: 'empty' };
  if (address.length > 254) return { ok: false, problem: 'tooLong' };
  const at = address.indexOf('@');
  const rawDomain = address.slice(at + 1);
  if (at < 0 || !isLocalPart(address.slice(0, at)) || !isDomain(rawDomain)) return { ok: false, problem: 'invalid' };
  const domain = rawDomain.toLowerCase();
  const blocked = blockedDomains.find((d) => domain === d || domain.endsWith(`.${d}`));
  if (blocked) return { ok: false, problem: 'blockedDomain', domain: blocked };
  const [local] = address.split('@');
  return { ok: true, address: `${local}@${domain}` };
}

/** "jane.doe@example.com" → "ja•••@example.com". */
export function maskEmail(address: string): string {
  const [local = '', domain = ''] = address.split('@');
  return `${local.slice(0, 2)}•••@${domain}`;
}
