// Registers Signet as a person's External MFA method through Microsoft Graph: looks for the method first (GET), then
// creates it (POST), so asking twice is harmless; Graph's refusals become typed ExternalMethodRegistryErrors.
//
// What this relies on (Microsoft Graph reference, learn.microsoft.com, checked 2026-12):
// - "Create externalAuthenticationMethod" (graph/api/authentication-post-externalauthenticationmethods, v1.0 and
//   beta): `POST /users/{id}/authentication/externalAuthenticationMethods`, JSON body with `@odata.type`
//   `#microsoft.graph.externalAuthenticationMethod`, `configurationId` and `displayName` (both required); 201 Created
//   with the object. Application permission: UserAuthMethod-External.ReadWrite.All (least privileged;
//   UserAuthenticationMethod.ReadWrite.All is higher). v1.0 is global-cloud only; beta serves the national clouds.
// - "List externalAuthenticationMethods" (graph/api/authentication-list-externalauthenticationmethods): GET on the
//   same path answers `{ value: [externalAuthenticationMethod] }`; the ReadWrite.All permission covers it.
// - Graph errors (graph/errors): 403 = not enough permission, 404 = no such resource, 409 = conflicts with the
//   current state, 429/503 with Retry-After. The pages do not say what a duplicate create answers, so a 409 is
//   checked with a second GET rather than assumed to mean "already there".
import type { ExternalMethodRegistrationConfig } from '../config/externalMethodConfig';
import type { Clock } from '../ports/clock';
import { ExternalMethodRegistryError, type EntraPerson, type ExternalMethodOutcome, type ExternalMethodRegistry } from '../ports/externalMethodRegistry';
import { describeFault, GraphClient, TokenRefusedError, type GraphFailure } from './graphClient';
import { isGuid } from './objectGuid';

const METHOD_TYPE = '#microsoft.graph.externalAuthenticationMethod';

interface ExternalMethodView {
  readonly id?: string;
  readonly configurationId?: string;
}

export interface GraphExternalMethodRegistryOptions {
  readonly config: ExternalMethodRegistrationConfig;
  readonly clock?: Clock;
  /** Injected by tests; the global fetch otherwise. */
  readonly fetch?: typeof fetch;
}

export class GraphExternalMethodRegistry implements ExternalMethodRegistry {
  private readonly config: ExternalMethodRegistrationConfig;
  private readonly graph: GraphClient;

  constructor(options: GraphExternalMethodRegistryOptions) {
    this.config = options.config;
    this.graph = new GraphClient({
      settings: options.config,
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  }

  async ensureRegistered(person: EntraPerson): Promise<ExternalMethodOutcome> {
    // Only people of the tenant this app serves, known by their Entra object id (not a bare Teams id).
    if (!isGuid(person.objectId) || person.tenantId.toLowerCase() !== this.config.tenantId) return 'notLinked';
    const path = `/users/${encodeURIComponent(person.objectId.toLowerCase())}/authentication/externalAuthenticationMethods`;
    try {
      if (await this.isRegistered(path)) return 'alreadyRegistered';
      const created = await this.graph.call('POST', path, {
        '@odata.type': METHOD_TYPE,
        configurationId: this.config.configurationId,
        displayName: this.config.displayName,
      });
      if (created.ok) return 'registered';
      // Someone (another instance, an admin) may have registered it meanwhile: look again before calling it a failure.
      if (created.failure.status === 409 && (await this.isRegistered(path))) return 'alreadyRegistered';
      throw failureOf(created.failure);
    } catch (error) {
      if (error instanceof ExternalMethodRegistryError) throw error;
      if (error instanceof TokenRefusedError) throw new ExternalMethodRegistryError('configuration', `token refused: ${error.message}`);
      throw new ExternalMethodRegistryError('unavailable', describeFault(error));
    }
  }

  private async isRegistered(path: string): Promise<boolean> {
    const listed = await this.graph.call('GET', path);
    if (!listed.ok) throw failureOf(listed.failure);
    const methods = (listed.body as { value?: ExternalMethodView[] }).value ?? [];
    return methods.some((m) => m.configurationId === this.config.configurationId);
  }
}

function failureOf(failure: GraphFailure): ExternalMethodRegistryError {
  const { status, code } = failure;
  const detail = code === '' ? `HTTP ${status}` : `HTTP ${status} ${code}`;
  if (status === 401 || status === 403) return new ExternalMethodRegistryError('permission', detail);
  if (status === 404 || code === 'Request_ResourceNotFound') return new ExternalMethodRegistryError('userNotFound', detail);
  if (status === 429 || status === 503 || status === 504) return new ExternalMethodRegistryError('throttled', detail, failure.retryAfterSeconds);
  // A body Graph refuses: in practice a configurationId that names no method of the tenant.
  if (status === 400) return new ExternalMethodRegistryError('configuration', detail);
  return new ExternalMethodRegistryError('unavailable', detail);
}
