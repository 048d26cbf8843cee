// "español" / "English" typed anywhere: the person's language, only ever one of the organisation's offered locales
// (else the ones offered are named). The bot saves it on their record (src/app/chooseLanguage.ts), so the chat and
// every later text, call and email follow it from this turn on.
import type { TurnContext } from 'botbuilder';
import type { LanguageChoice } from '../../src/nlu/entities';
import type { DialogServices } from './dialogServices';
import { setTurnUser, turnUser } from './turnUser';

const languageOf = (locale: string): string => locale.split('-')[0]!.toLowerCase();

/** Switches to `choice` when offered and says so (in the new language); otherwise says which languages are offered. */
export async function switchLanguage(services: DialogServices, context: TurnContext, choice: LanguageChoice | undefined): Promise<string> {
  const user = turnUser(context);
  const t = (locale: string, key: string, params?: Readonly<Record<string, string>>): string => services.i18n.t(locale, key, params);
  const offered = services.org.locales.offered;
  const names = [...new Set(offered.map(languageOf))].map((lng) => t(user.locale, `teams.language.names.${lng}`)).join(', ');
  if (choice === undefined) return t(user.locale, 'teams.language.which', { offered: names });
  const candidates = offered.filter((lng) => languageOf(lng) === choice);
  if (candidates.length === 0) return t(user.locale, 'teams.language.notOffered', { language: t(user.locale, `teams.language.names.${choice}`), offered: names });
  const fromTeams = services.i18n.resolveLocale(context.activity.locale);
  // The closest offered locale: the one in use, then the one Teams sends, then the organisation's default.
  const target = [user.locale, fromTeams, services.org.locales.default].find((lng) => candidates.includes(lng)) ?? candidates[0]!;
  await services.keepLanguage?.(context, target);
  setTurnUser(context, { ...user, locale: target });
  return t(target, 'teams.language.switched');
}
