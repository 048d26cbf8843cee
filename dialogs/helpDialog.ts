// Help and FAQ: "help" explains where the person is and what they can type there; a question the NLU recognised
// (any of the guides' questions, src/nlu/intents.ts) is answered from locales/<lng>/faq.json, with the help-desk
// contact where the guides send people there, and the usage table as a table. Says its piece and hands back to
// the dialog that called it (which shows its step again).
import type { DialogContext, DialogTurnResult } from 'botbuilder-dialogs';
import { Dialog } from 'botbuilder-dialogs';
import { faqAnswerFor } from '../src/nlu/faqAnswers';
import { QUESTION_INTENTS, type QuestionIntent } from '../src/nlu/intents';
import { DIALOG_IDS } from './kit/dialogIds';
import type { DialogServices } from './kit/dialogServices';
import { requesterOf, turnUser } from './kit/turnUser';
import { cardData, choice, helpDeskReplies, renderer, sendCard } from './kit/sendCards';
import { methodUsageCard } from './cards/methodUsageCard';

/** The questions the help card offers as buttons (a card shows at most five actions); any other is typed. */
export const HELP_CARD_FAQS: readonly QuestionIntent[] = ['leftPhoneAtHome', 'lostPhone', 'noSignal', 'noMobilePhone', 'howOften'];

export interface HelpOptions {
  /** A `help.*` key explaining the current step. */
  readonly topicKey?: string;
  /** Answer this question (a question intent's name). */
  readonly faqId?: unknown;
}

export class HelpDialog extends Dialog<HelpOptions> {
  constructor(private readonly services: DialogServices) {
    super(DIALOG_IDS.help);
  }

  override async beginDialog(dc: DialogContext, options?: HelpOptions): Promise<DialogTurnResult> {
    const locale = turnUser(dc.context).locale;
    const t = (key: string, params?: Readonly<Record<string, string | number>>): string => this.services.i18n.t(locale, key, params);
    const faq = faqAnswerFor(QUESTION_INTENTS.find((id) => id === options?.faqId) ?? 'none');
    if (faq) {
      const answer = [`**${t(faq.questionKey)}**`, t(faq.answerKey)];
      if (faq.withHelpDesk) answer.push(...renderer(this.services)(locale, helpDeskReplies(this.services, locale)));
      if (faq.tableKeyPrefix !== undefined) await sendCard(dc, methodUsageCard(this.services.org, (key) => t(key), answer));
      else await dc.context.sendActivity(answer.join('\n\n'));
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
        options: HELP_CARD_FAQS.map((id) => choice(id, t(`faq.${id}.question`), cardData('faq', null, { id }))),
        submits: [choice('answer', t('help.showAnswer'), cardData('faq', null))],
      },
      choices: [],
    });
    return dc.endDialog();
  }
}
