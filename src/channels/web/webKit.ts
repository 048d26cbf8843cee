// What every page route of the browser channel shares: reading forms, queries and cookies, the browser's locale
// and address, the strict security headers, and CSRF tokens derived from a browser binding.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type * as restify from 'restify';
import type { I18n } from '../../i18n';

export interface RenderedPage {
  readonly status: number;
  readonly body: string;
}

/** The strict CSP of every page: our own script, style and images only; forms post to us (and `formTargets`). */
export function contentSecurityPolicy(formTargets: readonly string[] = []): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "connect-src 'self'",
    `form-action 'self'${formTargets.length > 0 ? ` ${formTargets.join(' ')}` : ''}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

export function sendHtml(res: restify.Response, rendered: RenderedPage, csp: string, headers: Record<string, string> = {}): void {
  res.sendRaw(rendered.status, rendered.body, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(rendered.body)),
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
    ...headers,
  });
}

export function sendJson(res: restify.Response, status: number, body: unknown, cache = 'no-store'): void {
  const text = JSON.stringify(body);
  // Entra requires a valid Content-Length on discovery (2026 rules); sendRaw sets none by itself.
  res.sendRaw(status, text, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(text)), 'Cache-Control': cache, 'X-Content-Type-Options': 'nosniff' });
}

export function formParams(body: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return out;
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (typeof value === 'string') out[key] = value;
  }
  return out;
}

export function queryParams(req: restify.Request): Record<string, string> {
  const query = (req.url ?? '').split('?')[1];
  return query === undefined ? {} : Object.fromEntries(new URLSearchParams(query));
}

/** A cookie's value from the Cookie header (scoped to its path when it was set), or null. */
export function cookieValue(req: restify.Request, name: string): string | null {
  const header = req.headers.cookie;
  if (typeof header !== 'string') return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || null;
  }
  return null;
}

export function browserLocale(req: restify.Request, i18n: I18n): string {
  const header = req.headers['accept-language'];
  const first = typeof header === 'string' ? header.split(',')[0]?.split(';')[0]?.trim() : undefined;
  return i18n.resolveLocale(first);
}

export function clientIp(req: restify.Request): string | null {
  return req.socket?.remoteAddress ?? null;
}

/** CSRF tokens bound to a browser's secret: derived, so nothing is stored; compared in constant time. */
export function csrfTokens(key: Buffer): { tokenFor(scope: string, secret: string | null): string; accepts(scope: string, secret: string | null, presented: unknown): boolean } {
  const tokenFor = (scope: string, secret: string | null): string => createHmac('sha256', key).update(`${scope}:${secret ?? ''}`).digest('base64url');
  return {
    tokenFor,
    accepts(scope, secret, presented) {
      if (secret === null || typeof presented !== 'string') return false;
      const expected = Buffer.from(tokenFor(scope, secret));
      const given = Buffer.from(presented);
      return expected.length === given.length && timingSafeEqual(expected, given);
    },
  };
}
