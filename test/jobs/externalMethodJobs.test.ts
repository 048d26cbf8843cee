// Entra External MFA registration as a background job: the queued registry stores one job per person, the worker
// runs it against the Graph stand-in, audits the outcome, waits out a 429's Retry-After, and turns a refused
// permission into a dead job with an operator log line and an audit entry — never a secret in either.
import { randomUUID } from 'node:crypto';
import { GraphExternalMethodRegistry } from '../../src/directory/graphExternalMethodRegistry';
import { EXTERNAL_METHOD_JOB, externalMethodHandler, externalMethodJobId, QueuedExternalMethodRegistry } from '../../src/jobs/externalMethodJobs';
import { JobWorker } from '../../src/jobs/jobWorker';
import { createLogger } from '../../src/logging/logger';
import { FixedClock } from '../../src/ports/clock';
import type { EntraPerson } from '../../src/ports/externalMethodRegistry';
import { createMemoryStores } from '../../src/stores/memoryStores';
import { MemoryJobQueue } from '../../src/stores/memoryJobQueue';
import { startGraphStandIn, type GraphStandIn } from '../support/graphStandIn';

const T0 = Date.UTC(2026, 11, 3, 9, 0, 0);
let graph: GraphStandIn;
beforeAll(async () => {
  graph = await startGraphStandIn();
});
afterAll(async () => {
  await graph.close();
});

function setUp() {
  const clock = new FixedClock(T0);
  const queue = new MemoryJobQueue();
  const stores = createMemoryStores();
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', sink: (line) => lines.push(line) });
  const registry = new GraphExternalMethodRegistry({
    config: {
      tenantId: graph.tenantId,
      clientId: graph.clientId,
      clientSecret: graph.clientSecret,
      loginBaseUrl: graph.loginBaseUrl,
      apiBaseUrl: graph.apiBaseUrl,
      timeoutMs: 5000,
      configurationId: graph.methodConfigurationId,
      displayName: 'Signet',
    },
    clock,
  });
  const worker = new JobWorker({
    queue,
    clock,
    logger,
    owner: 'test-worker',
    retryDelayMs: () => 10_000,
    handlers: { [EXTERNAL_METHOD_JOB]: externalMethodHandler({ registry, audit: stores.audit, clock, logger }) },
  });
  const queued = new QueuedExternalMethodRegistry({ queue, clock });
  const person = (): EntraPerson => {
    const user = graph.addUser({ userPrincipalName: `p-${randomUUID()}@signet-demo.example`, mail: null, onPremisesSamAccountName: null, displayName: 'P', accountEnabled: true, password: 'x' });
    return { objectId: user.id, tenantId: graph.tenantId };
  };
  const posts = (p: EntraPerson) => graph.requests.filter((r) => r.method === 'POST' && r.path.includes(`/users/${p.objectId}/authentication/externalAuthenticationMethods`)).length;
  return { clock, queue, stores, worker, queued, person, posts, logText: () => lines.join('\n') };
}

describe('external method registration jobs', () => {
  test('when registration is asked for several times, then one job registers the person once and audits it', async () => {
    const { queue, stores, worker, queued, person, posts } = setUp();
    const p = person();
    expect(await queued.ensureRegistered(p)).toBe('queued');
    expect(await queued.ensureRegistered(p)).toBe('queued');
    expect((await queue.findDue(T0, 10)).map((j) => j.id)).toEqual([externalMethodJobId(p)]);

    expect(await worker.runOnce()).toBe(1);
    expect((await queue.get(externalMethodJobId(p)))?.status).toBe('done');
    expect(posts(p)).toBe(1);
    expect(graph.externalMethods.get(p.objectId)).toHaveLength(1);
    const audit = await stores.audit.listForUser(p.objectId, 10);
    expect(audit.map((a) => [a.action, a.details?.['outcome']])).toEqual([['entra:externalMethodRegistered', 'registered']]);
    // Asked again later (another method added): the same job id, already done — nothing more is sent.
    await queued.ensureRegistered(p);
    expect(await worker.runOnce()).toBe(0);
    expect(posts(p)).toBe(1);
  });

  test('when Graph answers 429 with Retry-After, then the job waits at least that long and then registers', async () => {
    const { clock, queue, worker, queued, person, posts } = setUp();
    const p = person();
    await queued.ensureRegistered(p);
    graph.failNext(429, { 'Retry-After': '120' });
    await worker.runOnce();
    const waiting = await queue.get(externalMethodJobId(p));
    expect(waiting?.status).toBe('pending');
    // The worker's own back-off is 10 s here; Graph asked for 120 s.
    expect(waiting?.dueAt).toBe(T0 + 120_000);
    expect(waiting?.lastError).toContain('throttled');
    clock.advance(60_000);
    expect(await worker.runOnce()).toBe(0);
    clock.advance(60_000);
    expect(await worker.runOnce()).toBe(1);
    expect((await queue.get(externalMethodJobId(p)))?.status).toBe('done');
    expect(posts(p)).toBe(1);
  });

  test('when Graph refuses the permission, then the job is dead at once, the operator is told which permission to grant, and it is audited', async () => {
    const { queue, stores, worker, queued, person, logText } = setUp();
    const p = person();
    await queued.ensureRegistered(p);
    graph.failNext(403, {}, { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' });
    await worker.runOnce();
    const dead = await queue.get(externalMethodJobId(p));
    expect(dead?.status).toBe('dead');
    expect(dead?.attempts).toBe(1);
    const logs = logText();
    expect(logs).toContain('UserAuthMethod-External.ReadWrite.All');
    expect(logs).toContain('HTTP 403 Authorization_RequestDenied');
    expect(logs).not.toContain(graph.clientSecret);
    expect(logs).not.toContain('standin-token-');
    const audit = await stores.audit.listForUser(p.objectId, 10);
    expect(audit.map((a) => [a.action, a.details?.['reason']])).toEqual([['entra:externalMethodRefused', 'permission']]);
    expect(graph.externalMethods.get(p.objectId)).toBeUndefined();
  });

  test('when the job payload is malformed, then it is dead without calling Graph', async () => {
    const { queue, worker } = setUp();
    const before = graph.requests.length;
    await queue.enqueue({ id: 'entraMethod:bad', kind: EXTERNAL_METHOD_JOB, payload: { objectId: 7 }, dueAt: T0 }, T0);
    await worker.runOnce();
    expect((await queue.get('entraMethod:bad'))?.status).toBe('dead');
    expect(graph.requests.length).toBe(before);
  });
});
