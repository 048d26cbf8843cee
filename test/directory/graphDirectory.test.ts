// The Graph adapter's exact requests against the local stand-in: the client-credentials token request, one token
// reused until it nears expiry, the PATCH body, OData quoting of typed values, and errors mapped to refusals
// (complexity, throttling 429/503 with Retry-After in seconds or as a date, refused app permissions).
import type { GraphDirectoryConfig } from '../../src/config/directoryConfig';
import { GraphDirectory } from '../../src/directory/graphDirectory';
import { createLogger } from '../../src/logging/logger';
import { FixedClock } from '../../src/ports/clock';
import { startGraphStandIn, type GraphStandIn, type StandInUser } from '../support/graphStandIn';

let standIn: GraphStandIn;
let clock: FixedClock;
let directory: GraphDirectory;
let user: StandInUser;
let quoted: StandInUser;
const logLines: string[] = [];

beforeAll(async () => {
  standIn = await startGraphStandIn();
  user = standIn.addUser({ userPrincipalName: 'mary@cloud.signet.test', mail: 'mary@mail.signet.test', onPremisesSamAccountName: 'mary', displayName: 'Mary Jackson', accountEnabled: true, password: 'Wind-Tunnel-1958' });
  quoted = standIn.addUser({ userPrincipalName: 'oconnor@cloud.signet.test', mail: "o'connor@mail.signet.test", onPremisesSamAccountName: null, displayName: "Ann O'Connor", accountEnabled: true, password: 'Initial-Pass-2001' });
});

afterAll(async () => {
  await standIn?.close();
});

beforeEach(() => {
  standIn.requests.length = 0;
  clock = new FixedClock(Date.parse('2026-12-01T09:00:00Z'));
  const config: GraphDirectoryConfig = {
    kind: 'graph',
    tenantId: standIn.tenantId,
    clientId: standIn.clientId,
    clientSecret: standIn.clientSecret,
    loginBaseUrl: standIn.loginBaseUrl,
    apiBaseUrl: standIn.apiBaseUrl,
    timeoutMs: 3000,
  };
  directory = new GraphDirectory({ config, clock, logger: createLogger({ level: 'debug', sink: (l) => logLines.push(l) }) });
});

const graphRequests = () => standIn.requests.filter((r) => r.path.startsWith('/v1.0/'));
const tokenRequests = () => standIn.requests.filter((r) => r.path.endsWith('/oauth2/v2.0/token'));

describe('GraphDirectory requests', () => {
  it('when a password is reset, then the token request and the PATCH are exactly what Graph expects', async () => {
    expect(await directory.setPassword(user.id, 'Supersonic-Flow-1979')).toEqual({ ok: true, value: undefined });

    const [token] = tokenRequests();
    expect(token!.method).toBe('POST');
    expect(token!.path).toBe(`/${standIn.tenantId}/oauth2/v2.0/token`);
    expect(token!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(token!.body))).toEqual({
      client_id: standIn.clientId,
      client_secret: standIn.clientSecret,
      scope: 'https://graph.microsoft.com/.default',
      grant_type: 'client_credentials',
    });

    const patch = graphRequests().find((r) => r.method === 'PATCH')!;
    expect(patch.path).toBe(`/v1.0/users/${user.id}`);
    expect(patch.headers['authorization']).toMatch(/^Bearer standin-token-/);
    expect(patch.headers['content-type']).toBe('application/json');
    expect(JSON.parse(patch.body)).toEqual({ passwordProfile: { password: 'Supersonic-Flow-1979', forceChangePasswordNextSignIn: false } });
    expect(user.password).toBe('Supersonic-Flow-1979');
    expect(logLines.join('\n')).not.toContain('Supersonic-Flow-1979');
    expect(logLines.join('\n')).not.toContain(standIn.clientSecret);
  });

  it('when several calls are made, then one token serves them until it nears expiry, then a new one is fetched', async () => {
    await directory.find({ by: 'upn', value: user.userPrincipalName });
    await directory.find({ by: 'mail', value: user.mail! });
    expect(tokenRequests()).toHaveLength(1);
    clock.advance(3599_000 - 4 * 60_000); // inside the five-minute margin before the stand-in's expires_in
    await directory.find({ by: 'upn', value: user.userPrincipalName });
    expect(tokenRequests()).toHaveLength(2);
  });

  it('when a UPN is looked up, then it is one encoded path segment with $select', async () => {
    await directory.find({ by: 'upn', value: user.userPrincipalName });
    expect(graphRequests()[0]!.path).toBe('/v1.0/users/mary%40cloud.signet.test?$select=id,userPrincipalName,displayName,mail,accountEnabled');
  });

  it("when a mail with a quote is looked up, then the OData literal doubles it and finds exactly that person", async () => {
    const found = await directory.find({ by: 'mail', value: "o'connor@mail.signet.test" });
    expect(found.ok && found.value.id).toBe(quoted.id);
    const sent = new URL(graphRequests()[0]!.path, 'http://x').searchParams.get('$filter');
    expect(sent).toBe("mail eq 'o''connor@mail.signet.test'");
  });

  it('when an account name is looked up, then onPremisesSamAccountName is filtered with ConsistencyLevel eventual', async () => {
    const found = await directory.find({ by: 'uid', value: 'mary' });
    expect(found.ok && found.value.id).toBe(user.id);
    expect(graphRequests()[0]!.headers['consistencylevel']).toBe('eventual');
  });
});

describe('GraphDirectory errors', () => {
  it('when Graph says the password breaks complexity, then tooWeak and the password is unchanged', async () => {
    const before = user.password;
    expect(await directory.setPassword(user.id, 'password')).toEqual({ ok: false, refusal: { kind: 'tooWeak' } });
    expect(user.password).toBe(before);
  });

  it('when Graph throttles with 429 and Retry-After in seconds, then unavailable with that wait', async () => {
    standIn.failNext(429, { 'Retry-After': '120' });
    expect(await directory.find({ by: 'upn', value: user.userPrincipalName })).toEqual({ ok: false, refusal: { kind: 'unavailable', retryAfterSeconds: 120 } });
  });

  it('when Graph answers 503 with Retry-After as a date, then the wait is counted from now', async () => {
    standIn.failNext(503, { 'Retry-After': new Date(clock.now() + 90_000).toUTCString() });
    expect(await directory.setPassword(user.id, 'Another-Good-Pass-7')).toEqual({ ok: false, refusal: { kind: 'unavailable', retryAfterSeconds: 90 } });
  });

  it('when Graph throttles without Retry-After, then plain unavailable', async () => {
    standIn.failNext(429);
    expect(await directory.find({ by: 'upn', value: user.userPrincipalName })).toEqual({ ok: false, refusal: { kind: 'unavailable' } });
  });

  it('when the app lacks the permission, then unavailable and an error names the permissions', async () => {
    standIn.failNext(403, {}, { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' });
    logLines.length = 0;
    expect(await directory.setPassword(user.id, 'Another-Good-Pass-7')).toEqual({ ok: false, refusal: { kind: 'unavailable' } });
    expect(logLines.join('\n')).toContain('User-PasswordProfile.ReadWrite.All');
  });

  it('when the user does not exist, then notFound', async () => {
    expect(await directory.find({ by: 'upn', value: 'nobody@cloud.signet.test' })).toEqual({ ok: false, refusal: { kind: 'notFound' } });
    expect(await directory.find({ by: 'objectId', value: '5f2a5f3c-1111-4222-8333-944455556666' })).toEqual({ ok: false, refusal: { kind: 'notFound' } });
  });
});
