// Reset sessions in process memory (the embedded default); clones on read and write like memoryStores.
import type { ResetSession, ResetSessionRepository } from '../ports/resetSessions';
import { DuplicateKeyError } from '../ports/storeErrors';

const clone = <T>(value: T): T => structuredClone(value);

export class MemoryResetSessions implements ResetSessionRepository {
  private readonly byId = new Map<string, ResetSession>();
  private readonly used = new Set<string>();

  async create(session: ResetSession): Promise<void> {
    if (this.byId.has(session.id)) throw new DuplicateKeyError('id');
    this.byId.set(session.id, clone(session));
  }

  async get(id: string): Promise<ResetSession | null> {
    const found = this.byId.get(id);
    return found ? clone(found) : null;
  }

  async replace(session: ResetSession): Promise<boolean> {
    const stored = this.byId.get(session.id);
    if (!stored || stored.version !== session.version - 1) return false;
    this.byId.set(session.id, clone(session));
    return true;
  }

  async markUsed(id: string): Promise<boolean> {
    if (this.used.has(id)) return false;
    this.used.add(id);
    return true;
  }
}
