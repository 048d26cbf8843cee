// The entry point main(env, io): a bad configuration is printed and exits 1; a good one serves /healthz, logs the
// in-memory store once, and SIGTERM shuts down cleanly with exit 0.
import { main, type MainIo } from '../../src/index';
import { request } from './serverHarness';
import { freshDbName, mongoTestUri } from '../support/mongo';

interface FakeIo extends MainIo {
  readonly exits: number[];
  readonly errText: () => string;
  readonly lines: string[];
  readonly signals: Map<string, () => void>;
}

function fakeIo(files: Record<string, string> = {}): FakeIo {
  const exits: number[] = [];
  const err: string[] = [];
  const lines: string[] = [];
  const signals = new Map<string, () => void>();
  return {
    exits,
    lines,
    signals,
    errText: () => err.join(''),
    exit: (code) => void exits.push(code),
    stderr: (text) => void err.push(text),
    onSignal: (signal, handler) => void signals.set(signal, handler),
    logSink: (line) => void lines.push(line),
    readFile: (path) => {
      const content = files[path];
      if (content === undefined) throw new Error(`ENOENT: ${path}`);
      return content;
    },
  };
}

const until = async (check: () => boolean, ms = 5000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('main', () => {
  it.each<[string, NodeJS.ProcessEnv, RegExp]>([
    ['PORT=abc', { PORT: 'abc' }, /PORT: /],
    ['a bad SIGNET_ENCRYPTION_KEY', { SIGNET_ENCRYPTION_KEY: 'short' }, /SIGNET_ENCRYPTION_KEY: /],
    ['production without a key', { NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://s.example.org' }, /SIGNET_ENCRYPTION_KEY: is required/],
    ['an unreadable organisation file', { SIGNET_ORG_CONFIG: '/nowhere/org.json' }, /SIGNET_ORG_CONFIG: the file "\/nowhere\/org\.json" cannot be read/],
  ])('when the configuration has %s, then the problem goes to stderr and the exit code is 1', async (_what, env, expected) => {
    const io = fakeIo();
    await expect(main(env, io)).resolves.toBeUndefined();
    expect(io.exits).toEqual([1]);
    expect(io.errText()).toMatch(/^Invalid configuration:\n/);
    expect(io.errText()).toMatch(expected);
    expect(io.signals.size).toBe(0);
  });

  it('when the organisation offers a locale with no translations, then start-up fails with exit 1 naming it', async () => {
    const org = { organisation: { name: 'X', domains: ['x.example'] }, helpDesk: { phone: '+1 555 0100' }, locales: { offered: ['en-US', 'de-DE'], default: 'en-US' } };
    const io = fakeIo({ '/etc/org.json': JSON.stringify(org) });
    await expect(main({ SIGNET_ORG_CONFIG: '/etc/org.json', PORT: '0', HOST: '127.0.0.1' }, io)).resolves.toBeUndefined();
    expect(io.exits).toEqual([1]);
    expect(io.errText()).toContain('"de-DE"');
  });

  it('when the bot registration is SingleTenant without a tenant id, then start-up fails with exit 1 and no secret is printed', async () => {
    const io = fakeIo();
    const env = { PORT: '0', HOST: '127.0.0.1', MicrosoftAppType: 'SingleTenant', MicrosoftAppId: '11111111-2222-3333-4444-555555555555', MicrosoftAppPassword: 'pw-not-real-123' };
    await expect(main(env, io)).resolves.toBeUndefined();
    expect(io.exits).toEqual([1]);
    expect(io.errText()).toContain('MicrosoftAppTenantId');
    expect(io.errText() + io.lines.join('\n')).not.toContain('pw-not-real-123');
  });

  it('when the port is taken, then start-up fails with exit 1', async () => {
    const first = fakeIo();
    const running = await main({ PORT: '0', HOST: '127.0.0.1' }, first);
    const port = new URL(running!.url).port;
    const second = fakeIo();
    await expect(main({ PORT: port, HOST: '127.0.0.1' }, second)).resolves.toBeUndefined();
    expect(second.exits).toEqual([1]);
    expect(second.errText()).toContain('EADDRINUSE');
    await running!.shutdown('test');
  });

  it('when the configuration is empty, then Signet serves /healthz on the embedded defaults and SIGTERM exits 0', async () => {
    const io = fakeIo();
    const running = await main({ PORT: '0', HOST: '127.0.0.1' }, io);
    expect(running).toBeDefined();
    expect(io.exits).toEqual([]);

    const res = await request(running!.url, '/healthz');
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });

    const logs = io.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logs.filter((l) => String(l['msg']).includes('in-memory store'))).toHaveLength(1);
    expect(logs).toContainEqual(expect.objectContaining({ msg: 'listening', url: running!.url, store: 'memory' }));
    // The language models are ready before the first person can write: no first message waits for a training.
    const ready = logs.findIndex((l) => l['msg'] === 'ready to listen');
    expect(ready).toBeGreaterThanOrEqual(0);
    expect(ready).toBeLessThan(logs.findIndex((l) => l['msg'] === 'listening'));
    expect([...io.signals.keys()].sort()).toEqual(['SIGINT', 'SIGTERM']);

    io.signals.get('SIGTERM')!();
    await until(() => io.exits.length > 0);
    expect(io.exits).toEqual([0]);
    expect(running!.server.server.listening).toBe(false);
  });

  it('when Signet starts in development on the memory store, then it prints one API client to the console that the API accepts', async () => {
    const io = fakeIo();
    const running = await main({ PORT: '0', HOST: '127.0.0.1' }, io);
    try {
      const notice = io.errText();
      expect(notice).toContain('=== DEVELOPMENT ONLY: an API client for trying the verification API ===');
      expect(notice.match(/bearer secret:/g)).toHaveLength(1);
      const secret = /bearer secret: +(sgn_\S+)/.exec(notice)?.[1];
      expect(secret).toBeDefined();
      expect(notice).toMatch(/callback signing key: +[A-Za-z0-9_-]{43}\n/);
      expect(notice).toContain(`S=${running!.url}; T="Authorization: Bearer ${secret!}"`);
      // The README's first curl: authenticated, so the answer is about the person (no one has enrolled yet), not 401.
      const body = JSON.stringify({ user: 'jane.doe@contoso.edu', method: 'sms', context: { ip: '203.0.113.9', application: 'Staff portal' } });
      const post = (auth: string | null) =>
        request(running!.url, '/api/v1/verifications', { method: 'POST', headers: { 'Content-Type': 'application/json', ...(auth ? { Authorization: auth } : {}) }, body });
      const answered = await post(`Bearer ${secret!}`);
      expect(answered.status).toBe(404);
      expect(answered.json()).toEqual({ error: { code: 'not_found', message: 'No such user.' } });
      expect((await post(null)).status).toBe(401);
      expect(io.lines.join('\n')).not.toContain(secret!);
    } finally {
      await running!.shutdown('test');
    }
  });

  it.each([
    ['NODE_ENV=test', { NODE_ENV: 'test' }],
  ])('when Signet starts with %s, then no development client is created or printed', async (_what, env) => {
    const io = fakeIo();
    const running = await main({ PORT: '0', HOST: '127.0.0.1', ...env }, io);
    try {
      expect(io.errText()).not.toContain('DEVELOPMENT ONLY');
      expect(io.errText()).not.toContain('sgn_');
    } finally {
      await running!.shutdown('test');
    }
  });

  it('when a second signal arrives during shutdown, then it exits 1 at once', async () => {
    const io = fakeIo();
    const running = await main({ PORT: '0', HOST: '127.0.0.1' }, io);
    io.signals.get('SIGTERM')!();
    io.signals.get('SIGINT')!();
    expect(io.exits).toEqual([1]);
    await until(() => io.exits.length > 1);
    expect(running!.server.server.listening).toBe(false);
  });

  it('when MongoDB is unreachable at start, then the process stays up: /healthz 200, /readyz 503, SIGTERM exits 0', async () => {
    const io = fakeIo();
    const running = await main({ PORT: '0', HOST: '127.0.0.1', MONGODB_URI: 'mongodb://127.0.0.1:1/', MONGODB_DB: 'unreachable' }, io);
    expect(running).toBeDefined();
    expect(io.exits).toEqual([]);
    expect((await request(running!.url, '/healthz')).status).toBe(200);
    const ready = await request(running!.url, '/readyz');
    expect(ready.status).toBe(503);
    expect(ready.json()).toEqual({ status: 'unavailable' });
    io.signals.get('SIGTERM')!();
    await until(() => io.exits.length > 0, 10_000);
    expect(io.exits).toEqual([0]);
  });

  it('when MongoDB is reachable, then /readyz answers 200 once the indexes exist', async () => {
    const io = fakeIo();
    const running = await main({ PORT: '0', HOST: '127.0.0.1', MONGODB_URI: mongoTestUri(), MONGODB_DB: freshDbName('main') }, io);
    expect(running).toBeDefined();
    // Clients on MongoDB are managed with `npm run clients`: no development client there.
    expect(io.errText()).not.toContain('DEVELOPMENT ONLY');
    const deadline = Date.now() + 10_000;
    let status = 0;
    while (Date.now() < deadline && status !== 200) {
      status = (await request(running!.url, '/readyz')).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(200);
    const logs = io.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logs).toContainEqual(expect.objectContaining({ msg: 'listening', store: 'mongodb' }));
    expect(io.lines.join('\n')).not.toContain(mongoTestUri());
    io.signals.get('SIGTERM')!();
    await until(() => io.exits.length > 0, 10_000);
    expect(io.exits).toEqual([0]);
  });
});
