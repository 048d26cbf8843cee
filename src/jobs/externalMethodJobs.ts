// Registering Signet as a person's Entra External MFA method, in the background: the core's request only stores a
// job (one per person and tenant, so asking again is the same job), and the handler calls the real registry from
// any instance — a Graph outage never slows or fails the chat. Retried with back-off (and Retry-After); a refusal
// no retry can fix is audited and logged for operators with what to change.
import type { JobQueue } from '../ports/jobQueue';
import type { Clock } from '../ports/clock';
import type { AuditLog } from '../ports/repositories';
import { ExternalMethodRegistryError, type EntraPerson, type ExternalMethodFailureKind, type ExternalMethodOutcome, type ExternalMethodRegistry } from '../ports/externalMethodRegistry';
import { JobFailure, type JobHandler, type JobWorkerLogger } from './jobWorker';

export const EXTERNAL_METHOD_JOB = 'entraExternalMethod';

export const externalMethodJobId = (person: EntraPerson): string => `entraMethod:${person.tenantId.toLowerCase()}:${person.objectId.toLowerCase()}`;

/** The registry the core is given: stores the job and answers `queued`. */
export class QueuedExternalMethodRegistry implements ExternalMethodRegistry {
  constructor(private readonly deps: { readonly queue: JobQueue; readonly clock: Clock }) {}

  async ensureRegistered(person: EntraPerson): Promise<ExternalMethodOutcome> {
    const now = this.deps.clock.now();
    const { objectId, tenantId } = person;
    await this.deps.queue.enqueue({ id: externalMethodJobId(person), kind: EXTERNAL_METHOD_JOB, payload: { objectId, tenantId }, dueAt: now }, now);
    return 'queued';
  }
}

/** What an operator must do about a refusal no retry can fix. */
const OPERATOR_HINTS: Readonly<Record<Exclude<ExternalMethodFailureKind, 'throttled' | 'unavailable'>, string>> = {
  permission: 'Graph refused to register the External MFA method: grant the app the application permission UserAuthMethod-External.ReadWrite.All and give admin consent',
  configuration: 'Graph registration of the External MFA method is misconfigured: check ENTRA_GRAPH_TENANT_ID / ENTRA_GRAPH_CLIENT_ID / ENTRA_GRAPH_CLIENT_SECRET and ENTRA_METHOD_CONFIGURATION_ID',
  userNotFound: 'Graph has no user with this object id in the tenant: the External MFA method was not registered',
};

export interface ExternalMethodHandlerDeps {
  /** The real registry (Microsoft Graph). */
  readonly registry: ExternalMethodRegistry;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly logger: JobWorkerLogger;
}

/** The handler: registers the person named by the job, audits the outcome, and turns refusals into retries or a dead job. */
export function externalMethodHandler(deps: ExternalMethodHandlerDeps): JobHandler {
  const audit = async (person: EntraPerson, action: string, details: Record<string, string | number | null>): Promise<void> => {
    await deps.audit.append({ userId: person.objectId, actor: 'system', action, channel: 'system', details: { tenantId: person.tenantId, ...details } }, deps.clock.now());
  };
  return async (job) => {
    const { objectId, tenantId } = job.payload;
    if (typeof objectId !== 'string' || typeof tenantId !== 'string') throw new JobFailure('external method job with a malformed payload', true);
    const person: EntraPerson = { objectId, tenantId };
    let outcome: ExternalMethodOutcome;
    try {
      outcome = await deps.registry.ensureRegistered(person);
    } catch (error) {
      if (!(error instanceof ExternalMethodRegistryError)) throw error;
      if (error.kind === 'throttled' || error.kind === 'unavailable') {
        throw new JobFailure(`external method registration: ${error.kind} (${error.detail})`, false, (error.retryAfterSeconds ?? 0) * 1000);
      }
      deps.logger.error(OPERATOR_HINTS[error.kind], { jobId: job.id, tenantId, reason: error.kind, graph: error.detail });
      await audit(person, 'entra:externalMethodRefused', { reason: error.kind, graph: error.detail });
      throw new JobFailure(`external method registration refused: ${error.kind} (${error.detail})`, true);
    }
    if (outcome === 'notLinked') {
      deps.logger.info('external method not registered: the person is not an Entra user of the configured tenant', { jobId: job.id, tenantId });
      return;
    }
    deps.logger.info('external method registration', { jobId: job.id, tenantId, outcome });
    await audit(person, 'entra:externalMethodRegistered', { outcome });
  };
}
