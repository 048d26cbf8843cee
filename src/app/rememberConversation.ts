// A person wrote in a Teams conversation: keep its reference so that notices from other channels (a phone verified
// by SMS, a sign-in approval card) reach them there. The newest conversation wins.
import type { Clock } from '../ports/clock';
import type { ConversationRefRepository } from '../ports/repositories';

export interface RememberConversationDeps {
  readonly conversations: Pick<ConversationRefRepository, 'save'>;
  readonly clock: Clock;
}

export class RememberConversation {
  constructor(private readonly deps: RememberConversationDeps) {}

  /** `reference`: the channel's own serialised conversation reference (opaque here). */
  async remember(userId: string, reference: string): Promise<void> {
    await this.deps.conversations.save({ userId, channel: 'teams', reference, updatedAt: this.deps.clock.now() });
  }
}
