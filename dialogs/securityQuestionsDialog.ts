// Security questions (password reset only): the configured number of questions picked from the localized list
// and answered, on one card (choice sets + text inputs). Typing works in two turns: the question numbers, then
// the answers one per line — so answers are never kept in dialog state. The machine checks and hashes them.
import { Dialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { reply, type Reply } from '../src/domain/effects';
import type { User } from '../src/domain/user';
import { SECURITY_QUESTION_IDS } from '../src/domain/securityQuestions';
import type { SecurityAnswerInput } from '../src/enrollment/enrollmentTypes';
import { choiceSetInput, fallbackText, textBlock, textInput, type CardElement, type CardSpec } from './cards/adaptiveCards';
import { SignetDialog } from './signetDialog';
import { DIALOG_IDS } from './kit/dialogIds';
import type { DialogServices } from './kit/dialogServices';
import { field, type TurnInput } from './kit/turnInput';
import { cardData, choice, navigationChoices, renderer, sendCard } from './kit/sendCards';

/** The questions picked on a form just sent back with a problem (ids only: answers are secrets and never echoed). */
const PICKED_ON_FORM = 'signet.securityQuestions.picked';

/** The form field a refusal is about (`validation.answers.<problem>` with a 1-based position) and which reply it is. */
export function fieldInError(replies: readonly Reply[]): { field: string; reply: number } | null {
  for (const [index, r] of replies.entries()) {
    const position = Number(r.params?.['position'] ?? 0);
    if (!r.key.startsWith('validation.answers.') || position < 1) continue;
    const problem = r.key.slice('validation.answers.'.length);
    return { field: `${problem === 'unknownQuestion' || problem === 'duplicateQuestion' ? 'q' : 'a'}${position}`, reply: index };
  }
  return null;
}

interface QuestionsState {
  /** The questions picked by typing, awaiting the answers (ids only). */
  questionIds?: string[];
}

/** "1, 4, 7" → [1, 4, 7]: numbers separated by spaces, commas or semicolons (NaN for anything else). */
export function typedQuestionNumbers(text: string): number[] {
  return text.split(/[\s,;]+/).filter((n) => n !== '').map(Number);
}

/** Answers typed one per line (or separated by semicolons), trimmed, blank lines dropped. */
export function typedAnswerLines(text: string): string[] {
  return text.split(/\r?\n|;/).map((l) => l.trim()).filter((l) => l !== '');
}

export class SecurityQuestionsDialog extends SignetDialog {
  constructor(services: DialogServices) {
    super(DIALOG_IDS.securityQuestions, services);
  }

  private get count(): number {
    return this.services.org.securityQuestions.count;
  }

  private state(dc: DialogContext): QuestionsState {
    return dc.activeDialog!.state as QuestionsState;
  }

  protected helpKey(_user: User, dc: DialogContext): string {
    return this.state(dc).questionIds ? 'help.steps.typingAnswers' : 'help.steps.answeringQuestions';
  }

  private question(dc: DialogContext, id: string): string {
    return this.t(dc, `questions.${id}`);
  }

  protected async prompt(dc: DialogContext, user: User, replies: readonly Reply[]): Promise<void> {
    const enrollment = user.enrollment!;
    const locale = this.locale(dc);
    const texts = renderer(this.services)(locale, replies.length > 0 ? replies : [reply('enrollment.questions.ask', { count: this.count })]);
    const picked = this.state(dc).questionIds;
    const nav = navigationChoices(this.services, locale, enrollment);
    if (picked) {
      const list = picked.map((id, i) => `${i + 1}. ${this.question(dc, id)}`);
      await sendCard(dc, { texts: [...texts, this.t(dc, 'teams.questions.typeAnswers', { count: this.count }), ...list], choices: nav });
      return;
    }
    const options = SECURITY_QUESTION_IDS.map((id) => ({ title: this.question(dc, id), value: id }));
    // After a refusal the form comes back with the questions already picked, and the refusal beside its field.
    const onForm = (dc.context.turnState.get(PICKED_ON_FORM) as Record<string, string> | undefined) ?? {};
    const wrong = replies.length > 0 ? fieldInError(replies) : null;
    const placeholder = this.t(dc, 'teams.questions.choosePlaceholder');
    const body: CardElement[] = [];
    const pointAt = (id: string): void => {
      if (id === wrong?.field) body.push(textBlock(texts[wrong.reply] ?? '', { color: 'Attention', weight: 'Bolder' }));
    };
    for (let i = 1; i <= this.count; i++) {
      const value = onForm[`q${i}`];
      pointAt(`q${i}`);
      body.push(choiceSetInput(`q${i}`, this.t(dc, 'teams.questions.questionLabel', { position: i }), options, placeholder, { placeholder, ...(value && (SECURITY_QUESTION_IDS as readonly string[]).includes(value) ? { value } : {}) }));
      pointAt(`a${i}`);
      body.push(textInput(`a${i}`, this.t(dc, 'teams.questions.answerLabel', { position: i }), { maxLength: 40 }));
    }
    const typeNumbers = this.t(dc, 'teams.questions.typeNumbers', { count: this.count });
    const spec: CardSpec = {
      // The refusal is shown at its field instead of on top (the text version keeps it on top).
      texts: [...texts.filter((_, i) => i !== wrong?.reply), typeNumbers],
      body,
      fallbackExtra: SECURITY_QUESTION_IDS.map((id, i) => `(${i + 1}) ${this.question(dc, id)}`),
      choices: [choice('save', this.t(dc, 'teams.buttons.saveAnswers'), cardData('submitAnswers', enrollment)), ...nav],
    };
    await sendCard(dc, wrong ? { ...spec, fallback: fallbackText({ ...spec, texts: [...texts, typeNumbers] }) } : spec);
  }

  /** Question numbers ("1 3 5"), or answers one per line: the person's own words, never read for intents. */
  protected override claimsTyped(dc: DialogContext, _user: User, text: string): boolean {
    if (this.state(dc).questionIds) return typedAnswerLines(text).length > 1;
    return [...text].every((c) => (c >= '0' && c <= '9') || c === ',' || c === ';' || c.trim() === '');
  }

  /** Anything else is explained by the step (how many numbers, how many answers). */
  protected override takesFreeText(): boolean {
    return true;
  }

  protected async onInput(dc: DialogContext, user: User, input: TurnInput): Promise<DialogTurnResult> {
    const state = this.state(dc);
    if (input.value?.action === 'submitAnswers') {
      const answers: SecurityAnswerInput[] = [];
      for (let i = 1; i <= this.count; i++) answers.push({ questionId: field(input.value, `q${i}`), answer: field(input.value, `a${i}`) });
      // For the form shown again this turn if the machine refuses: which questions were picked (not the answers).
      dc.context.turnState.set(PICKED_ON_FORM, Object.fromEntries(answers.map((a, i) => [`q${i + 1}`, a.questionId])));
      return this.applyAndEnd(dc, { type: 'submitAnswers', answers });
    }
    if (input.value) {
      await this.prompt(dc, user, []);
      return Dialog.EndOfTurn;
    }
    if (!state.questionIds) {
      const numbers = typedQuestionNumbers(input.text);
      const valid = numbers.length === this.count && numbers.every((n) => Number.isInteger(n) && n >= 1 && n <= SECURITY_QUESTION_IDS.length) && new Set(numbers).size === numbers.length;
      if (!valid) {
        await this.prompt(dc, user, [reply('teams.questions.badNumbers', { count: this.count, max: SECURITY_QUESTION_IDS.length })]);
        return Dialog.EndOfTurn;
      }
      state.questionIds = numbers.map((n) => SECURITY_QUESTION_IDS[n - 1]!);
      await this.prompt(dc, user, []);
      return Dialog.EndOfTurn;
    }
    const lines = typedAnswerLines(input.text);
    const answers = state.questionIds.map((questionId, i) => ({ questionId, answer: lines[i] ?? '' }));
    if (lines.length !== state.questionIds.length) {
      await this.prompt(dc, user, [reply('validation.answers.wrongCount', { expected: this.count })]);
      return Dialog.EndOfTurn;
    }
    return this.applyAndEnd(dc, { type: 'submitAnswers', answers });
  }
}
