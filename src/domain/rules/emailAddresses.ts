// The password-reset email address: shape, length, and never at one of the organisation's own domains.

export type EmailProblem = 'empty' | 'invalid' | 'tooLong' | 'blockedDomain';
export type EmailCheck = { readonly ok: true; readonly address: string } | { readonly ok: false; readonly problem: EmailProblem; readonly domain?: string };

// Deliberately simple: one @, a dotted domain, no spaces. Mail servers decide the rest; the code we send proves it.
const SHAPE = /^[^\s@"<>()[\],;:]+@([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.[a-z]{2,63})$/i;

export function checkEmail(input: string, blockedDomains: readonly string[]): EmailCheck {
  const address = input.normalize('NFKC').trim();
  if (address === '') return { ok: false, problem: 'empty' };
  if (address.length > 254) return { ok: false, problem: 'tooLong' };
  const match = SHAPE.exec(address);
  if (!match) return { ok: false, problem: 'invalid' };
  const domain = match[1]!.toLowerCase();
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
