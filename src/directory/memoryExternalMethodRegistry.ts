// The external-method registry kept in memory: who has Signet registered, per tenant. For tests and for a
// development start that wants to see registrations happen without an Entra tenant.
import type { EntraPerson, ExternalMethodOutcome, ExternalMethodRegistry } from '../ports/externalMethodRegistry';
import { isGuid } from './objectGuid';

export class MemoryExternalMethodRegistry implements ExternalMethodRegistry {
  private readonly registered = new Set<string>();

  /** `tenantId`: the one tenant served, as the Graph adapter serves one; any tenant when omitted. */
  constructor(private readonly tenantId?: string) {}

  async ensureRegistered(person: EntraPerson): Promise<ExternalMethodOutcome> {
    const tenant = person.tenantId.toLowerCase();
    if (!isGuid(person.objectId) || (this.tenantId !== undefined && tenant !== this.tenantId.toLowerCase())) return 'notLinked';
    const key = `${tenant}:${person.objectId.toLowerCase()}`;
    if (this.registered.has(key)) return 'alreadyRegistered';
    this.registered.add(key);
    return 'registered';
  }

  /** Whether the person has the method (for tests and the development outbox). */
  has(person: EntraPerson): boolean {
    return this.registered.has(`${person.tenantId.toLowerCase()}:${person.objectId.toLowerCase()}`);
  }
}
