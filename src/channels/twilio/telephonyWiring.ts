// Builds the telephony side from configuration: Twilio when credentials are set, the simulated outbox otherwise,
// both behind the sending rules; then, once the core exists, the webhook handlers and their route settings.
import type { AppConfig } from '../../config/loadConfig';
import type { Core } from '../../core';
import { createSecretOps } from '../../enrollment/enrollmentPolicy';
import { MailingHelpDeskNotifier } from '../../helpdesk/helpDeskNotifier';
import type { ReplyRenderer, Telephony } from '../../ports/deliveryPorts';
import type { HelpDeskNotifier } from '../../ports/helpDesk';
import type { Stores } from '../../ports/repositories';
import type { RandomSource } from '../../security/random';
import type { Clock } from '../../ports/clock';
import { RuleCheckedTelephony } from '../../telephony/sendingRules';
import { SimulatedTelephony } from '../../telephony/simulatedTelephony';
import { TwilioTelephony } from '../../telephony/twilioTelephony';
import { InboundSmsHandler } from './inboundSms';
import { MessageStatuses } from './messageStatuses';
import type { TwilioRouteDeps } from './twilioRoutes';
import { TwilioWebhooks } from './twilioWebhooks';
import type { RetryWait } from './webhookOnce';
import { VoiceCalls } from './voiceCalls';
import { classifyFault } from '../../userFacingErrors';
import { StoreUnavailableError } from '../../ports/storeErrors';

type Config = Pick<AppConfig, 'twilio' | 'org' | 'publicBaseUrl' | 'env' | 'encryptionKey'>;

export interface TelephonyLogger {
  warn(message: string, details?: Readonly<Record<string, unknown>>): void;
  error(message: string, details?: Readonly<Record<string, unknown>>): void;
}

export function createTelephony(deps: { config: Config; stores: Stores; clock: Clock; random: RandomSource; logger: TelephonyLogger }): Telephony {
  const { config, stores, clock, random, logger } = deps;
  const inner: Telephony = config.twilio
    ? new TwilioTelephony({
        config: config.twilio,
        publicBaseUrl: config.publicBaseUrl,
        answeringMachineDetection: config.org.voice.answeringMachineDetection,
        onError: (operation, details) => logger.warn('twilio refused a request', { operation, ...details }),
      })
    : new SimulatedTelephony({ stores, clock, random });
  const { allowedCountries, sendLimits } = config.org.phone;
  return new RuleCheckedTelephony(inner, { stores, clock, rules: { allowedCountries, ...sendLimits } });
}

export function createTwilioRouteDeps(deps: {
  config: Config;
  stores: Stores;
  core: Core;
  render: ReplyRenderer;
  clock: Clock;
  random: RandomSource;
  logger: TelephonyLogger;
  /** Where denials on calls are reported (the composition root passes the job queue's); default: mailed inline. */
  helpDesk?: HelpDeskNotifier;
  /** How a webhook retry waits for the first delivery's answer (tests shorten it). */
  retryWait?: Partial<RetryWait>;
}): Omit<TwilioRouteDeps, 'publicBaseUrl'> {
  const { config, stores, core, clock, render, logger } = deps;
  const { org } = config;
  const helpDesk = deps.helpDesk ?? new MailingHelpDeskNotifier({
    email: org.helpDesk.email,
    organisationName: org.organisation.name,
    locale: org.locales.default,
    effects: core.effects,
    audit: stores.audit,
    clock,
  });
  const webhooks = new TwilioWebhooks({
    sms: new InboundSmsHandler({ core, stores, org, clock }),
    calls: new VoiceCalls({
      core,
      stores,
      secrets: createSecretOps(config.encryptionKey, deps.random),
      helpDesk,
      // Through the core's effects, so a notice takes the same path (and renderer) as the machines' own.
      notifier: {
        notify: async (userId, channel, message) => {
          await core.effects.run({ type: 'notifyUser', userId, channel, message }, org.locales.default);
        },
      },
      organisationName: org.organisation.name,
      publicBaseUrl: config.publicBaseUrl,
      clock,
    }),
    messages: new MessageStatuses({ core, stores, clock }),
    stores,
    render,
    clock,
    defaultLocale: org.locales.default,
    organisationName: org.organisation.name,
    ...(deps.retryWait ? { retryWait: deps.retryWait } : {}),
    onError: (webhook, error) => logger.error('twilio webhook failed', { webhook, fault: classifyFault(error), error: describeFault(error) }),
  });
  const simulated = config.twilio === undefined;
  return {
    webhooks,
    authToken: config.twilio?.authToken,
    ...(simulated && config.env !== 'production' ? { devOutbox: stores.simulatedOutbox } : {}),
  };
}

/** Name, and message for our own faults; a store error's text can carry connection details, so only its name. */
function describeFault(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  return error instanceof StoreUnavailableError ? error.name : `${error.name}: ${error.message}`;
}
