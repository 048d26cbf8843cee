// Graceful shutdown: an in-flight request finishes after shutdown begins, new connections are refused, the stores
// close exactly once and only after the drain, and a request that never ends is cut off at the deadline.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '../../src/logging/logger';
import { createShutdown } from '../../src/shutdown';
import { request, spyStores, startTestApp, type TestApp } from './serverHarness';

/** A gate the slow route waits on, so the test decides when the in-flight request may finish. */
function gate(): { wait: Promise<void>; open(): void; entered: Promise<void>; enter(): void } {
  let open!: () => void;
  let enter!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  const entered = new Promise<void>((resolve) => (enter = resolve));
  return { wait, open, entered, enter };
}

function connectError(url: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = http.get(`${url}/healthz`, { agent: false }, (res) => {
      res.resume();
      resolve(undefined);
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code));
  });
}

describe('createShutdown', () => {
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('when shutdown starts during a slow request, then that request completes, new connections are refused, and stores close once after it', async () => {
    const slow = gate();
    const stores = spyStores();
    const order: string[] = [];
    app = await startTestApp({
      stores,
      extraRoutes: (server) => {
        server.get('/test/slow', async (_req, res) => {
          slow.enter();
          await slow.wait;
          order.push('slow request answered');
          res.send(200, { done: true });
        });
      },
    });
    const originalClose = stores.close;
    const closeCalls: string[] = [];
    (stores as { close: () => Promise<void> }).close = async () => {
      closeCalls.push('close');
      order.push('stores closed');
      return originalClose();
    };

    const inFlight = request(app.url, '/test/slow');
    await slow.entered;

    const shutdown = createShutdown({ server: app.server.server, stores, logger: app.logger, timeoutMs: 5000 });
    const done = shutdown('SIGTERM');
    const again = shutdown('SIGINT');

    expect(await connectError(app.url)).toBe('ECONNREFUSED');
    expect(order).toEqual([]);

    slow.open();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ done: true });

    expect(await done).toBe(0);
    expect(await again).toBe(0);
    expect(closeCalls).toHaveLength(1);
    expect(order).toEqual(['slow request answered', 'stores closed']);
    expect(app.logs).toContainEqual(expect.objectContaining({ msg: 'shutting down', reason: 'SIGTERM' }));
    expect(app.logs).toContainEqual(expect.objectContaining({ msg: 'shut down', exitStatus: 0 }));
  });

  it('when background jobs run, then they are stopped after the drain and before the stores close', async () => {
    const stores = spyStores();
    app = await startTestApp({ stores });
    const order: string[] = [];
    const originalClose = stores.close;
    (stores as { close: () => Promise<void> }).close = async () => {
      order.push('stores closed');
      return originalClose();
    };
    const background = { stop: async () => void order.push('jobs stopped') };
    expect(await createShutdown({ server: app.server.server, stores, logger: app.logger, background })('SIGTERM')).toBe(0);
    expect(order).toEqual(['jobs stopped', 'stores closed']);
  });

  it('when a request never finishes, then its connection is cut at the deadline and the stores still close', async () => {
    const stuck = gate();
    const stores = spyStores();
    app = await startTestApp({
      stores,
      extraRoutes: (server) => {
        server.get('/test/stuck', async () => {
          stuck.enter();
          await new Promise(() => undefined);
        });
      },
    });
    const inFlight = request(app.url, '/test/stuck').then(
      () => 'answered',
      (err: NodeJS.ErrnoException) => err.code ?? 'error',
    );
    await stuck.entered;
    const started = Date.now();
    const code = await createShutdown({ server: app.server.server, stores, logger: app.logger, timeoutMs: 300 })('SIGTERM');
    expect(code).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(await inFlight).toBe('ECONNRESET');
    expect(stores.calls.filter((c) => c === 'close')).toHaveLength(1);
    expect(app.logs).toContainEqual(expect.objectContaining({ level: 'warn', msg: expect.stringContaining('did not finish in time') }));
  });

  it('when an idle keep-alive connection is open, then shutdown does not wait for it', async () => {
    const stores = spyStores();
    app = await startTestApp({ stores });
    const agent = new http.Agent({ keepAlive: true });
    try {
      await new Promise<void>((resolve, reject) => {
        http.get(`${app!.url}/healthz`, { agent }, (res) => {
          res.resume();
          res.on('end', resolve);
        }).on('error', reject);
      });
      const started = Date.now();
      const code = await createShutdown({ server: app.server.server, stores, logger: app.logger, timeoutMs: 5000 })('SIGTERM');
      expect(code).toBe(0);
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      agent.destroy();
    }
  });

  it('when the in-flight request came on a keep-alive connection, then shutdown ends soon after it is answered', async () => {
    const slow = gate();
    const stores = spyStores();
    app = await startTestApp({
      stores,
      extraRoutes: (server) => {
        server.get('/test/slow', async (_req, res) => {
          slow.enter();
          await slow.wait;
          res.send(200, { done: true });
        });
      },
    });
    const agent = new http.Agent({ keepAlive: true });
    try {
      const inFlight = new Promise<number>((resolve, reject) => {
        http.get(`${app!.url}/test/slow`, { agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        }).on('error', reject);
      });
      await slow.entered;
      const done = createShutdown({ server: app.server.server, stores, logger: app.logger, timeoutMs: 5000 })('SIGTERM');
      slow.open();
      expect(await inFlight).toBe(200);
      const answered = Date.now();
      expect(await done).toBe(0);
      expect(Date.now() - answered).toBeLessThan(1000);
      expect(app.logs.some((l) => l['level'] === 'warn' && String(l['msg']).includes('did not finish'))).toBe(false);
    } finally {
      agent.destroy();
    }
  });

  it('when closing the stores fails, then the exit code is 1 and the failure is logged', async () => {
    const server = http.createServer((_req, res) => res.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    expect((server.address() as AddressInfo).port).toBeGreaterThan(0);
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', sink: (l) => lines.push(l) });
    const code = await createShutdown({ server, stores: { close: () => Promise.reject(new Error('socket hang up')) }, logger })('SIGTERM');
    expect(code).toBe(1);
    expect(lines.join('\n')).toContain('closing the stores failed');
    expect(server.listening).toBe(false);
  });
});
