// A request to the verification API arrives with a bearer secret: which client is it, if any? Only a keyed hash of
// each secret is stored, so the client is looked up by the id inside the secret and the hash compared in constant time.
import type { ApiClient } from '../domain/apiClient';
import type { ApiClientRepository } from '../ports/verificationRepositories';
import { clientIdOf, secretMatches } from '../security/apiClientCredentials';

export class AuthenticateApiClient {
  constructor(
    private readonly apiClients: Pick<ApiClientRepository, 'get'>,
    /** The key API client secrets are hashed with. */
    private readonly clientKey: Buffer,
  ) {}

  /** The client the secret belongs to, or null (not one of ours, unknown, revoked or wrong). */
  async authenticate(secret: string): Promise<ApiClient | null> {
    const id = clientIdOf(secret);
    if (!id) return null;
    const client = await this.apiClients.get(id);
    return client && secretMatches(this.clientKey, client, secret) ? client : null;
  }
}
