// Development start-up on the in-memory store: one API client registered at start, so the verification API can be
// tried with curl without MongoDB or `npm run clients`. Never used in production or on MongoDB. The console notice
// that shows its secret once is the API channel's (src/api/developmentClient.ts).
import type { ApiClientRepository } from '../ports/verificationRepositories';
import { callbackSigningKey, newApiClient } from '../security/apiClientCredentials';
import type { RandomSource } from '../security/random';

export interface DevelopmentClient {
  readonly clientId: string;
  /** The bearer secret; shown once on the console, never logged. */
  readonly secret: string;
  readonly callbackKey: string;
}

export async function registerDevelopmentClient(deps: {
  readonly apiClients: Pick<ApiClientRepository, 'create'>;
  /** The key API client secrets are hashed with (the one authentication checks against). */
  readonly clientKey: Buffer;
  /** The key callback signing keys are derived from (the one the dispatcher signs with). */
  readonly callbackServerKey: Buffer;
  readonly random: RandomSource;
  readonly now: number;
}): Promise<DevelopmentClient> {
  const { client, secret } = newApiClient('Development client (in memory)', deps.now, deps.random, deps.clientKey);
  await deps.apiClients.create(client);
  return { clientId: client.id, secret, callbackKey: callbackSigningKey(deps.callbackServerKey, client.id) };
}
