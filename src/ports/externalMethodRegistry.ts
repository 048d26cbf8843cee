// "Make sure this person has Signet registered as their External MFA method in Entra ID": asked when a person's
// registration meets the policy. Adapters: Microsoft Graph (src/directory/graphExternalMethodRegistry.ts), memory
// (tests), and the queued one the core is given (src/jobs/externalMethodJobs.ts), which runs the Graph one in a job.

/** A person as Entra ID knows them: the user object id (Teams' aadObjectId, Entra's `oid`) in a tenant. */
export interface EntraPerson {
  readonly objectId: string;
  readonly tenantId: string;
}

/**
 * What was done: `registered` (created now), `alreadyRegistered` (it was there: nothing changed), `queued` (will be
 * done in the background), `notLinked` (not an Entra person of the tenant the registry serves: nothing to do).
 */
export type ExternalMethodOutcome = 'registered' | 'alreadyRegistered' | 'queued' | 'notLinked';

/**
 * Why it could not be done. `permission`: the app lacks the Graph permission (an operator must grant it; retrying
 * will not help); `configuration`: the credentials or the method's configuration id are wrong (likewise);
 * `throttled`/`unavailable`: try again later (after retryAfterSeconds when Graph said so); `userNotFound`: the
 * tenant has no such user.
 */
export type ExternalMethodFailureKind = 'permission' | 'configuration' | 'throttled' | 'unavailable' | 'userNotFound';

export class ExternalMethodRegistryError extends Error {
  constructor(
    readonly kind: ExternalMethodFailureKind,
    /** Secret-free: Graph's status and error code at most, never a response body. */
    readonly detail: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(`external method registration failed: ${kind} (${detail})`);
    this.name = 'ExternalMethodRegistryError';
  }

  /** Whether trying again later may succeed. */
  get retryable(): boolean {
    return this.kind === 'throttled' || this.kind === 'unavailable';
  }
}

export interface ExternalMethodRegistry {
  /**
   * Makes sure the person has the configured external method registered. Idempotent: asking again for someone
   * already registered changes nothing and answers `alreadyRegistered` (or `queued`). Rejects with an
   * ExternalMethodRegistryError when it cannot be done; never with a secret in the message.
   */
  ensureRegistered(person: EntraPerson): Promise<ExternalMethodOutcome>;
}
