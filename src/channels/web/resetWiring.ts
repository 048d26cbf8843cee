// Builds self-service password reset from configuration: the use cases over the stores, the directory and the
// verification core, and the /reset routes. The composition root calls it once, with the directory it opened.
import type * as restify from 'restify';
import type { AppConfig } from '../../config/loadConfig';
import type { Core } from '../../core';
import type { I18n } from '../../i18n';
import type { Logger } from '../../logging/logger';
import { systemClock, type Clock } from '../../ports/clock';
import type { Directory } from '../../ports/directory';
import type { Stores } from '../../ports/repositories';
import type { ResetLinkRepository } from '../../ports/resetLinks';
import type { ResetSessionRepository } from '../../ports/resetSessions';
import type { VerificationStores } from '../../ports/verificationRepositories';
import { deriveKey } from '../../security/derivedKeys';
import { cryptoRandom, type RandomSource } from '../../security/random';
import { abusePolicyFrom } from '../../verification/abusePolicy';
import { PasswordResetSubmitted } from '../../app/passwordResetSubmitted';
import { ResetAnswerSubmitted } from '../../app/resetAnswerSubmitted';
import { ResetMethodChosen } from '../../app/resetMethodChosen';
import { ResetPolled } from '../../app/resetPolled';
import type { ResetDeps } from '../../app/resetRules';
import { ResetStarted } from '../../app/resetStarted';
import { ResetViewed } from '../../app/resetViewed';
import { registerResetRoutes } from './resetRoutes';

export interface PasswordResetWiring {
  readonly config: Pick<AppConfig, 'publicBaseUrl' | 'encryptionKey' | 'org'>;
  readonly stores: Stores;
  readonly verificationStores: Pick<VerificationStores, 'unlocks'>;
  readonly sessions: ResetSessionRepository;
  readonly links: ResetLinkRepository;
  readonly directory: Directory;
  readonly core: Pick<Core, 'verification' | 'effects'>;
  readonly i18n: I18n;
  readonly logger: Logger;
  readonly clock?: Clock;
  readonly random?: RandomSource;
}

export interface PasswordReset {
  readonly deps: ResetDeps;
  register(server: restify.Server): void;
}

export function createPasswordReset(wiring: PasswordResetWiring): PasswordReset {
  const { config } = wiring;
  const deps: ResetDeps = {
    org: config.org,
    stores: wiring.stores,
    verificationStores: wiring.verificationStores,
    sessions: wiring.sessions,
    links: wiring.links,
    directory: wiring.directory,
    verification: wiring.core.verification,
    effects: wiring.core.effects,
    abuse: abusePolicyFrom(config.org.verification),
    resetKey: deriveKey(config.encryptionKey, 'password reset'),
    clock: wiring.clock ?? systemClock,
    random: wiring.random ?? cryptoRandom,
  };
  return {
    deps,
    register(server) {
      registerResetRoutes(server, {
        publicBaseUrl: config.publicBaseUrl,
        i18n: wiring.i18n,
        organisationName: config.org.organisation.name,
        minLength: config.org.passwordReset.minLength,
        csrfKey: deriveKey(config.encryptionKey, 'password reset browser binding'),
        logger: wiring.logger,
        start: new ResetStarted(deps),
        view: new ResetViewed(deps),
        chooseMethod: new ResetMethodChosen(deps),
        answer: new ResetAnswerSubmitted(deps),
        poll: new ResetPolled(deps),
        password: new PasswordResetSubmitted(deps),
      });
    },
  };
}
