// The Bot Framework adapter built from configuration and its turn-error handler: what start-up needs for Teams,
// apart from signetBot.ts so that starting never loads botbuilder-dialogs (the bot itself is built on first turn).
import { CloudAdapter, type ConfigurationBotFrameworkAuthenticationOptions, type TurnContext } from 'botbuilder';
import type { AppConfig } from '../../config/loadConfig';
import type { I18n } from '../../i18n';
import type { Logger } from '../../logging/logger';
import { faultReply } from '../../userFacingErrors';
import { ReusedConnectorsAuthentication } from './reusedConnectors';

/**
 * The CloudAdapter for our Bot Framework registration. Only the four credential keys are passed (never the whole
 * environment); an empty MicrosoftAppId turns Bot Framework authentication off, for local use and tests.
 */
export function createBotAdapter(bot: AppConfig['bot']): CloudAdapter {
  const settings: ConfigurationBotFrameworkAuthenticationOptions = {};
  // Unset rather than empty: botbuilder treats "" and undefined differently for some keys.
  if (bot.appId !== '') settings.MicrosoftAppId = bot.appId;
  if (bot.appPassword !== '') settings.MicrosoftAppPassword = bot.appPassword;
  if (bot.appType !== '') settings.MicrosoftAppType = bot.appType;
  if (bot.appTenantId !== '') settings.MicrosoftAppTenantId = bot.appTenantId;
  // Connector clients are kept between turns (reusedConnectors.ts); otherwise exactly botbuilder's authentication.
  return new CloudAdapter(new ReusedConnectorsAuthentication(settings));
}

/**
 * The adapter's last-resort handler: logs what failed (error name and message only, no activity text, which may
 * hold a code) and tells the person, in their language, what kind of fault it was (store unavailable, a clash
 * with a concurrent change, or unexpected) and that nothing was changed.
 */
export function createTurnErrorHandler(deps: {
  logger: Logger;
  i18n: I18n;
  /** Resets the dialog after the apology, so a broken dialog state cannot fail every later turn. */
  resetDialogs?: (context: TurnContext) => Promise<void>;
}): (context: TurnContext, error: Error) => Promise<void> {
  return async (context, error) => {
    const activity = context.activity;
    deps.logger.error('bot turn failed', {
      error,
      activityType: activity?.type,
      channelId: activity?.channelId,
      conversationType: activity?.conversation?.conversationType,
    });
    try {
      const locale = deps.i18n.resolveLocale(activity?.locale);
      const apology = faultReply(error);
      await context.sendActivity(deps.i18n.t(locale, apology.key, apology.params));
    } catch (sendError) {
      deps.logger.error('could not send the apology', { error: sendError });
    }
    try {
      await deps.resetDialogs?.(context);
    } catch (resetError) {
      deps.logger.error('could not reset the dialog state', { error: resetError });
    }
    // An invoke without an invoke response is answered 501 by the adapter: the apology above is the answer.
    if (activity?.type === 'invoke') {
      try {
        await context.sendActivity({ type: 'invokeResponse', value: { status: 200 } });
      } catch (sendError) {
        deps.logger.error('could not answer the invoke', { error: sendError });
      }
    }
  };
}
