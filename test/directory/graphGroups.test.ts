// The Graph directory reading a person's groups for the reset policy, against the local Graph stand-in: the exact
// request (transitiveMemberOf cast to groups, $select), every page followed through @odata.nextLink, nested groups,
// names and ids both matchable, a 403 (GroupMember.Read.All not granted) as unavailable with a clear log line, and
// groups not read at all unless configured.
import type { GraphDirectoryConfig } from '../../src/config/directoryConfig';
import { requiredVerifications } from '../../src/app/resetRules';
import { GraphDirectory } from '../../src/directory/graphDirectory';
import { createLogger } from '../../src/logging/logger';
import { startGraphStandIn, type GraphStandIn, type StandInGroup, type StandInUser } from '../support/graphStandIn';
import { testOrg } from '../support/coreHarness';

let standIn: GraphStandIn;
let katherine: StandInUser;
let dorothy: StandInUser;
let staff: StandInGroup;
let science: StandInGroup;
const logLines: string[] = [];

beforeAll(async () => {
  standIn = await startGraphStandIn();
  katherine = standIn.addUser({ userPrincipalName: 'katherine@cloud.signet.test', mail: null, onPremisesSamAccountName: null, displayName: 'Katherine Johnson', accountEnabled: true, password: 'Orbital-Mechanics-62' });
  dorothy = standIn.addUser({ userPrincipalName: 'dorothy@cloud.signet.test', mail: null, onPremisesSamAccountName: null, displayName: 'Dorothy Vaughan', accountEnabled: true, password: 'Fortran-Teacher-61' });
  science = standIn.addGroup('Science Department', [katherine.id]);
  // Staff holds the science department: Katherine is staff through it (transitive membership).
  staff = standIn.addGroup('Staff', [science.id]);
  for (let i = 0; i < 5; i++) standIn.addGroup(`Club ${i}`, [katherine.id]);
});

afterAll(async () => {
  await standIn?.close();
});

beforeEach(() => {
  standIn.requests.length = 0;
  standIn.groupPageSize = 100;
  standIn.denyGroupReads = false;
  logLines.length = 0;
});

function directory(readGroups: boolean | undefined): GraphDirectory {
  return graphDirectoryOn(standIn.apiBaseUrl, readGroups);
}

/** The Graph directory against the stand-in, with the API base given (the stand-in's own, or another spelling of it). */
function graphDirectoryOn(apiBaseUrl: string, readGroups: boolean | undefined): GraphDirectory {
  const config: GraphDirectoryConfig = {
    kind: 'graph',
    tenantId: standIn.tenantId,
    clientId: standIn.clientId,
    clientSecret: standIn.clientSecret,
    loginBaseUrl: standIn.loginBaseUrl,
    apiBaseUrl,
    timeoutMs: 3000,
    ...(readGroups === undefined ? {} : { readGroups }),
  };
  return new GraphDirectory({ config, logger: createLogger({ level: 'debug', sink: (l) => logLines.push(l) }) });
}

const groupRequests = () => standIn.requests.filter((r) => r.path.includes('/transitiveMemberOf/'));

it('when groups are read, then the request is the transitiveMemberOf group cast with $select, sent with the token', async () => {
  const found = await directory(true).find({ by: 'upn', value: dorothy.userPrincipalName });
  expect(found).toMatchObject({ ok: true, value: { id: dorothy.id, groups: [] } });
  const [request, ...more] = groupRequests();
  expect(more).toEqual([]);
  expect(request!.method).toBe('GET');
  expect(request!.path).toBe(`/v1.0/users/${dorothy.id}/transitiveMemberOf/microsoft.graph.group?$select=displayName,id`);
  expect(request!.headers['authorization']).toMatch(/^Bearer standin-token-/);
});

it('when the groups fill several pages, then every @odata.nextLink is followed and nested groups count', async () => {
  standIn.groupPageSize = 2;
  const found = await directory(true).find({ by: 'upn', value: katherine.userPrincipalName });
  if (!found.ok) throw new Error(found.refusal.kind);
  const names = found.value.groups ?? [];
  expect(names).toEqual(expect.arrayContaining(['Science Department', science.id, 'Staff', staff.id, 'Club 0', 'Club 4']));
  expect(names).toHaveLength(2 * 7);
  expect(groupRequests()).toHaveLength(4); // 7 groups, 2 a page
  expect(groupRequests()[1]!.path).toContain('skiptoken=2');
});

it('when the policy names a group by display name or by id, then a transitive member is asked for its verifications', async () => {
  const found = await directory(true).find({ by: 'objectId', value: katherine.id });
  if (!found.ok) throw new Error(found.refusal.kind);
  for (const group of ['staff', staff.id]) {
    const policy = testOrg({ passwordReset: { methodsRequired: 1, byGroup: [{ group, methodsRequired: 2 }] } } as never).passwordReset;
    expect(requiredVerifications(policy, { upn: katherine.userPrincipalName, groups: found.value.groups ?? [] })).toBe(2);
    expect(requiredVerifications(policy, { upn: dorothy.userPrincipalName, groups: [] })).toBe(1);
  }
});

it('when the app lacks GroupMember.Read.All (403), then the look-up is unavailable and the log names the permission', async () => {
  standIn.denyGroupReads = true;
  expect(await directory(true).find({ by: 'upn', value: katherine.userPrincipalName })).toEqual({ ok: false, refusal: { kind: 'unavailable' } });
  expect(logLines.join('\n')).toContain('GroupMember.Read.All');
});

it('when groups are not configured, then none are asked for and the entry carries none', async () => {
  for (const readGroups of [undefined, false]) {
    const found = await directory(readGroups).find({ by: 'upn', value: katherine.userPrincipalName });
    expect(found.ok && found.value.groups).toBeUndefined();
  }
  expect(groupRequests()).toEqual([]);
});

it('when a next page points outside the configured Graph, then it is not followed (the token stays home)', async () => {
  // The stand-in's links are its own; a directory configured with another spelling of the base must not follow them.
  standIn.groupPageSize = 2;
  const elsewhere = graphDirectoryOn(standIn.apiBaseUrl.replace('127.0.0.1', 'localhost'), true);
  expect(await elsewhere.find({ by: 'objectId', value: katherine.id })).toEqual({ ok: false, refusal: { kind: 'unavailable' } });
  expect(groupRequests()).toHaveLength(1);
});
