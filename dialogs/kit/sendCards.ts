// Saying things in a dialog: machine replies rendered as text, cards whose choices carry our submit data (and are
// remembered, so typing a choice's number works like pressing it), the ways out every step card offers, and the
// organisation's help-desk contact.
import type { Attachment } from 'botbuilder';
import type { DialogContext } from 'botbuilder-dialogs';
import { reply, type Reply } from '../../src/domain/effects';
import type { Enrollment } from '../../src/enrollment/enrollmentTypes';
import { createReplyRenderer } from '../../src/renderReply';
import { adaptiveCard, numberedChoices, type CardChoice, type CardSpec } from '../cards/adaptiveCards';
import type { DialogServices } from './dialogServices';
import { displayStep } from './enrollmentSteps';
import type { CardData } from './turnInput';

export function renderer(services: DialogServices): (locale: string, replies: readonly Reply[]) => string[] {
  const render = createReplyRenderer(services.i18n);
  return (locale, replies) => replies.map((r) => render(locale, r));
}

export function cardData(action: string, enrollment: Enrollment | null, extra: Readonly<Record<string, unknown>> = {}): CardData {
  return { signet: 1, action, ...(enrollment ? { enrollmentId: enrollment.id, step: displayStep(enrollment.step) } : {}), ...extra };
}

export function choice(id: string, title: string, data: CardData): CardChoice {
  return { id, title, data };
}

/** Dialog (UI) state every card-showing dialog keeps: the submit data of the choices last shown, by position. */
export interface ShownChoicesState {
  shownChoices?: CardData[];
}

export async function sendCard(dc: DialogContext, spec: CardSpec, text?: string): Promise<void> {
  // Remembered so that typing a choice's number works like pressing it (the text fallback numbers them).
  if (dc.activeDialog) (dc.activeDialog.state as ShownChoicesState).shownChoices = numberedChoices(spec).map((c) => c.data as CardData);
  const attachment: Attachment = adaptiveCard(spec);
  await dc.context.sendActivity({ type: 'message', ...(text !== undefined ? { text } : {}), attachments: [attachment] });
}


/** The ways out every enrollment card offers: back, a different method, cancel. */
export function navigationChoices(services: DialogServices, locale: string, enrollment: Enrollment, options: { back?: boolean } = {}): CardChoice[] {
  const t = (key: string): string => services.i18n.t(locale, key);
  return [
    ...(options.back === false ? [] : [choice('back', t('teams.buttons.back'), cardData('back', enrollment))]),
    choice('differentMethod', t('teams.buttons.differentMethod'), cardData('differentMethod', enrollment)),
    choice('cancel', t('teams.buttons.cancel'), cardData('cancel', enrollment)),
  ];
}

/** Whether the code step is paused after too many wrong codes (its card then offers only the ways on). */
export function isLocked(enrollment: Enrollment): boolean {
  return enrollment.step.name === 'locked';
}

/**
 * The card of a locked code step: no Verify or new code (both would be refused), but what the person can do now:
 * set up a different method, cancel, or contact the help desk (the organisation's contact from its config).
 */
export function lockedCard(services: DialogServices, locale: string, enrollment: Enrollment, texts: readonly string[]): CardSpec {
  return {
    texts: [...texts, services.i18n.t(locale, 'teams.locked.alternatives'), ...renderer(services)(locale, helpDeskReplies(services, locale))],
    choices: navigationChoices(services, locale, enrollment, { back: false }),
  };
}

/** The configured help-desk contact as replies (phone, web, email, hours in `locale`: whichever are configured). */
export function helpDeskReplies(services: DialogServices, locale: string): Reply[] {
  const desk = services.org.helpDesk;
  const hours = hoursIn(desk.hours, locale, services.org.locales.default);
  return [
    reply('common.helpDesk.intro'),
    ...(desk.phone ? [reply('common.helpDesk.phone', { phone: desk.phone })] : []),
    ...(desk.url ? [reply('common.helpDesk.url', { url: desk.url })] : []),
    ...(desk.email ? [reply('common.helpDesk.email', { email: desk.email })] : []),
    ...(hours ? [reply('common.helpDesk.hours', { hours })] : []),
  ];
}

/** The opening hours written for `locale`, else for the organisation's default locale, else any given. */
function hoursIn(hours: string | Readonly<Record<string, string>> | undefined, locale: string, defaultLocale: string): string | undefined {
  if (hours === undefined || typeof hours === 'string') return hours;
  return hours[locale] ?? hours[defaultLocale] ?? Object.values(hours)[0];
}
