// The self-service reset pages: each use-case result turned into one localized, accessible page (words from
// locales/<lng>/passwordReset.json, directory refusals from directory.json). No rule is decided here.
import type { I18n } from '../../i18n';
import type { Reply } from '../../domain/effects';
import type { ResetProof } from '../../ports/resetLinks';
import type { ResetView } from '../../app/resetViewed';
import type { PasswordVerdict } from '../../security/passwordStrength';
import { html, page, type Html } from './html';
import type { RenderedPage } from './webKit';

export interface ResetPageText {
  readonly i18n: I18n;
  readonly org: string;
  readonly minLength: number;
}

export interface ResetUrls {
  readonly self: string;
  readonly method: string;
  readonly answer: string;
  readonly password: string;
  readonly unlock: string;
  readonly strength: string;
  readonly status: string;
}

type T = (key: string, params?: Record<string, string | number>) => string;

function translator(text: ResetPageText, locale: string): T {
  return (key, params = {}) => text.i18n.t(locale, key, { org: text.org, minLength: text.minLength, ...params });
}

function frame(text: ResetPageText, locale: string, body: Html, extra: { pollUrl?: string; refreshSeconds?: number } = {}): string {
  const t = translator(text, locale);
  return page({ lang: text.i18n.resolveLocale(locale), title: t('passwordReset.page.title'), skipLabel: t('passwordReset.page.skipLink'), body, ...extra });
}

const notices = (text: ResetPageText, locale: string, replies: readonly Reply[]): Html[] =>
  replies.map((r) => html`<p class="notice" role="alert">${translator(text, locale)(r.key, r.params ?? {})}</p>`);

/** The first page: the account name and what the person needs. */
export function namePage(text: ResetPageText, locale: string, action: string, csrf: string, problems: readonly Reply[] = []): RenderedPage {
  const t = translator(text, locale);
  const body = html`<h1>${t('passwordReset.name.heading')}</h1>${notices(text, locale, problems)}<p>${t('passwordReset.name.intro')}</p><form method="post" action="${action}"><input type="hidden" name="csrf" value="${csrf}"><label for="name">${t('passwordReset.name.label')}</label><input type="text" id="name" name="name" autocomplete="username" spellcheck="false" autocapitalize="none" required maxlength="256"><fieldset><legend>${t('passwordReset.name.purposeLegend')}</legend><label class="choice"><input type="radio" name="purpose" value="reset" checked> ${t('passwordReset.name.purposeReset')}</label><label class="choice"><input type="radio" name="purpose" value="unlock"> ${t('passwordReset.name.purposeUnlock')}</label></fieldset><button type="submit">${t('passwordReset.name.continue')}</button></form>`;
  return { status: problems.length > 0 ? 400 : 200, body: frame(text, locale, body) };
}

/** The page a single-use link opens: one button, so link previews that fetch the URL do not use the link up. */
export function linkPage(text: ResetPageText, locale: string, action: string, token: string): RenderedPage {
  const t = translator(text, locale);
  const body = html`<h1>${t('passwordReset.link.heading')}</h1><p>${t('passwordReset.link.body')}</p><form method="post" action="${action}"><input type="hidden" name="token" value="${token}"><button type="submit">${t('passwordReset.link.continue')}</button></form>`;
  return { status: 200, body: frame(text, locale, body) };
}

/** A dead end: why, and a way to start again. */
export function problemPage(text: ResetPageText, locale: string, status: number, key: string, startUrl: string): RenderedPage {
  const t = translator(text, locale);
  const body = html`<h1>${t('passwordReset.problem.heading')}</h1><p class="notice" role="alert">${t(key)}</p><p><a href="${startUrl}">${t('passwordReset.problem.startAgain')}</a></p>`;
  return { status, body: frame(text, locale, body) };
}

export interface ResetPageExtras {
  readonly csrf: string;
  readonly notices?: readonly Reply[];
  readonly startUrl: string;
}

export function resetPage(text: ResetPageText, view: ResetView, urls: ResetUrls, extras: ResetPageExtras): RenderedPage {
  if (view.kind === 'missing') return problemPage(text, text.i18n.supported[0] ?? 'en-US', 404, 'passwordReset.problem.missing', extras.startUrl);
  const { locale } = view;
  const t = translator(text, locale);
  const said = notices(text, locale, extras.notices ?? []);
  const hidden = html`<input type="hidden" name="csrf" value="${extras.csrf}">`;
  switch (view.kind) {
    case 'expired':
      return problemPage(text, locale, 200, 'passwordReset.problem.expired', extras.startUrl);
    case 'locked':
      return problemPage(text, locale, 200, 'passwordReset.problem.locked', extras.startUrl);
    case 'done': {
      const which = view.purpose === 'reset' ? 'reset' : 'unlock';
      const body = html`<h1>${t(`passwordReset.done.${which}Heading`)}</h1><p role="status">${t(`passwordReset.done.${which}Body`)}</p>`;
      return { status: 200, body: frame(text, locale, body) };
    }
    case 'chooseMethod': {
      const body = html`<h1>${t('passwordReset.choose.heading')}</h1>${said}<p>${view.required === null ? t('passwordReset.choose.progressFirst') : t('passwordReset.choose.progress', { done: view.proven + 1, required: view.required })}</p><p>${t('passwordReset.choose.intro')}</p>${methodForm(t, view.options, urls, hidden)}`;
      return { status: 200, body: frame(text, locale, body) };
    }
    case 'verifying': {
      const instruction = view.method === 'voice' ? (view.takesCode ? t('passwordReset.verifying.voiceCode') : t('passwordReset.verifying.voice')) : t(`passwordReset.verifying.${view.method}`, { number: view.numberToMatch ?? '' });
      const number = view.method === 'teams' && view.numberToMatch !== null ? html`<p class="number" aria-hidden="true">${view.numberToMatch}</p>` : html``;
      let form: Html;
      if (view.method === 'questions') {
        const fields = view.questionIds.map((q, i) => html`<label for="answer${i}">${t(`questions.${q}`)}</label><input type="text" id="answer${i}" name="answer${i}" autocomplete="off" required maxlength="200"${i === 0 ? html` autofocus` : html``}>`);
        form = html`<form method="post" action="${urls.answer}">${hidden}<fieldset><legend>${t('passwordReset.verifying.questionsLegend')}</legend>${fields}</fieldset><button type="submit">${t('passwordReset.verifying.verify')}</button></form>`;
      } else if (view.takesCode) {
        form = html`<form method="post" action="${urls.answer}">${hidden}<label for="code">${t('passwordReset.verifying.codeLabel')}</label><input type="text" id="code" name="code" inputmode="numeric" autocomplete="one-time-code" autofocus required maxlength="64"><p><button type="submit">${t('passwordReset.verifying.verify')}</button></p></form>`;
      } else {
        form = html`<p role="status">${t('passwordReset.verifying.status')}</p><form method="get" action="${urls.self}"><button type="submit" class="secondary">${t('passwordReset.verifying.checkAgain')}</button></form>`;
      }
      const switcher = view.options.length > 0 ? html`<details><summary>${t('passwordReset.verifying.otherMethod')}</summary>${methodForm(t, view.options, urls, hidden)}</details>` : html``;
      const body = html`<h1>${t('passwordReset.verifying.heading')}</h1>${said}<p>${instruction}</p>${number}${form}${switcher}`;
      const waits = view.method === 'teams' || (view.method === 'voice' && !view.takesCode);
      return { status: 200, body: frame(text, locale, body, waits ? { pollUrl: urls.status, refreshSeconds: 5 } : { pollUrl: urls.status }) };
    }
    case 'newPassword': {
      const body = html`<h1>${t('passwordReset.newPassword.heading')}</h1>${said}<p id="password-rules">${t('passwordReset.newPassword.intro')}</p><form method="post" action="${urls.password}" data-strength="${urls.strength}">${hidden}<label for="password">${t('passwordReset.newPassword.label')}</label><input type="password" id="password" name="password" autocomplete="new-password" aria-describedby="password-rules strength" required maxlength="256" autofocus><div id="strength" aria-live="polite"></div><label for="confirmation">${t('passwordReset.newPassword.confirmLabel')}</label><input type="password" id="confirmation" name="confirmation" autocomplete="new-password" required maxlength="256"><p><button type="submit">${t('passwordReset.newPassword.submit')}</button></p></form>`;
      return { status: 200, body: frame(text, locale, body) };
    }
    case 'confirmUnlock': {
      const body = html`<h1>${t('passwordReset.unlock.heading')}</h1>${said}<p>${t('passwordReset.unlock.body')}</p><form method="post" action="${urls.unlock}">${hidden}<button type="submit">${t('passwordReset.unlock.submit')}</button></form>`;
      return { status: 200, body: frame(text, locale, body) };
    }
  }
}

function methodForm(t: T, options: readonly ResetProof[], urls: ResetUrls, hidden: Html): Html {
  if (options.length === 0) return html`<p class="notice" role="alert">${t('passwordReset.choose.none')}</p>`;
  const choices = options.map((m, i) => html`<label class="choice"><input type="radio" name="method" value="${m}"${i === 0 ? html` checked` : html``}> ${t(`passwordReset.method.${m}`)}</label>`);
  return html`<form method="post" action="${urls.method}">${hidden}<fieldset><legend>${t('passwordReset.choose.legend')}</legend>${choices}</fieldset><button type="submit">${t('passwordReset.choose.continue')}</button></form>`;
}

const STRENGTH_WORDS = ['weak', 'weak', 'fair', 'good', 'strong'] as const;

/** The words of a password verdict: its strength, then each problem (shown live and after a refused submit). */
export function verdictMessages(text: ResetPageText, locale: string, verdict: PasswordVerdict): { strength: string; problems: string[] } {
  const t = translator(text, locale);
  return {
    strength: t(`passwordReset.newPassword.strength.${STRENGTH_WORDS[verdict.score] ?? 'weak'}`),
    problems: verdict.problems.map((p) => t(`passwordReset.newPassword.problem.${p}`)),
  };
}
