// Bot Connector clients kept between turns. botbuilder's CloudAdapter builds a new ConnectorClient (credentials,
// HTTP pipeline, serializer) for every turn: ~0.3 ms, a tenth of a Teams turn's CPU in the bench. A client
// depends only on the bot's app id, the service URL and the audience, so one is kept per such triple.
import { ConfigurationBotFrameworkAuthentication } from 'botbuilder';

type ConnectorFactory = ReturnType<ConfigurationBotFrameworkAuthentication['createConnectorFactory']>;
type ClaimsIdentity = Parameters<ConfigurationBotFrameworkAuthentication['createConnectorFactory']>[0];
type ConnectorClient = Awaited<ReturnType<ConnectorFactory['create']>>;

/**
 * Bounded: with Bot Framework authentication off, the service URL is whatever an activity says, so a stream of
 * made-up URLs must not grow the map (the oldest is forgotten first).
 */
export const MAX_KEPT_CONNECTORS = 100;

/** The adapter's authentication, whose connector factories hand out a kept client where they can. */
export class ReusedConnectorsAuthentication extends ConfigurationBotFrameworkAuthentication {
  private readonly clients = new Map<string, Promise<ConnectorClient>>();

  override createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    const inner = super.createConnectorFactory(claimsIdentity);
    // The app id botbuilder's own factory uses: the token's audience (a channel) or appid (the Emulator) claim.
    const appId = claimsIdentity.getClaimValue('aud') ?? claimsIdentity.getClaimValue('appid') ?? '';
    const clients = this.clients;
    return {
      create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
        const key = JSON.stringify([appId, serviceUrl, audience ?? null]);
        const kept = clients.get(key);
        if (kept !== undefined) return kept;
        const client = inner.create(serviceUrl, audience);
        // A client that could not be made (credentials) is not kept: the next turn tries again.
        client.catch(() => {
          if (clients.get(key) === client) clients.delete(key);
        });
        if (clients.size >= MAX_KEPT_CONNECTORS) clients.delete(clients.keys().next().value as string);
        clients.set(key, client);
        return client;
      },
    };
  }
}
