// The verification API as deployed: a client registered with the clients command on MongoDB, then the real
// main() on the same database and key, challenged over HTTP with the printed secret.
import { main, type MainIo } from '../../src/index';
import { runClientsCommand } from '../../scripts/clientsCommand';
import { createMongoStores } from '../../src/stores/mongoStores';
import { createMongoVerificationStores } from '../../src/stores/mongoVerificationStores';
import { cryptoRandom } from '../../src/security/random';
import { loadConfig } from '../../src/config/loadConfig';
import { request } from '../server/serverHarness';
import { freshDbName, mongoTestUri, recordingLogger } from '../support/mongo';

const KEY_HEX = '11'.repeat(32);

function io(): MainIo & { exits: number[]; signals: Map<string, () => void> } {
  const exits: number[] = [];
  const signals = new Map<string, () => void>();
  return { exits, signals, exit: (c) => void exits.push(c), stderr: () => undefined, onSignal: (s, h) => void signals.set(s, h), logSink: () => undefined };
}

describe('verification API end to end', () => {
  it('when a client registered by the CLI calls the running server, then it can challenge a person', async () => {
    const dbName = freshDbName('apie2e');
    const env = { PORT: '0', HOST: '127.0.0.1', MONGODB_URI: mongoTestUri(), MONGODB_DB: dbName, SIGNET_ENCRYPTION_KEY: KEY_HEX };
    const config = loadConfig(env);
    const stores = await createMongoStores({ uri: mongoTestUri(), dbName, logger: recordingLogger(), indexes: 'manual' });
    await stores.ensureIndexes();
    const lines: string[] = [];
    await runClientsCommand(['add', 'Staff portal'], {
      apiClients: createMongoVerificationStores(stores.db).apiClients,
      masterKey: config.encryptionKey,
      random: cryptoRandom,
      now: () => Date.now(),
      out: (l) => void lines.push(l),
    });
    const secret = /Bearer …\):\s+(\S+)/.exec(lines.join('\n'))![1]!;
    const user = await stores.users.create({ id: 'aad-e2e', tenantId: null, upn: 'sam@signet-demo.example', displayName: 'Sam', locale: 'en-GB' }, Date.now());
    await stores.users.replace({ ...user, methods: [{ kind: 'mobilePhone', id: 'm1', number: '+447911123456', createdAt: Date.now() }], defaultMethodId: 'm1' });

    const fake = io();
    const running = await main(env, fake);
    expect(running).toBeDefined();
    try {
      const body = JSON.stringify({ user: 'Sam@signet-demo.example', context: { ip: '203.0.113.1', application: 'VPN' } });
      const post = (auth: string) =>
        request(running!.url, '/api/v1/verifications', { method: 'POST', headers: { Authorization: auth, 'Content-Type': 'application/json' }, body });
      expect((await post('Bearer sgn_nope')).status).toBe(401);
      const started = await post(`Bearer ${secret}`);
      expect(started.status).toBe(201);
      expect(started.json()).toMatchObject({ status: 'pending', method: 'sms' });
      const openapi = await request(running!.url, '/api/v1/openapi.json');
      expect(openapi.json<{ openapi: string }>().openapi).toBe('3.1.0');
    } finally {
      fake.signals.get('SIGTERM')!();
      for (let waited = 0; fake.exits.length === 0 && waited < 10_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
      expect(fake.exits).toEqual([0]);
      await stores.db.dropDatabase();
      await stores.close();
    }
  });
});
