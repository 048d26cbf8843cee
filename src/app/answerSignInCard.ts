// A person answered a Teams sign-in approval card (number matching): by pressing one of its buttons, or by typing a
// number or "deny" while a Teams challenge waits. Only their own challenge is answered; a typed number the card
// does not offer is no answer at all (the turn goes on to the dialogs).
import { reply, type Reply } from '../domain/effects';
import type { ChallengeEvent } from '../domain/challenge';
import type { Clock } from '../ports/clock';
import type { ChallengeRepository } from '../ports/repositories';
import type { VerificationService } from '../verification/verificationService';

export type SignInAnswer = Extract<ChallengeEvent, { type: 'cardAnswered' }>['answer'];

/** A button pressed on a card (which names its challenge), or an answer typed to the person's pending card. */
export type SignInCardInput = { readonly challengeId: string; readonly answer: SignInAnswer } | { readonly typed: SignInAnswer };

export interface AnswerSignInCardDeps {
  readonly challenges: Pick<ChallengeRepository, 'get' | 'findPendingByUser'>;
  readonly verification: Pick<VerificationService, 'apply'>;
  readonly clock: Clock;
}

export class AnswerSignInCard {
  constructor(private readonly deps: AnswerSignInCardDeps) {}

  /** What to say, or null when typed text answers no pending card of this person. */
  async answer(userId: string, input: SignInCardInput): Promise<readonly Reply[] | null> {
    if ('typed' in input) {
      const pending = (await this.deps.challenges.findPendingByUser(userId, this.deps.clock.now())).find((c) => c.method === 'teams');
      if (!pending) return null;
      if (input.typed.kind === 'number' && !(pending.numberChoices ?? []).includes(input.typed.value)) return null;
      return (await this.deps.verification.apply(pending.id, { type: 'cardAnswered', answer: input.typed }, 'teams', pending)).replies;
    }
    const challenge = await this.deps.challenges.get(input.challengeId);
    // Someone else's challenge (a forwarded card, a crafted submit) is treated like one that does not exist.
    if (!challenge || challenge.userId !== userId) return [reply('teams.signIn.unknown')];
    return (await this.deps.verification.apply(challenge.id, { type: 'cardAnswered', answer: input.answer }, 'teams', challenge)).replies;
  }
}
