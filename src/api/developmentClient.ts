// Development start-up on the in-memory store: one API client created at start, its secret and callback signing
// key printed once to the console, so the verification API can be tried with curl without MongoDB or
// `npm run clients`. Never used in production or on MongoDB (where `npm run clients` manages real clients).
import type { RandomSource } from '../security/random';
import type { ApiClientRepository } from '../ports/verificationRepositories';
import { callbackSigningKey, newApiClient } from './apiClientCredentials';

export interface DevelopmentClient {
  readonly clientId: string;
  /** The bearer secret; shown once on the console, never logged. */
  readonly secret: string;
  readonly callbackKey: string;
}

export async function createDevelopmentClient(deps: {
  readonly apiClients: ApiClientRepository;
  /** The key API client secrets are hashed with (the one the routes check against). */
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

/** The console notice: labelled development-only, with the README's curl variables ready to paste. */
export function developmentClientNotice(client: DevelopmentClient, url: string): string {
  return [
    '',
    '=== DEVELOPMENT ONLY: an API client for trying the verification API ===',
    'Created for this run on the in-memory store; it disappears when Signet stops. Production never creates one.',
    `  client id:            ${client.clientId}`,
    `  bearer secret:        ${client.secret}`,
    `  callback signing key: ${client.callbackKey}`,
    'Try it (see "Sign-in verification API" in the README):',
    `  S=${url}; T="Authorization: Bearer ${client.secret}"`,
    '=======================================================================',
    '',
  ].join('\n');
}
