// The Bot Connector clients the adapter keeps between turns (src/channels/teams/reusedConnectors.ts): botbuilder
// built one per turn, a tenth of a Teams turn's CPU. Kept per app id, service URL and audience, and bounded; the
// inbound path (authenticateRequest, which builds its own factory) and the user-token client are kept too.
import { MAX_KEPT_CONNECTORS, ReusedConnectorsAuthentication } from '../../src/channels/teams/reusedConnectors';

type Identity = Parameters<ReusedConnectorsAuthentication['createConnectorFactory']>[0];

/** A token's claims as botbuilder reads them (authentication off: no claims, as the adapter's anonymous identity). */
function identity(claims: Record<string, string> = {}): Identity {
  return { isAuthenticated: false, claims: Object.entries(claims).map(([type, value]) => ({ type, value })), getClaimValue: (type: string) => claims[type] ?? null } as unknown as Identity;
}

describe('connector clients kept between turns', () => {
  const serviceUrl = 'https://smba.trafficmanager.net/amer/';

  it('when two turns reply to the same service URL, then they use the same client', async () => {
    const auth = new ReusedConnectorsAuthentication({});
    const first = await auth.createConnectorFactory(identity()).create(serviceUrl, 'https://api.botframework.com');
    const second = await auth.createConnectorFactory(identity()).create(serviceUrl, 'https://api.botframework.com');
    expect(second).toBe(first);
  });

  it('when the service URL, the audience or the app id differs, then the client differs', async () => {
    const auth = new ReusedConnectorsAuthentication({});
    const base = await auth.createConnectorFactory(identity()).create(serviceUrl, 'a');
    expect(await auth.createConnectorFactory(identity()).create('https://smba.trafficmanager.net/emea/', 'a')).not.toBe(base);
    expect(await auth.createConnectorFactory(identity()).create(serviceUrl, 'b')).not.toBe(base);
    expect(await auth.createConnectorFactory(identity({ aud: 'another-app' })).create(serviceUrl, 'a')).not.toBe(base);
  });

  it('when more service URLs than the bound are seen, then the oldest client is forgotten', async () => {
    const auth = new ReusedConnectorsAuthentication({});
    const first = await auth.createConnectorFactory(identity()).create('https://made-up-0.example/', 'a');
    for (let i = 1; i <= MAX_KEPT_CONNECTORS; i++) await auth.createConnectorFactory(identity()).create(`https://made-up-${i}.example/`, 'a');
    expect(await auth.createConnectorFactory(identity()).create('https://made-up-0.example/', 'a')).not.toBe(first);
    const last = await auth.createConnectorFactory(identity()).create(`https://made-up-${MAX_KEPT_CONNECTORS}.example/`, 'a');
    expect(await auth.createConnectorFactory(identity()).create(`https://made-up-${MAX_KEPT_CONNECTORS}.example/`, 'a')).toBe(last);
  });

  it('when two inbound activities are authenticated (authentication off), then their factories hand out the same client', async () => {
    const auth = new ReusedConnectorsAuthentication({});
    const activity = { type: 'message', serviceUrl, channelId: 'msteams' } as Parameters<ReusedConnectorsAuthentication['authenticateRequest']>[0];
    const first = await auth.authenticateRequest(activity, '');
    const second = await auth.authenticateRequest(activity, '');
    const client = await first.connectorFactory!.create(serviceUrl, first.audience);
    expect(await second.connectorFactory!.create(serviceUrl, second.audience)).toBe(client);
    // The same client a proactive message to that service URL gets.
    expect(await auth.createConnectorFactory(first.claimsIdentity).create(serviceUrl, first.audience)).toBe(client);
  });

  it('when two turns ask for a user-token client, then the same one is kept per app id', async () => {
    const auth = new ReusedConnectorsAuthentication({});
    const first = await auth.createUserTokenClient(identity());
    expect(await auth.createUserTokenClient(identity())).toBe(first);
    expect(await auth.createUserTokenClient(identity({ aud: 'another-app' }))).not.toBe(first);
  });
});
