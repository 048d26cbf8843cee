// Issue 8, check 4: at least 10 000 malformed requests over every route never get a 5xx, never crash the process,
// and leave resident memory within 20% of where it started (after a warm-up, measured after a full GC when
// jest runs with --expose-gc, as `npm run test:reliability` does).
import { createMemoryStores } from '../../src/stores/memoryStores';
import { request } from '../server/serverHarness';
import { malformedRequests, ROUTES, type MalformedRequest } from './support/malformedRequests';
import { figure, PUBLIC_BASE_URL, seedPerson, startSignet, type Signet } from './support/signetUnderTest';

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
    const options = { publicBaseUrl: PUBLIC_BASE_URL, apiSecret: twilioSide.secret, serviceUrl: twilioSide.connector.url };
    const perRoute = new Map<string, Record<string, number>>();
    const fiveHundreds: string[] = [];
    let total5xx = 0;
    let sent = 0;
    // Sends every request the generator yields, IN_FLIGHT at a time, keeping only a tally (never the bodies).
    const sendAll = async (requests: Iterator<MalformedRequest>, tally: boolean): Promise<void> => {
      const worker = async (): Promise<void> => {
        for (let next = requests.next(); !next.done; next = requests.next()) {
          const r = next.value;
          const base = r.target === 'twilio' ? twilioSide : simulatedSide;
          const result = await request(base.url, r.path, { method: r.method, headers: r.headers, ...(r.body !== undefined ? { body: r.body } : {}) }).catch(
            (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
          );
          if (!tally) continue;
          sent += 1;
          const statuses = perRoute.get(r.route) ?? {};
          const key = result instanceof Error ? 'reset' : String(result.status);
          statuses[key] = (statuses[key] ?? 0) + 1;
          perRoute.set(r.route, statuses);
          if (!(result instanceof Error) && result.status >= 500) {
            total5xx += 1;
            if (fiveHundreds.length < 10) fiveHundreds.push(`${r.method} ${r.path.slice(0, 80)} → ${result.status} ${result.text.slice(0, 160)}`);
          }
        }
      };
      await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    };

    // Warm-up: JIT, caches and pools settle before the baseline is taken.
    await sendAll(malformedRequests(WARM_UP, { ...options, seed: 7 }), false);
    const rssBefore = settledRss();
    await sendAll(malformedRequests(REQUESTS, options), true);
    const health = await request(twilioSide.url, '/healthz');
    // The Bot Connector stand-in keeps what it receives: that is the test's memory, not Signet's.
    twilioSide.connector.received.length = 0;
    simulatedSide.connector.received.length = 0;
    const rssAfter = settledRss();

    const resets = [...perRoute.values()].reduce((sum, statuses) => sum + (statuses['reset'] ?? 0), 0);
    for (const route of ROUTES) figure(`malformed: ${route} ← ${JSON.stringify(perRoute.get(route) ?? {})}`);
    figure(
      `${sent} malformed requests over ${ROUTES.length} routes → ${total5xx} 5xx, ${resets} connections reset, /healthz ${health.status}; ` +
        `RSS ${mb(rssBefore)} before, ${mb(rssAfter)} after (${(((rssAfter - rssBefore) / rssBefore) * 100).toFixed(1)}%, gc ${typeof (globalThis as { gc?: unknown }).gc === 'function' ? 'exposed' : 'NOT exposed'}); ` +
        `server log lines ${JSON.stringify(twilioSide.logs.counts)} / ${JSON.stringify(simulatedSide.logs.counts)}`,
    );
    for (const line of fiveHundreds) figure(`malformed: 5xx example: ${line}`);
    for (const line of [...twilioSide.logs.lastErrors, ...simulatedSide.logs.lastErrors].slice(-5)) figure(`malformed: error logged: ${line}`);

    expect(sent).toBeGreaterThanOrEqual(10_000);
    expect(perRoute.size).toBe(ROUTES.length);
    expect(health.status).toBe(200);
    expect(fiveHundreds).toEqual([]);
    expect(rssAfter).toBeLessThanOrEqual(rssBefore * 1.2);
  });
});
