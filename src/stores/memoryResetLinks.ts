// Single-use reset links in process memory (the embedded default); the Map's delete makes taking atomic here.
import { DuplicateKeyError } from '../ports/storeErrors';
import type { ResetLinkGrant, ResetLinkRepository } from '../ports/resetLinks';

export class MemoryResetLinks implements ResetLinkRepository {
  private readonly byHash = new Map<string, ResetLinkGrant>();

  async issue(tokenHash: string, grant: ResetLinkGrant): Promise<void> {
    if (this.byHash.has(tokenHash)) throw new DuplicateKeyError('tokenHash');
    this.byHash.set(tokenHash, structuredClone(grant));
  }

  async take(tokenHash: string, now: number): Promise<ResetLinkGrant | null> {
    const grant = this.byHash.get(tokenHash);
    if (grant === undefined) return null;
    this.byHash.delete(tokenHash);
    return grant.expiresAt > now ? grant : null;
  }
}
