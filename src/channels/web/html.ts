// Safe HTML for server-rendered pages: every value escaped, one accessible page frame (lang, title, skip link,
// main landmark) with only our own stylesheet and script, and hidden-field forms.
export interface Html {
  readonly html: string;
}

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** A template tag: interpolated strings are escaped, Html values are inserted as they are. */
export function html(strings: TemplateStringsArray, ...values: ReadonlyArray<string | number | Html | readonly Html[] | null | undefined>): Html {
  let out = strings[0]!;
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1]!;
  });
  return { html: out };
}

function render(value: string | number | Html | readonly Html[] | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return escapeHtml(value);
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return (value as readonly Html[]).map((v) => v.html).join('');
  return (value as Html).html;
}

export interface PageFrame {
  readonly lang: string;
  readonly title: string;
  readonly skipLabel: string;
  readonly body: Html;
  /** Set on waiting pages: the status URL the script polls. */
  readonly pollUrl?: string;
  /** Without script, a waiting page reloads itself this often (seconds). */
  readonly refreshSeconds?: number;
}

export function page(frame: PageFrame): string {
  const refresh = frame.refreshSeconds ? html`<noscript><meta http-equiv="refresh" content="${frame.refreshSeconds}"></noscript>` : html``;
  return `<!doctype html>${html`<html lang="${frame.lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${frame.title}</title><link rel="stylesheet" href="/entra/assets/web.css">${refresh}<script src="/entra/assets/web.js" defer></script></head><body><a class="skip" href="#main">${frame.skipLabel}</a><main id="main" tabindex="-1"${frame.pollUrl ? html` data-poll="${frame.pollUrl}"` : html``}>${frame.body}</main></body></html>`.html}`;
}

/** A POST form of hidden fields and one button; `auto` marks it for the script to submit at once. */
export function hiddenForm(action: string, fields: Readonly<Record<string, string>>, button: string, auto = false): Html {
  const inputs = Object.entries(fields).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`);
  return html`<form method="post" action="${action}"${auto ? html` data-autosubmit` : html``}>${inputs}<button type="submit">${button}</button></form>`;
}
