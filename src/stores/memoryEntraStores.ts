// In-memory adapters for the Entra provider's storage contracts; clones on read and write like memoryStores.
import type { EntraSignIn } from '../domain/entraSignIn';
import type { SigningKey } from '../domain/signingKey';
import { DuplicateKeyError } from '../ports/storeErrors';
import type { EntraSignInRepository, EntraStores, SigningKeyRepository } from '../ports/entraRepositories';

const clone = <T>(value: T): T => structuredClone(value);

class MemorySigningKeys implements SigningKeyRepository {
  private readonly byKid = new Map<string, SigningKey>();
  async list(since: number): Promise<SigningKey[]> {
    return [...this.byKid.values()].filter((k) => k.retireAt === null || k.retireAt >= since).sort((a, b) => a.createdAt - b.createdAt).map(clone);
  }
  async add(key: SigningKey): Promise<void> {
    if (this.byKid.has(key.kid)) throw new DuplicateKeyError('kid');
    this.byKid.set(key.kid, clone(key));
  }
  async retire(kid: string, at: number): Promise<boolean> {
    const key = this.byKid.get(kid);
    if (!key) return false;
    this.byKid.set(kid, { ...key, retireAt: at });
    return true;
  }
}

class MemoryEntraSignIns implements EntraSignInRepository {
  private readonly byId = new Map<string, EntraSignIn>();
  private readonly requestKeys = new Set<string>();
  private readonly answered = new Set<string>();
  async create(signIn: EntraSignIn): Promise<void> {
    if (this.requestKeys.has(signIn.requestKey)) throw new DuplicateKeyError('requestKey');
    if (this.byId.has(signIn.id)) throw new DuplicateKeyError('id');
    this.requestKeys.add(signIn.requestKey);
    this.byId.set(signIn.id, clone(signIn));
  }
  async get(id: string): Promise<EntraSignIn | null> {
    const found = this.byId.get(id);
    return found ? clone(found) : null;
  }
  async replace(signIn: EntraSignIn): Promise<boolean> {
    const stored = this.byId.get(signIn.id);
    if (!stored || stored.version !== signIn.version - 1) return false;
    this.byId.set(signIn.id, clone(signIn));
    return true;
  }
  async markAnswered(id: string): Promise<boolean> {
    if (this.answered.has(id)) return false;
    this.answered.add(id);
    return true;
  }
}

export function createMemoryEntraStores(): EntraStores {
  return { signingKeys: new MemorySigningKeys(), signIns: new MemoryEntraSignIns() };
}
