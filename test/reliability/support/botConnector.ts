// A Bot Connector stand-in for main(): records what the bot sends and answers the roster look-up with the
// person (main() reads their UPN from it on a first message), as test/server/teamsEndToEnd.test.ts does.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeHttp } from '../../server/serverHarness';

export interface SentActivity {
  readonly at: number;
  readonly text: string;
}

export async function startBotConnector(person: { id: string; upn: string; tenantId: string }): Promise<{ url: string; sent: SentActivity[]; close(): Promise<void> }> {
  const sent: SentActivity[] = [];
  let next = 1;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      if (req.method === 'GET' && /\/members\//.test(req.url ?? '')) {
        res.end(JSON.stringify({ id: person.id, name: 'Ada Lovelace', aadObjectId: '6f1c2d3e-0000-4000-8000-000000000001', userPrincipalName: person.upn, email: person.upn, tenantId: person.tenantId }));
        return;
      }
      const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
      const card = (body['attachments'] as Array<{ content?: { fallbackText?: string } }> | undefined)?.[0]?.content;
      if (req.method === 'POST') sent.push({ at: Date.now(), text: [body['text'], card?.fallbackText].filter((t) => typeof t === 'string').join('\n') });
      res.end(JSON.stringify({ id: `sent-${next++}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, sent, close: () => closeHttp(server) };
}
