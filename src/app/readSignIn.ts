// A relying system asks how its sign-in verification stands (GET /api/v1/verifications/:id): the challenge as the
// core reports it now (expiry included), and only to the client that started it.
import type { ApiClient } from '../domain/apiClient';
import type { Challenge } from '../domain/challenge';
import type { VerificationService } from '../verification/verificationService';

export class ReadSignIn {
  constructor(private readonly verification: Pick<VerificationService, 'get'>) {}

  /** The client's own challenge, or null: another client's challenge is as good as absent. */
  async read(client: ApiClient, id: string): Promise<Challenge | null> {
    const challenge = await this.verification.get(id);
    return challenge && challenge.clientId === client.id ? challenge : null;
  }
}
