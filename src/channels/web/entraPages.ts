// The Entra sign-in pages: each use-case result turned into one localized, accessible page. No rule is decided
// here; the words come from locales/<lng>/web.json (and verification.json for the core's replies).
import type { I18n } from '../../i18n';
import type { Reply } from '../../domain/effects';
import type { AuthorizeRefusal } from '../../app/entraAuthorizeReceived';
import type { EntraAnswer, OfferedMethod } from '../../app/entraSignInRules';
import type { SignInView } from '../../app/entraSignInViewed';
import type { MethodChoiceOutcome } from '../../app/entraMethodChosen';
import { hiddenForm, html, page, type Html } from './html';

export interface PageText {
  readonly i18n: I18n;
  readonly org: string;
}

export interface RenderedPage {
  readonly status: number;
  readonly body: string;
}

function frame(text: PageText, locale: string, body: Html, extra: { pollUrl?: string; refreshSeconds?: number } = {}): string {
  const t = (key: string): string => text.i18n.t(locale, key, { org: text.org });
  return page({ lang: text.i18n.resolveLocale(locale), title: t('web.entra.pageTitle'), skipLabel: t('web.entra.skipLink'), body, ...extra });
}

function errorPage(text: PageText, locale: string, status: number, message: string, answer: EntraAnswer | null): RenderedPage {
  const t = (key: string): string => text.i18n.t(locale, key, { org: text.org });
  const body = html`<h1>${t('web.entra.refused.heading')}</h1><p class="notice" role="alert">${message}</p>${answer ? hiddenForm(answer.redirectUri, answer.fields, t('web.entra.returnToMicrosoft')) : html``}`;
  return { status, body: frame(text, locale, body) };
}

export function refusedPage(text: PageText, locale: string, reason: AuthorizeRefusal, answer: EntraAnswer | null): RenderedPage {
  return errorPage(text, locale, reason === 'metadataUnavailable' ? 503 : 400, text.i18n.t(locale, `web.entra.refused.${reason}`, { org: text.org }), answer);
}

export function unexpectedPage(text: PageText, locale: string): RenderedPage {
  return errorPage(text, locale, 500, text.i18n.t(locale, 'web.entra.unexpected'), null);
}

export interface SignInUrls {
  readonly self: string;
  readonly method: string;
  readonly code: string;
  readonly status: string;
}

export interface ViewExtras {
  readonly csrf: string;
  /** Messages to show first (a wrong code, a refused method). */
  readonly notices?: readonly Reply[];
}

export function signInPage(text: PageText, view: SignInView, urls: SignInUrls, extras: ViewExtras): RenderedPage {
  if (view.kind === 'missing') return errorPage(text, text.i18n.supported[0] ?? 'en-US', 404, text.i18n.t('', 'web.entra.missing'), null);
  const { locale } = view;
  const t = (key: string, params: Record<string, string | number> = {}): string => text.i18n.t(locale, key, { org: text.org, ...params });
  const notices = (extras.notices ?? []).map((r) => html`<p class="notice" role="alert">${text.i18n.t(locale, r.key, r.params ?? {})}</p>`);
  switch (view.kind) {
    case 'expired':
      return errorPage(text, locale, 200, t('web.entra.ended.expired'), view.answer);
    case 'alreadyAnswered':
      return errorPage(text, locale, 409, t('web.entra.alreadyAnswered'), null);
    case 'ended':
      return errorPage(text, locale, 200, t(`web.entra.ended.${view.status}`), view.answer);
    case 'answer': {
      const body = html`<h1>${t('web.entra.answer.heading')}</h1><p>${t('web.entra.answer.body')}</p>${hiddenForm(view.answer.redirectUri, view.answer.fields, t('web.entra.answer.continue'), true)}`;
      return { status: 200, body: frame(text, locale, body) };
    }
    case 'chooseMethod': {
      const body = html`<h1>${t('web.entra.choose.heading', { name: view.displayName })}</h1>${notices}<p>${t('web.entra.choose.intro')}</p>${methodForm(text, locale, view.options, urls, extras.csrf)}`;
      return { status: 200, body: frame(text, locale, body) };
    }
    case 'waiting': {
      const instruction =
        view.method === 'voice' ? (view.takesCode ? t('web.entra.waiting.voiceCode') : t('web.entra.waiting.voiceKey')) : view.method === 'teams' ? t('web.entra.waiting.teams', { number: view.numberToMatch ?? '' }) : t(`web.entra.waiting.${view.method}`);
      const number = view.method === 'teams' && view.numberToMatch !== null ? html`<p class="number" aria-hidden="true">${view.numberToMatch}</p>` : html``;
      const codeForm = view.takesCode
        ? html`<form method="post" action="${urls.code}"><input type="hidden" name="csrf" value="${extras.csrf}"><label for="code">${t('web.entra.waiting.codeLabel')}</label><input type="text" id="code" name="code" inputmode="${view.method === 'tap' ? 'text' : 'numeric'}" autocomplete="one-time-code" autofocus required maxlength="64"><p><button type="submit">${t('web.entra.waiting.verify')}</button></p></form>`
        : html`<p role="status">${t('web.entra.waiting.status')}</p><form method="get" action="${urls.self}"><button type="submit" class="secondary">${t('web.entra.waiting.checkAgain')}</button></form>`;
      const others = view.options.filter((o) => o.method !== view.method);
      const switcher = others.length > 0 ? html`<details><summary>${t('web.entra.waiting.otherMethod')}</summary>${methodForm(text, locale, others, urls, extras.csrf)}</details>` : html``;
      const body = html`<h1>${t('web.entra.waiting.heading')}</h1>${notices}<p>${instruction}</p>${number}${codeForm}${switcher}`;
      // Every waiting page follows by itself (a code can also be replied by text); only pages without a code box
      // reload without script too, so nobody's typing is wiped.
      return { status: 200, body: frame(text, locale, body, view.takesCode ? { pollUrl: urls.status } : { pollUrl: urls.status, refreshSeconds: 5 }) };
    }
  }
}

function methodForm(text: PageText, locale: string, options: readonly OfferedMethod[], urls: SignInUrls, csrf: string): Html {
  const t = (key: string, params: Record<string, string | number> = {}): string => text.i18n.t(locale, key, { org: text.org, ...params });
  if (options.length === 0) return html`<p class="notice" role="alert">${t('web.entra.choose.none')}</p>`;
  const choices = options.map(
    (o, i) =>
      html`<label class="choice"><input type="radio" name="method" value="${o.method}"${i === 0 ? html` checked` : html``}> ${t(`web.entra.method.${o.method}`, { digits: o.hint ?? '' })}${o.isDefault ? html` ${t('web.entra.choose.default')}` : html``}</label>`,
  );
  return html`<form method="post" action="${urls.method}"><input type="hidden" name="csrf" value="${csrf}"><fieldset><legend>${t('web.entra.choose.legend')}</legend>${choices}</fieldset><button type="submit">${t('web.entra.choose.continue')}</button></form>`;
}

/** The notice for a method the use case would not start. */
export function methodRefusal(outcome: MethodChoiceOutcome): Reply | null {
  if (outcome.kind === 'refused') return { key: `web.entra.methodRefused.${outcome.reason}` };
  if (outcome.kind === 'unavailable') return { key: 'web.entra.methodRefused.unavailable' };
  return null;
}
