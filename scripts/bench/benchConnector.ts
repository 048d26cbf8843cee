// The Bot Connector stand-in both benchmarks send Teams replies to: answers every POST with an id, as the real one
// does, and nothing else (no recording: it must cost the measured servers nothing but the reply itself).
import http from 'node:http';
import type net from 'node:net';

export async function startConnector(): Promise<{ url: string; close(): Promise<void> }> {
  let next = 1;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ id: `sent-${next++}` }));
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
