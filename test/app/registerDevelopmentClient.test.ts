// The development API client: registered in the store, its secret authenticates, its callback key is the one the
// dispatcher derives for it.
import { AuthenticateApiClient } from '../../src/app/authenticateApiClient';
import { registerDevelopmentClient } from '../../src/app/registerDevelopmentClient';
import { callbackSigningKey } from '../../src/security/apiClientCredentials';
import { seededRandom } from '../../src/security/random';
import { createMemoryVerificationStores } from '../../src/stores/memoryVerificationStores';
import { T0, TEST_KEY } from '../support/coreHarness';

describe('registerDevelopmentClient', () => {
  it('when registered, then its secret authenticates it and its callback key is derived from the server key', async () => {
    const stores = createMemoryVerificationStores();
    const serverKey = Buffer.alloc(32, 3);
    const dev = await registerDevelopmentClient({ apiClients: stores.apiClients, clientKey: TEST_KEY, callbackServerKey: serverKey, random: seededRandom('dev'), now: T0 });
    expect((await new AuthenticateApiClient(stores.apiClients, TEST_KEY).authenticate(dev.secret))?.id).toBe(dev.clientId);
    expect(dev.callbackKey).toBe(callbackSigningKey(serverKey, dev.clientId));
  });
});
