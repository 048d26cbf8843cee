// The UserNotifier for Teams: tells a person in their Teams chat what another channel finished ("your phone was
// verified" after an SMS reply or a # on a call), through the conversation reference saved on their last message.
// A sign-in request (a 'teams' challenge) goes as the approval card instead of text.
import type { CloudAdapter, ConversationReference } from 'botbuilder';
import type { Reply } from '../../domain/effects';
import type { Channel } from '../../domain/user';
import type { ReplyRenderer, UserNotifier } from '../../ports/deliveryPorts';
import type { Logger } from '../../logging/logger';
import { nextMethodActivity } from './nextMethodCard';
import { signInRequestActivity } from './signInRequestCard';

/** Where the conversation references the bot remembered are found (the root passes the repository). */
export interface SavedConversations {
  get(userId: string, channel: 'teams'): Promise<{ readonly reference: string } | null>;
}

export interface TeamsNotifierDeps {
  readonly adapter: Pick<CloudAdapter, 'continueConversationAsync'>;
  /** The bot's MicrosoftAppId; '' when Bot Framework authentication is off (protocols.md 4.1). */
  readonly appId: string;
  readonly conversations: SavedConversations;
  readonly render: ReplyRenderer;
  /** Used when the saved reference carries no locale. */
  readonly defaultLocale: string;
  readonly logger?: Pick<Logger, 'warn'>;
}

export class TeamsNotifier implements UserNotifier {
  constructor(private readonly deps: TeamsNotifierDeps) {}

  async notify(userId: string, channel: Channel, message: Reply): Promise<void> {
    // Only Teams conversations are ours; a person who started elsewhere is told there by that channel.
    if (channel !== 'teams') return;
    const record = await this.deps.conversations.get(userId, 'teams');
    if (!record) {
      this.deps.logger?.warn('no Teams conversation to notify', { channel });
      return;
    }
    const reference = JSON.parse(record.reference) as Partial<ConversationReference>;
    const locale = typeof reference.locale === 'string' && reference.locale !== '' ? reference.locale : this.deps.defaultLocale;
    const activity = signInRequestActivity(this.deps.render, locale, message) ?? nextMethodActivity(this.deps.render, locale, message) ?? this.deps.render(locale, message);
    await this.deps.adapter.continueConversationAsync(this.deps.appId, reference, async (context) => {
      await context.sendActivity(activity);
    });
  }
}
