// Issue 8, check 4: at least 10 000 malformed requests over every route never get a 5xx, never crash the process,
// and leave resident memory within 20% of where it started (after a warm-up, measured after a full GC when
// jest runs with --expose-gc, as `npm run test:reliability` does).
import { createMemoryStores } from '../../src/stores/memoryStores';
import { request, type HttpResult } from '../server/serverHarness';
import { malformedRequests, ROUTES, type MalformedRequest } from './support/malformedRequests';
import { figure, inWaves, PUBLIC_BASE_URL, seedPerson, startSignet, type Signet } from './support/signetUnderTest';

const REQUESTS = 10_400;
const WARM_UP = 1_300;
const IN_FLIGHT = 32;

function settledRss(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().rss;
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

describe('reliability with malformed input', () => {
  let twilioSide: Signet;
  let simulatedSide: Signet;
  beforeAll(async () => {
    twilioSide = await startSignet({ stores: createMemoryStores() });
    simulatedSide = await startSignet({ stores: createMemoryStores(), simulated: true });
    await seedPerson(twilioSide);
    await seedPerson(simulatedSide);
  });
  afterAll(async () => {
    await twilioSide?.close();
    await simulatedSide?.close();
  });

  it(`when ${REQUESTS} malformed requests reach every route, then none gets a 5xx, the process stays up and RSS comes back within 20%`, async () => {
    const send = (r: MalformedRequest): Promise<HttpResult | Error> => {
      const base = r.target === 'twilio' ? twilioSide : simulatedSide;
      return request(base.url, r.path, { method: r.method, headers: r.headers, ...(r.body !== undefined ? { body: r.body } : {}) }).catch((error: unknown) =>
        error instanceof Error ? error : new Error(String(error)),
      );
    };
    const options = { publicBaseUrl: PUBLIC_BASE_URL, apiSecret: twilioSide.secret, serviceUrl: twilioSide.connector.url };

    // Warm-up: JIT, caches and pools settle before the baseline is taken.
    const warmUp = malformedRequests(WARM_UP, { ...options, seed: 7 });
    await inWaves(warmUp.length, IN_FLIGHT, (i) => send(warmUp[i]!));
    const rssBefore = settledRss();

    const requests = malformedRequests(REQUESTS, options);
    const results = await inWaves(requests.length, IN_FLIGHT, (i) => send(requests[i]!));
    const health = await request(twilioSide.url, '/healthz');
    // The simulated side's outbox and the Bot Connector stand-in keep what they receive: they are the test's, not Signet's.
    twilioSide.connector.received.length = 0;
    simulatedSide.connector.received.length = 0;
    const rssAfter = settledRss();

    const perRoute = new Map<string, { sent: number; statuses: Record<string, number> }>();
    const fiveHundreds: string[] = [];
    let transportErrors = 0;
    results.forEach((result, i) => {
      const r = requests[i]!;
      const entry = perRoute.get(r.route) ?? { sent: 0, statuses: {} };
      entry.sent += 1;
      const key = result instanceof Error ? 'reset' : String(result.status);
      entry.statuses[key] = (entry.statuses[key] ?? 0) + 1;
      perRoute.set(r.route, entry);
      if (result instanceof Error) transportErrors += 1;
      else if (result.status >= 500 && fiveHundreds.length < 10) fiveHundreds.push(`${r.method} ${r.path.slice(0, 80)} → ${result.status} ${result.text.slice(0, 160)}`);
    });
    const total5xx = results.filter((r) => !(r instanceof Error) && r.status >= 500).length;
    for (const route of ROUTES) figure(`malformed: ${route} ← ${perRoute.get(route)?.sent ?? 0} requests → ${JSON.stringify(perRoute.get(route)?.statuses ?? {})}`);
    figure(
      `${requests.length} malformed requests over ${ROUTES.length} routes → ${total5xx} 5xx, ${transportErrors} connections reset, /healthz ${health.status}; ` +
        `RSS ${mb(rssBefore)} before, ${mb(rssAfter)} after (${(((rssAfter - rssBefore) / rssBefore) * 100).toFixed(1)}%, gc ${typeof (globalThis as { gc?: unknown }).gc === 'function' ? 'exposed' : 'NOT exposed'}); ` +
        `server log lines ${JSON.stringify(twilioSide.logs.counts)} / ${JSON.stringify(simulatedSide.logs.counts)}`,
    );
    for (const line of fiveHundreds) figure(`malformed: 5xx example: ${line}`);
    for (const line of [...twilioSide.logs.lastErrors, ...simulatedSide.logs.lastErrors].slice(-5)) figure(`malformed: error logged: ${line}`);

    expect(requests.length).toBeGreaterThanOrEqual(10_000);
    expect(new Set(requests.map((r) => r.route)).size).toBe(ROUTES.length);
    expect(health.status).toBe(200);
    expect(fiveHundreds).toEqual([]);
    expect(rssAfter).toBeLessThanOrEqual(rssBefore * 1.2);
  });
});
