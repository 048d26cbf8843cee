// A MongoDB that is not there when Signet starts and comes up later: the stores must start working by themselves.
// (Driver 6 keeps a closed topology after a failed first connection; without a new connect() every operation
// fails with MongoTopologyClosedError forever — what a restart during a database outage used to leave behind.)
import { createServer, connect, type Server, type Socket } from 'node:net';
import { createMongoStores, type MongoStores } from '../../src/stores/mongoStores';
import { freshDbName, mongoTestUri, recordingLogger } from '../support/mongo';

/** A free loopback port, not listening yet. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Forwards every connection on `port` to the test server (the database "coming up" on that address). */
async function startForwarder(port: number): Promise<{ server: Server; sockets: Set<Socket> }> {
  const target = new URL(mongoTestUri());
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, sockets };
}

async function eventually(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
}

describe('MongoDB stores started before their server', () => {
  let stores: MongoStores | undefined;
  let forwarder: Awaited<ReturnType<typeof startForwarder>> | undefined;
  afterEach(async () => {
    await stores?.db.dropDatabase().catch(() => undefined);
    await stores?.close();
    for (const s of forwarder?.sockets ?? []) s.destroy();
    await new Promise<void>((resolve) => (forwarder ? forwarder.server.close(() => resolve()) : resolve()));
  });

  it('when the server is unreachable at start and comes up later, then the same stores answer without a restart', async () => {
    const port = await freePort();
    const logger = recordingLogger();
    stores = await createMongoStores({ uri: `mongodb://127.0.0.1:${port}/`, dbName: freshDbName('late'), logger, serverSelectionTimeoutMS: 300 });
    await expect(stores.ping()).rejects.toThrow(/unavailable/i);
    // Long enough for the first connection attempt to have failed and closed its topology.
    await new Promise((resolve) => setTimeout(resolve, 800));
    await expect(stores.users.findByUpn('ada@example.org')).rejects.toThrow(/unavailable/i);

    forwarder = await startForwarder(port);
    expect(await eventually(async () => (await stores!.users.findByUpn('ada@example.org')) === null, 15_000)).toBe(true);
    await stores.ping();
  });
});
