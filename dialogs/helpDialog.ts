// Help and FAQ: "help" explains where the person is and what they can type there; the FAQ answers the guides'
// questions (phone left at home, lost or changed phone, no signal, no mobile phone, how often) from locales/,
// with the organisation's help-desk contact. Begins, says its piece, and hands back to the dialog that called it.
import type { DialogContext, DialogTurnResult } from 'botbuilder-dialogs';
import { Dialog } from 'botbuilder-dialogs';
import { matchesPhrase, normaliseTyped } from './typed/choiceMatcher';
import { DIALOG_IDS } from './kit/dialogIds';
import type { DialogServices } from './kit/dialogServices';
import { requesterOf, turnUser } from './kit/turnUser';
import { cardData, choice, helpDeskReplies, renderer, sendCard } from './kit/sendCards';

export const FAQ_IDS = ['leftPhoneAtHome', 'lostPhone', 'noSignal', 'noMobilePhone', 'howOften'] as const;
export type FaqId = (typeof FAQ_IDS)[number];

export interface HelpOptions {
  /** A `help.*` key explaining the current step. */
  readonly topicKey?: string;
  /** Answer this FAQ entry. */
  readonly faqId?: unknown;
}

/** The FAQ entry a typed question is about ("I left my phone at home"), by its keywords; undefined if none. */
export function faqFor(services: DialogServices, locale: string, typed: string): FaqId | undefined {
  const text = ` ${normaliseTyped(typed)} `;
  if (text.trim() === '') return undefined;
  return FAQ_IDS.find((id) => {
    const keywords = services.i18n.t(locale, `faq.${id}.keywords`).split('|');
    return keywords.some((k) => text.includes(` ${normaliseTyped(k)} `)) || matchesPhrase(typed, [services.i18n.t(locale, `faq.${id}.question`)]);
  });
}

export class HelpDialog extends Dialog<HelpOptions> {
  constructor(private readonly services: DialogServices) {
    super(DIALOG_IDS.help);
  }

  override async beginDialog(dc: DialogContext, options?: HelpOptions): Promise<DialogTurnResult> {
    const locale = turnUser(dc.context).locale;
    const t = (key: string, params?: Readonly<Record<string, string | number>>): string => this.services.i18n.t(locale, key, params);
    const faqId = FAQ_IDS.find((id) => id === options?.faqId);
    if (faqId) {
      const answer = [t(`faq.${faqId}.answer`)];
      if (faqId === 'leftPhoneAtHome' || faqId === 'noMobilePhone' || faqId === 'lostPhone') answer.push(...renderer(this.services)(locale, helpDeskReplies(this.services)));
      await dc.context.sendActivity([`**${t(`faq.${faqId}.question`)}**`, ...answer].join('\n\n'));
      return dc.endDialog();
    }
    const texts = [t(options?.topicKey ?? 'help.steps.idle'), t('help.everywhere')];
    // Help-desk staff also see their commands; nobody else is told they exist.
    if (this.services.helpDesk?.isMember(requesterOf(dc.context))) texts.push(t('helpdesk.help'));
    texts.push(t('help.faqIntro'));
    // The questions as a list to pick from: long questions side by side would be cut at phone width.
    await sendCard(dc, {
      texts,
      picker: {
        inputId: 'id',
        label: t('help.faqListLabel'),
        errorMessage: t('teams.pickOne'),
        options: FAQ_IDS.map((id) => choice(id, t(`faq.${id}.question`), cardData('faq', null, { id }))),
        submits: [choice('answer', t('help.showAnswer'), cardData('faq', null))],
      },
      choices: [],
    });
    return dc.endDialog();
  }
}
