// Builds the telephony side from configuration: Twilio when credentials are set, the simulated outbox otherwise,
// both behind the sending rules; then, once the core exists, the use cases the webhooks call, the webhook handlers
// and their routes, ready for the host to mount.
import type { AppConfig } from './config/loadConfig';
import type { Core } from './core';
import { createSecretOps } from './enrollment/enrollmentPolicy';
import { MailingHelpDeskNotifier } from './helpdesk/helpDeskNotifier';
import type { ReplyRenderer, Telephony } from './ports/deliveryPorts';
import type { HelpDeskNotifier } from './ports/helpDesk';
import type { Stores } from './ports/repositories';
import type { RandomSource } from './security/random';
import type { Clock } from './ports/clock';
import { RuleCheckedTelephony } from './telephony/sendingRules';
import { SimulatedTelephony } from './telephony/simulatedTelephony';
import { TwilioTelephony } from './telephony/twilioTelephony';
import { AnswerCall } from './app/answerCall';
import { PressKey } from './app/pressKey';
import { ReceiveText } from './app/receiveText';
import type { IssueResetLink } from './app/issueResetLink';
import { RecordCallStatus } from './app/recordCallStatus';
import { RecordDeliveryStatus } from './app/recordDeliveryStatus';
import { SimulatedPhone } from './app/simulatedPhone';
import { WebhookOnce, type RetryWait } from './app/webhookOnce';
import type * as restify from 'restify';
import { registerTwilioRoutes, type TwilioRouteDeps } from './channels/twilio/twilioRoutes';
import { TwilioWebhooks } from './channels/twilio/twilioWebhooks';
import { classifyFault } from './userFacingErrors';
import { StoreUnavailableError } from './ports/storeErrors';

type Config = Pick<AppConfig, 'twilio' | 'org' | 'publicBaseUrl' | 'env' | 'encryptionKey'>;

export interface TelephonyLogger {
  warn(message: string, details?: Readonly<Record<string, unknown>>): void;
  error(message: string, details?: Readonly<Record<string, unknown>>): void;
}

export function createTelephony(deps: { config: Config; stores: Stores; clock: Clock; random: RandomSource; logger: TelephonyLogger }): RuleCheckedTelephony {
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
  /** i18n's resolveLocale: a call's <Say> voice follows the locale its words are rendered in. */
  resolveLocale: (requested: string) => string;
  clock: Clock;
  random: RandomSource;
  logger: TelephonyLogger;
  /** Where denials on calls are reported (the composition root passes the job queue's); default: mailed inline. */
  helpDesk?: HelpDeskNotifier;
  /** How a webhook retry waits for the first delivery's answer (tests shorten it). */
  retryWait?: Partial<RetryWait>;
  /** Issues reset links for texts such as RESET; absent: reset by text is off. */
  resetLinks?: Pick<IssueResetLink, 'issue'>;
}): Omit<TwilioRouteDeps, 'publicBaseUrl'> & { mount(server: restify.Server): void } {
  const { config, stores, core, clock, render, logger } = deps;
  const { org } = config;
  const { enrollment, verification } = core;
  const helpDesk = deps.helpDesk ?? new MailingHelpDeskNotifier({
    email: org.helpDesk.email,
    organisationName: org.organisation.name,
    locale: org.locales.default,
    effects: core.effects,
    audit: stores.audit,
    clock,
  });
  const onError = (webhook: string, error: unknown): void => logger.error('twilio webhook failed', { webhook, fault: classifyFault(error), error: describeFault(error) });
  const calls = { enrollment, verification, stores, organisationName: org.organisation.name, clock };
  const webhooks = new TwilioWebhooks({
    sms: new ReceiveText({ enrollment, verification, stores, org, clock, ...(deps.resetLinks ? { resetLinks: deps.resetLinks } : {}) }),
    answerCall: new AnswerCall(calls),
    pressKey: new PressKey({
      ...calls,
      secrets: createSecretOps(config.encryptionKey, deps.random),
      helpDesk,
      // Through the core's effects, so a notice takes the same path (and renderer) as the machines' own.
      notifier: {
        notify: async (userId, channel, message) => {
          await core.effects.run({ type: 'notifyUser', userId, channel, message }, org.locales.default);
        },
      },
    }),
    callStatus: new RecordCallStatus(calls),
    messageStatus: new RecordDeliveryStatus({ enrollment, verification, stores, clock }),
    once: new WebhookOnce({
      ledger: stores.webhooks,
      clock,
      ...(deps.retryWait ? { wait: deps.retryWait } : {}),
      onLedgerError: (error) => onError('ledger', error),
    }),
    render,
    resolveLocale: deps.resolveLocale,
    defaultLocale: org.locales.default,
    organisationName: org.organisation.name,
    publicBaseUrl: config.publicBaseUrl,
    onError,
  });
  const simulated = config.twilio === undefined;
  const routes: Omit<TwilioRouteDeps, 'publicBaseUrl'> = {
    webhooks,
    authToken: config.twilio?.authToken,
    ...(simulated && config.env !== 'production' ? { devOutbox: new SimulatedPhone(stores.simulatedOutbox) } : {}),
  };
  return { ...routes, mount: (server) => registerTwilioRoutes(server, { ...routes, publicBaseUrl: config.publicBaseUrl }) };
}

/** Name, and message for our own faults; a store error's text can carry connection details, so only its name. */
function describeFault(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  return error instanceof StoreUnavailableError ? error.name : `${error.name}: ${error.message}`;
}
