// The composition root mounts the Entra provider only when it is configured: with no ENTRA_* settings the
// discovery URL does not exist (npm start still works), with both identifiers it serves discovery and JWKS.
import { main, type MainIo } from '../../src/index';
import { request } from '../server/serverHarness';

function quietIo(): MainIo & { exits: number[] } {
  const exits: number[] = [];
  return { exits, exit: (code) => void exits.push(code), stderr: () => undefined, onSignal: () => undefined, logSink: () => undefined };
}

test('when nothing about Entra is configured, then there is no discovery document', async () => {
  const running = await main({ PORT: '0', HOST: '127.0.0.1' }, quietIo());
  try {
    expect((await request(running!.url, '/.well-known/openid-configuration')).status).toBe(404);
  } finally {
    await running!.shutdown('test');
  }
});

test('when ENTRA_CLIENT_ID and ENTRA_APP_ID are set, then discovery names PUBLIC_BASE_URL and the JWKS has a key', async () => {
  const io = quietIo();
  const running = await main({ PORT: '0', HOST: '127.0.0.1', PUBLIC_BASE_URL: 'https://signet.school.example', ENTRA_CLIENT_ID: 'signet', ENTRA_APP_ID: '6f1d3b5e-2a7c-4e19-9b8d-0c4a5e6f7a81' }, io);
  try {
    expect(io.exits).toEqual([]);
    const doc = (await request(running!.url, '/.well-known/openid-configuration')).json<{ issuer: string; authorization_endpoint: string }>();
    expect(doc.issuer).toBe('https://signet.school.example');
    expect(doc.authorization_endpoint).toBe('https://signet.school.example/entra/authorize');
    expect((await request(running!.url, '/entra/jwks')).json<{ keys: unknown[] }>().keys).toHaveLength(1);
  } finally {
    await running!.shutdown('test');
  }
});

test('when only one of the two identifiers is set, then start-up fails naming both', async () => {
  const errors: string[] = [];
  const io = { ...quietIo(), stderr: (text: string) => void errors.push(text) };
  await expect(main({ PORT: '0', HOST: '127.0.0.1', ENTRA_CLIENT_ID: 'signet' }, io)).resolves.toBeUndefined();
  expect(io.exits).toEqual([1]);
  expect(errors.join('')).toContain('ENTRA_CLIENT_ID / ENTRA_APP_ID');
});
