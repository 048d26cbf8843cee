// In-memory adapters for the verification storage contracts; clones on read and write like memoryStores.
import type { ApiClient } from '../domain/apiClient';
import type { TemporaryAccessPass } from '../domain/temporaryAccessPass';
import { DuplicateKeyError } from '../ports/storeErrors';
import type { ApiClientRepository, TemporaryPassRepository, VerificationStores, VerificationUnlockRepository } from '../ports/verificationRepositories';

const clone = <T>(value: T): T => structuredClone(value);

function requireString(value: unknown, name: string): string {
  if (typeof value !== 'string') throw new TypeError(`${name} must be a string`);
  return value;
}

class MemoryApiClients implements ApiClientRepository {
  private readonly byId = new Map<string, ApiClient>();
  async create(client: ApiClient): Promise<void> {
    if (this.byId.has(requireString(client.id, 'id'))) throw new DuplicateKeyError('id');
    this.byId.set(client.id, clone(client));
  }
  async get(id: string): Promise<ApiClient | null> {
    const found = this.byId.get(requireString(id, 'id'));
    return found ? clone(found) : null;
  }
  async list(): Promise<ApiClient[]> {
    return [...this.byId.values()].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1)).map(clone);
  }
  async revoke(id: string, now: number): Promise<boolean> {
    const found = this.byId.get(requireString(id, 'id'));
    if (!found || found.revokedAt !== null) return false;
    this.byId.set(id, { ...found, revokedAt: now });
    return true;
  }
}

class MemoryPasses implements TemporaryPassRepository {
  private readonly byUser = new Map<string, TemporaryAccessPass>();
  async put(pass: TemporaryAccessPass): Promise<void> {
    this.byUser.set(requireString(pass.userId, 'userId'), clone(pass));
  }
  async getForUser(userId: string): Promise<TemporaryAccessPass | null> {
    const found = this.byUser.get(requireString(userId, 'userId'));
    return found ? clone(found) : null;
  }
  async markUsed(userId: string, passId: string, now: number): Promise<boolean> {
    const found = this.byUser.get(requireString(userId, 'userId'));
    if (!found || found.id !== requireString(passId, 'passId') || (found.oneTime && found.usedAt !== null)) return false;
    this.byUser.set(userId, { ...found, usedAt: now });
    return true;
  }
  async revoke(userId: string, now: number): Promise<boolean> {
    const found = this.byUser.get(requireString(userId, 'userId'));
    if (!found || found.revokedAt !== null) return false;
    this.byUser.set(userId, { ...found, revokedAt: now });
    return true;
  }
}

class MemoryUnlocks implements VerificationUnlockRepository {
  private readonly byUser = new Map<string, number>();
  async unlock(userId: string, _by: string, now: number): Promise<void> {
    this.byUser.set(requireString(userId, 'userId'), now);
  }
  async lastUnlock(userId: string): Promise<number | null> {
    return this.byUser.get(requireString(userId, 'userId')) ?? null;
  }
}

export function createMemoryVerificationStores(): VerificationStores {
  return { apiClients: new MemoryApiClients(), passes: new MemoryPasses(), unlocks: new MemoryUnlocks() };
}
