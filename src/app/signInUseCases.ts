// The verification API's use cases built together from one set of dependencies: what the routes call (the wiring
// and the tests build them here, so both get the same use cases).
import type { VerificationStores } from '../ports/verificationRepositories';
import type { VerificationService } from '../verification/verificationService';
import { AuthenticateApiClient } from './authenticateApiClient';
import { CheckSignInCode } from './checkSignInCode';
import { ClientRequestLimiter } from './clientRequestLimiter';
import { ReadSignIn } from './readSignIn';
import { RequestSignIn, type RequestSignInDeps } from './requestSignIn';

export interface SignInUseCases {
  readonly authenticateClient: AuthenticateApiClient;
  readonly clientLimiter: ClientRequestLimiter;
  readonly requestSignIn: RequestSignIn;
  readonly readSignIn: ReadSignIn;
  readonly checkSignInCode: CheckSignInCode;
}

export interface SignInUseCaseDeps extends RequestSignInDeps {
  readonly verification: Pick<VerificationService, 'start' | 'get' | 'apply' | 'submitAppCode'>;
  readonly verificationStores: Pick<VerificationStores, 'apiClients' | 'passes' | 'unlocks'>;
  /** Keys the passcode hashes (the same key the help desk issued them with). */
  readonly passKey: Buffer;
  /** The key API client secrets are hashed with. */
  readonly clientKey: Buffer;
  /** Verification requests each client may make per minute. */
  readonly clientRequestsPerMinute: number;
}

export function createSignInUseCases(deps: SignInUseCaseDeps): SignInUseCases {
  const readSignIn = new ReadSignIn(deps.verification);
  return {
    authenticateClient: new AuthenticateApiClient(deps.verificationStores.apiClients, deps.clientKey),
    clientLimiter: new ClientRequestLimiter(deps.stores.rateLimits, deps.clientRequestsPerMinute),
    requestSignIn: new RequestSignIn(deps),
    readSignIn,
    checkSignInCode: new CheckSignInCode({ ...deps, readSignIn }),
  };
}
