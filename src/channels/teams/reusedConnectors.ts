// Bot Connector and user-token clients kept between turns. botbuilder's CloudAdapter builds a new ConnectorClient
// (credentials, HTTP pipeline, serializer) and a new UserTokenClient for every turn: about a tenth of a Teams turn's
// CPU in the bench. A connector client depends only on the bot's app id, the service URL and the audience, and a
// user-token client only on the app id, so one is kept per such key.
import { ConfigurationBotFrameworkAuthentication } from 'botbuilder';

type ConnectorFactory = ReturnType<ConfigurationBotFrameworkAuthentication['createConnectorFactory']>;
type ClaimsIdentity = Parameters<ConfigurationBotFrameworkAuthentication['createConnectorFactory']>[0];
type ConnectorClient = Awaited<ReturnType<ConnectorFactory['create']>>;
type UserTokenClient = Awaited<ReturnType<ConfigurationBotFrameworkAuthentication['createUserTokenClient']>>;
type AuthenticateRequestResult = Awaited<ReturnType<ConfigurationBotFrameworkAuthentication['authenticateRequest']>>;

/**
 * Bounded: with Bot Framework authentication off, the service URL is whatever an activity says, so a stream of
 * made-up URLs must not grow the map (the oldest is forgotten first).
 */
export const MAX_KEPT_CONNECTORS = 100;

/** Promises kept by key, bounded, oldest forgotten first; a promise that fails is forgotten so the next turn tries again. */
class KeptPromises<T> {
  private readonly kept = new Map<string, Promise<T>>();

  get(key: string, make: () => Promise<T>): Promise<T> {
    const known = this.kept.get(key);
    if (known !== undefined) return known;
    const made = make();
    made.catch(() => {
      if (this.kept.get(key) === made) this.kept.delete(key);
    });
    if (this.kept.size >= MAX_KEPT_CONNECTORS) this.kept.delete(this.kept.keys().next().value as string);
    this.kept.set(key, made);
    return made;
  }
}

/** The app id botbuilder's own factories use: the token's audience (a channel) or appid (the Emulator) claim. */
function appIdOf(claimsIdentity: ClaimsIdentity): string {
  return claimsIdentity.getClaimValue('aud') ?? claimsIdentity.getClaimValue('appid') ?? '';
}

/** The adapter's authentication, whose connector factories and user-token clients are kept where they can be. */
export class ReusedConnectorsAuthentication extends ConfigurationBotFrameworkAuthentication {
  private readonly connectors = new KeptPromises<ConnectorClient>();
  private readonly userTokenClients = new KeptPromises<UserTokenClient>();

  /** An inbound activity: botbuilder's checks as they are, then a factory that hands out kept clients. */
  override async authenticateRequest(...args: Parameters<ConfigurationBotFrameworkAuthentication['authenticateRequest']>): Promise<AuthenticateRequestResult> {
    const result = await super.authenticateRequest(...args);
    const inner = result.connectorFactory;
    return inner === undefined ? result : { ...result, connectorFactory: this.keeping(inner, appIdOf(result.claimsIdentity)) };
  }

  override createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return this.keeping(super.createConnectorFactory(claimsIdentity), appIdOf(claimsIdentity));
  }

  override createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    return this.userTokenClients.get(appIdOf(claimsIdentity), () => super.createUserTokenClient(claimsIdentity));
  }

  private keeping(inner: ConnectorFactory, appId: string): ConnectorFactory {
    const connectors = this.connectors;
    return {
      create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
        return connectors.get(JSON.stringify([appId, serviceUrl, audience ?? null]), () => inner.create(serviceUrl, audience));
      },
    };
  }
}
