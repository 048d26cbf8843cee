// The verification API's use cases built together from one set of dependencies: what the routes call (the wiring
// and the tests build them here, so both get the same use cases).
import type { ApiClientRepository } from '../ports/verificationRepositories';
import { AuthenticateApiClient } from './authenticateApiClient';
import { CheckSignInCode, type CheckSignInCodeDeps } from './checkSignInCode';
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

export type SignInUseCaseDeps = RequestSignInDeps &
  Omit<CheckSignInCodeDeps, 'readSignIn' | 'verification' | 'verificationStores'> & {
    readonly verification: RequestSignInDeps['verification'] & CheckSignInCodeDeps['verification'] & ConstructorParameters<typeof ReadSignIn>[0];
    readonly verificationStores: RequestSignInDeps['verificationStores'] & CheckSignInCodeDeps['verificationStores'] & { readonly apiClients: ApiClientRepository };
    /** The key API client secrets are hashed with. */
    readonly clientKey: Buffer;
    /** Verification requests each client may make per minute. */
    readonly clientRequestsPerMinute: number;
  };

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
