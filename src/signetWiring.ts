// The one composition of Signet: stores → telephony and mail → core → help desk, verification API, background jobs
// → Teams bot and HTTP server. src/index.ts runs it for real; tests run the very same wiring with a few overrides.
import type { Server } from 'restify';
import type { CloudAdapter, Storage } from 'botbuilder';
import type { AppConfig } from './config/loadConfig';
import { createI18n, type I18n } from './i18n';
import type { Logger } from './logging/logger';
import { createServer } from './server';
import { LazyActivityHandler } from './channels/teams/lazyActivityHandler';
import type { SignetBot } from './channels/teams/signetBot';
import { TeamsNotifier } from './channels/teams/teamsNotifier';
import { createTeamsUseCases } from './channels/teams/teamsWiring';
import { createTelephony, createTwilioRouteDeps } from './telephonyWiring';
import type { RetryWait } from './app/webhookOnce';
import { createVerificationApi, type VerificationApi } from './api/verificationWiring';
import type { CallbackPost } from './api/callbackDispatcher';
import { createBackgroundJobs, type BackgroundJobs } from './jobs/jobsWiring';
import { createCore, type Core } from './core';
import { createReplyRenderer } from './renderReply';
import { HelpDeskService } from './helpdesk/helpDeskService';
import { enrollmentPolicyFrom } from './enrollment/enrollmentPolicy';
import { Outbox, UnavailableMailer } from './telephony/outboxes';
import type { Mailer, ReplyRenderer, Telephony, UserNotifier } from './ports/deliveryPorts';
import { cryptoRandom, type RandomSource } from './security/random';
import { systemClock, type Clock } from './ports/clock';
import { createStores, type SignetStores } from './stores/storesWiring';
import type { Directory } from './ports/directory';
import type { ResetLinkRepository } from './ports/resetLinks';
import { createDirectory } from './directory/directoryWiring';
import { organisationNlu, type Nlu } from './nlu/understand';
import { IssueResetLink } from './app/issueResetLink';
import { resetLinkPolicyFrom } from './app/resetLinkPolicy';
import { resetCheckOptions } from './app/resetCheckRules';
import { StartResetCheck } from './app/startResetCheck';
import { AnswerResetCheck } from './app/answerResetCheck';
import { abusePolicyFrom } from './verification/abusePolicy';

/** What a test (or another process) may put in place of the production choice; everything else is as in production. */
export interface SignetOverrides {
  /** Default: createStores(config) — memory, or MongoDB when MONGODB_URI is set. */
  readonly stores?: SignetStores;
  readonly clock?: Clock;
  readonly random?: RandomSource;
  /** Default: the Twilio adapter when configured, else the simulated one (both behind the sending rules). */
  readonly telephony?: Telephony;
  /** Default: SMTP when SMTP_URL is set, else the outbox (refused in production). */
  readonly mailer?: Mailer;
  /** Default: notices go to the person's Teams chat through the bot adapter. */
  readonly notifier?: UserNotifier;
  readonly render?: ReplyRenderer;
  /** How outcome callbacks are posted (default: HTTP). */
  readonly callbackPost?: CallbackPost;
  /** How a Twilio webhook retry waits for the first delivery's answer. */
  readonly retryWait?: Partial<RetryWait>;
  /** Self-service password reset (/reset) over this directory; not mounted without one. */
  readonly passwordReset?: { readonly directory: Directory; readonly links?: ResetLinkRepository };
  /** Default: the directory configuration picks (DIRECTORY: memory, LDAP or Graph). */
  readonly directory?: Directory;
}

export interface ComposedSignet {
  readonly config: AppConfig;
  readonly stores: SignetStores;
  readonly i18n: I18n;
  readonly render: ReplyRenderer;
  readonly clock: Clock;
  readonly core: Core;
  readonly helpDesk: HelpDeskService;
  readonly verificationApi: VerificationApi;
  readonly jobs: BackgroundJobs;
  /** The mail outbox the default mailer writes to when SMTP is not configured (development, tests). */
  readonly outbox: Outbox;
  /** The HTTP server with every route mounted; not listening yet. */
  readonly server: Server;
  /** The Teams bot, built on the first turn (or on first access). */
  readonly bot: () => SignetBot;
  readonly botStorage: Storage;
  /** What people type, understood; `warmUp()` trains it (or loads it from the model cache) before listening. */
  readonly nlu: Nlu;
}

/**
 * Builds every part of Signet in order, without listening or starting background work (the caller does both).
 * If a step fails after the stores were opened here, the stores are closed before the error is rethrown.
 */
export async function composeSignet(config: AppConfig, logger: Logger, overrides: SignetOverrides = {}): Promise<ComposedSignet> {
  const stores = overrides.stores ?? (await createStores(config, logger));
  try {
    return await composeOn(stores, config, logger, overrides);
  } catch (error) {
    if (!overrides.stores) await stores.close().catch(() => undefined);
    throw error;
  }
}

async function composeOn(stores: SignetStores, config: AppConfig, logger: Logger, overrides: SignetOverrides): Promise<ComposedSignet> {
  const clock = overrides.clock ?? systemClock;
  const random = overrides.random ?? cryptoRandom;
  if (config.encryptionKeyIsDevelopmentDefault) {
    logger.warn('SIGNET_ENCRYPTION_KEY is not set: using the fixed development key; secrets at rest are not protected');
  }
  const i18n = await createI18n({
    supported: config.org.locales.offered,
    fallback: config.org.locales.default,
    onMissingKey: (locale, key) => logger.error('missing translation', { locale, key }),
  });
  const render = overrides.render ?? createReplyRenderer(i18n);
  const outbox = new Outbox();
  // The Bot Framework adapter is made on the first Teams request or notice: requiring botbuilder is ~40 MB and a
  // second of start-up that SMS, the API and the web pages never need.
  let madeAdapter: CloudAdapter | undefined;
  const adapter = (): CloudAdapter => {
    if (madeAdapter === undefined) {
      const { createBotAdapter, createTurnErrorHandler } = require('./channels/teams/botAdapter') as typeof import('./channels/teams/botAdapter');
      madeAdapter = createBotAdapter(config.bot);
      madeAdapter.onTurnError = createTurnErrorHandler({ logger, i18n, resetDialogs: (context) => handler.bot.resetDialogs(context) });
    }
    return madeAdapter;
  };
  // Callbacks and help-desk reports are stored as jobs before anything is reported, and run by the worker.
  const jobs = createBackgroundJobs({ config, stores, queue: stores.jobQueue, logger, clock, ...(overrides.callbackPost ? { post: overrides.callbackPost } : {}) });
  const verificationApi = createVerificationApi({ config, stores, verificationStores: stores.verification, logger, helpDesk: jobs.helpDesk });
  // The rule-checked telephony also reserves a sign-in's send ahead (one store operation with its allowance).
  const ruleChecked = overrides.telephony ? undefined : createTelephony({ config, stores, clock, random, logger });
  const core = createCore({
    config,
    stores,
    telephony: overrides.telephony ?? ruleChecked!,
    mailer: overrides.mailer ?? defaultMailer(config, outbox),
    notifier:
      overrides.notifier ??
      new TeamsNotifier({ adapter: { continueConversationAsync: (...args) => adapter().continueConversationAsync(...args) }, appId: config.bot.appId, conversations: stores.conversations, render, defaultLocale: config.org.locales.default, logger }),
    render,
    clock,
    random,
    onEffectError: (effect, error) => logger.error('delivery effect failed', { effect, error: describe(error) }),
    onChallengeEnded: verificationApi.onChallengeEnded,
    beforeChallengeEnds: jobs.beforeChallengeEnds,
    ...(jobs.externalMethods ? { externalMethods: jobs.externalMethods } : {}),
  });
  jobs.attach(core);

  if (config.bot.appId === '') {
    logger.warn('Bot Framework authentication is off (MicrosoftAppId is empty): anyone who can reach /api/messages can talk to the bot');
  }
  // Same pass store and key as the API, so a passcode issued in Teams is the one the API accepts.
  const helpDesk = new HelpDeskService({
    stores,
    verificationStores: stores.verification,
    clock,
    random,
    passKey: verificationApi.passKey,
    policy: enrollmentPolicyFrom(config.org).registration,
    members: config.org.helpDesk.members,
    defaultCountry: config.org.phone.defaultCountry,
  });
  // Single-use reset links, issued by texting RESET and from Teams, taken by the web journey at /reset.
  const directory = overrides.directory ?? createDirectory(config.directory, logger);
  const resetPolicy = resetLinkPolicyFrom(config.org);
  const resetLinks = new IssueResetLink({
    links: stores.resetLinks,
    rateLimits: stores.rateLimits,
    audit: stores.audit,
    directory,
    policy: resetPolicy,
    publicBaseUrl: config.publicBaseUrl,
    clock,
    random,
  });
  // In Teams the person first proves it is them through the verification core, as for a sign-in.
  const passwordReset = {
    options: (user: Parameters<typeof resetCheckOptions>[0]) => resetCheckOptions(user, resetPolicy),
    start: new StartResetCheck({ stores, unlocks: stores.verification.unlocks, verification: core.verification, policy: resetPolicy, abuse: abusePolicyFrom(config.org.verification), clock }),
    answer: new AnswerResetCheck({ stores, verification: core.verification, links: resetLinks, clock }),
  };
  // Built on the first Teams turn: requiring signetBot loads botbuilder-dialogs and the dialogs (start-up cost).
  const { botStorage } = stores;
  const teamsUseCases = createTeamsUseCases({ stores, enrollment: core.enrollment, verification: core.verification, clock });
  // Made here, not on the first turn, so that start-up can train it (or load it from the cache) before listening.
  const nlu = organisationNlu(config.org, config.nluModelCache, (what, err) =>
    logger.warn(`the language model cache could not be ${what === 'read' ? 'read' : 'written'}; training instead`, { error: err }),
  );
  const handler = new LazyActivityHandler(() => {
    const { SignetBot } = require('./channels/teams/signetBot') as typeof import('./channels/teams/signetBot');
    return new SignetBot({
      i18n,
      org: config.org,
      enrollment: core.enrollment,
      ...teamsUseCases,
      storage: botStorage,
      authEnabled: config.bot.appId !== '',
      logger,
      helpDesk,
      passwordReset,
      nlu,
    });
  });

  const telephony = createTwilioRouteDeps({
    config,
    stores,
    core,
    render,
    resolveLocale: i18n.resolveLocale,
    clock,
    random,
    logger,
    helpDesk: jobs.helpDesk,
    resetLinks,
    ...(overrides.retryWait ? { retryWait: overrides.retryWait } : {}),
  });
  if (telephony.devOutbox) logger.warn('Twilio is not configured: texts and calls go to the simulated outbox (/api/dev/telephony)');
  const server = createServer({ config, stores, logger, i18n, bot: { adapter, handler }, telephony });
  verificationApi.register(server, core, ruleChecked);
  if (config.entra) {
    // Entra ID External MFA: discovery, JWKS, authorize and the sign-in pages (required only when configured).
    const { createEntraProvider } = require('./channels/web/entraWiring') as typeof import('./channels/web/entraWiring');
    (await createEntraProvider({ config, entra: config.entra, stores, entraStores: stores.entra, verification: verificationApi, core, i18n, logger })).register(server);
  }
  if (overrides.passwordReset) {
    const { createPasswordReset } = require('./channels/web/resetWiring') as typeof import('./channels/web/resetWiring');
    createPasswordReset({
      config,
      stores,
      verificationStores: stores.verification,
      sessions: stores.resetSessions,
      // The links the SMS and Teams journeys issue.
      links: overrides.passwordReset.links ?? stores.resetLinks,
      directory: overrides.passwordReset.directory,
      core,
      i18n,
      logger,
      clock,
      random,
    }).register(server);
  }
  return { config, stores, i18n, render, clock, core, helpDesk, verificationApi, jobs, outbox, server, bot: () => handler.bot, botStorage, nlu };
}

/** SMTP when SMTP_URL is set; else the outbox, except in production, where mail then fails visibly. */
function defaultMailer(config: AppConfig, outbox: Outbox): Mailer {
  if (config.smtp) {
    // Required only when SMTP_URL is set, so a start without mail never loads nodemailer.
    const { SmtpMailer } = require('./mail/smtpMailer') as typeof import('./mail/smtpMailer');
    return new SmtpMailer(config.smtp);
  }
  return config.env === 'production' ? new UnavailableMailer() : outbox;
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
