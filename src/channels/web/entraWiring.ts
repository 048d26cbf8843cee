// Builds the Entra External MFA provider from configuration: its stores beside the main ones, the signing keys
// (the first one made at start-up), the use cases, and the routes. The composition root calls it once, when
// ENTRA_CLIENT_ID and ENTRA_APP_ID are set.
import type * as restify from 'restify';
import type { AppConfig } from '../../config/loadConfig';
import type { EntraConfig } from '../../config/entraConfig';
import type { Core } from '../../core';
import type { I18n } from '../../i18n';
import type { Logger } from '../../logging/logger';
import { systemClock, type Clock } from '../../ports/clock';
import type { EntraStores } from '../../ports/entraRepositories';
import type { Stores } from '../../ports/repositories';
import type { VerificationStores } from '../../ports/verificationRepositories';
import { deriveKey } from '../../security/derivedKeys';
import { cryptoRandom, type RandomSource } from '../../security/random';
import { abusePolicyFrom } from '../../verification/abusePolicy';
import { EntraAuthorizeReceived } from '../../app/entraAuthorizeReceived';
import { EntraCodeSubmitted } from '../../app/entraCodeSubmitted';
import { EntraMethodChosen } from '../../app/entraMethodChosen';
import { EntraSignInPolled } from '../../app/entraSignInPolled';
import { EntraSignInViewed } from '../../app/entraSignInViewed';
import { EntraSigningKeys } from '../../app/entraSigningKeys';
import { entraTenantKeys, type TenantKeySource } from '../../app/entraTenantKeys';
import type { EntraSignInDeps } from '../../app/entraSignInRules';
import { registerEntraRoutes } from './entraRoutes';

export interface EntraProviderDeps {
  readonly config: Pick<AppConfig, 'publicBaseUrl' | 'encryptionKey' | 'org'>;
  readonly entra: EntraConfig;
  readonly stores: Stores;
  readonly verification: { readonly verificationStores: VerificationStores; readonly passKey: Buffer };
  readonly core: Pick<Core, 'verification'>;
  readonly i18n: I18n;
  readonly logger: Logger;
  readonly clock?: Clock;
  readonly random?: RandomSource;
  /** The provider's keys and sign-ins, on the same backend as the main stores (createStores opens them). */
  readonly entraStores: EntraStores;
  /** Tests pass their own Entra key source; by default Entra's published metadata. */
  readonly tenantKeys?: TenantKeySource;
}

export interface EntraProvider {
  readonly signingKeys: EntraSigningKeys;
  readonly entraStores: EntraStores;
  register(server: restify.Server): void;
}

/** Opens the stores and makes sure a signing key exists (first start), so discovery and JWKS answer at once. */
export async function createEntraProvider(deps: EntraProviderDeps): Promise<EntraProvider> {
  const { config, entra } = deps;
  const clock = deps.clock ?? systemClock;
  const random = deps.random ?? cryptoRandom;
  const { entraStores } = deps;
  const issuer = config.publicBaseUrl;
  const signingKeys = new EntraSigningKeys({ keys: entraStores.signingKeys, sealingKey: deriveKey(config.encryptionKey, 'entra signing keys'), random, clock, issuerHost: new URL(issuer).host });
  await signingKeys.ensure();
  const signIn: EntraSignInDeps = {
    entra,
    issuer,
    org: config.org,
    stores: deps.stores,
    verificationStores: deps.verification.verificationStores,
    entraStores,
    verification: deps.core.verification,
    signingKeys,
    tenantKeys: deps.tenantKeys ?? entraTenantKeys({ metadataUrlTemplate: entra.metadataUrlTemplate }),
    abuse: abusePolicyFrom(config.org.verification),
    passKey: deps.verification.passKey,
    clock,
    random,
  };
  return {
    signingKeys,
    entraStores,
    register(server) {
      registerEntraRoutes(server, {
        issuer,
        i18n: deps.i18n,
        organisationName: config.org.organisation.name,
        answerOrigins: [...new Set(entra.redirectUris.map((u) => new URL(u).origin))],
        csrfKey: deriveKey(config.encryptionKey, 'entra browser binding'),
        logger: deps.logger,
        authorize: new EntraAuthorizeReceived(signIn),
        view: new EntraSignInViewed(signIn),
        chooseMethod: new EntraMethodChosen(signIn),
        submitCode: new EntraCodeSubmitted(signIn),
        poll: new EntraSignInPolled(signIn),
        signingKeys,
      });
    },
  };
}
