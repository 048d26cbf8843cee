// Who is calling the verification API: a client's own secret finds it; anything else (a wrong, malformed or
// revoked secret, or one hashed with another key) finds no one.
import { AuthenticateApiClient } from '../../src/app/authenticateApiClient';
import { newApiClient } from '../../src/security/apiClientCredentials';
import { seededRandom } from '../../src/security/random';
import { createMemoryVerificationStores } from '../../src/stores/memoryVerificationStores';
import { T0, TEST_KEY } from '../support/coreHarness';

async function world() {
  const stores = createMemoryVerificationStores();
  const { client, secret } = newApiClient('Portal', T0, seededRandom('client'), TEST_KEY);
  await stores.apiClients.create(client);
  const lookups: string[] = [];
  const apiClients = { get: (id: string) => (lookups.push(id), stores.apiClients.get(id)) };
  return { stores, client, secret, lookups, authenticate: new AuthenticateApiClient(apiClients, TEST_KEY) };
}

describe('AuthenticateApiClient', () => {
  it("when the client's secret is presented, then the client is found", async () => {
    const w = await world();
    expect(await w.authenticate.authenticate(w.secret)).toEqual(w.client);
  });

  it('when a secret with the right id but the wrong random part is presented, then no one is found', async () => {
    const w = await world();
    const forged = `${w.secret.slice(0, -4)}AAAA` === w.secret ? `${w.secret.slice(0, -4)}BBBB` : `${w.secret.slice(0, -4)}AAAA`;
    expect(await w.authenticate.authenticate(forged)).toBeNull();
  });

  it('when something not shaped like a secret is presented, then no store is asked', async () => {
    const w = await world();
    expect(await w.authenticate.authenticate('not-a-secret')).toBeNull();
    expect(w.lookups).toEqual([]);
  });

  it('when the client is revoked, then its secret no longer works', async () => {
    const w = await world();
    await w.stores.apiClients.revoke(w.client.id, T0 + 1);
    expect(await w.authenticate.authenticate(w.secret)).toBeNull();
  });

  it('when the server checks with another key, then the secret does not match', async () => {
    const w = await world();
    const elsewhere = new AuthenticateApiClient(w.stores.apiClients, Buffer.alloc(32, 9));
    expect(await elsewhere.authenticate(w.secret)).toBeNull();
  });
});
