// Builds the verification API from configuration: its stores (beside the main ones), the denial watch the core
// reports ended challenges to (outcome callbacks go through the job queue, src/jobs), and the routes. The
// composition root calls this twice: before the core exists (for the hook) and after the server does (routes).
import type * as restify from 'restify';
import type { AppConfig } from '../config/loadConfig';
import type { Core } from '../core';
import type { Logger } from '../logging/logger';
import { deriveKey } from '../security/derivedKeys';
import { systemClock } from '../ports/clock';
import type { Stores } from '../ports/repositories';
import type { VerificationStores } from '../ports/verificationRepositories';
import { abusePolicyFrom } from '../verification/abusePolicy';
import type { Challenge } from '../domain/challenge';
import { DenialWatch } from '../verification/denialWatch';
import type { HelpDeskNotifier } from '../ports/helpDesk';
import type { SendReservations } from '../ports/deliveryPorts';
import { createSignInUseCases } from '../app/signInUseCases';
import { registerVerificationRoutes } from './verificationRoutes';

export interface VerificationApi {
  readonly verificationStores: VerificationStores;
  /** The key passcodes are hashed with: the help desk issues with it, the API checks with it. */
  readonly passKey: Buffer;
  /** The key API client secrets are hashed with. */
  readonly clientKey: Buffer;
  /** The key each client's callback signing key is derived from. */
  readonly callbackServerKey: Buffer;
  readonly onChallengeEnded: (challenge: Challenge) => void;
  register(server: restify.Server, core: Core, sendReservations?: SendReservations): void;
}

export function createVerificationApi(deps: {
  config: AppConfig;
  stores: Stores;
  /** On the same backend as `stores` (createStores opens both). */
  verificationStores: VerificationStores;
  logger: Logger;
  helpDesk: HelpDeskNotifier;
}): VerificationApi {
  const { config, stores, logger, verificationStores } = deps;
  const abuse = abusePolicyFrom(config.org.verification);
  const passKey = deriveKey(config.encryptionKey, 'temporary access passes');
  const clientKey = deriveKey(config.encryptionKey, 'api client secrets');
  const callbackServerKey = deriveKey(config.encryptionKey, 'callback signing');
  const denialWatch = new DenialWatch({ challenges: stores.challenges, policy: abuse, helpDesk: deps.helpDesk });
  return {
    verificationStores,
    passKey,
    clientKey,
    callbackServerKey,
    onChallengeEnded: (challenge) => {
      denialWatch.onChallengeEnded(challenge).catch((error: unknown) => logger.error('help-desk report failed', { error: error instanceof Error ? error.name : 'unknown' }));
    },
    register(server, builtCore, sendReservations) {
      const useCases = createSignInUseCases({
        stores,
        verificationStores,
        verification: builtCore.verification,
        org: config.org,
        clock: systemClock,
        abuse,
        passKey,
        clientKey,
        clientRequestsPerMinute: config.org.verification.clientRequestsPerMinute,
        ...(sendReservations ? { sendReservations } : {}),
      });
      registerVerificationRoutes(server, {
        useCases,
        now: () => systemClock.now(),
        allowLocalCallbacks: config.env !== 'production',
      });
    },
  };
}
