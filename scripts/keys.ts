// Entry point of `npm run keys`: connects to the configured MongoDB and rotates or lists the Entra signing keys.
// With the in-memory store the keys live inside the running server and are made afresh at each start.
import { EntraSigningKeys } from '../src/app/entraSigningKeys';
import { systemClock } from '../src/ports/clock';
import { deriveKey } from '../src/security/derivedKeys';
import { cryptoRandom } from '../src/security/random';
import { createMongoEntraStores } from '../src/stores/mongoEntraStores';
import { runKeysCommand } from './keysCommand';
import { runMongoCommand } from './mongoCli';

runMongoCommand({
  name: 'keys',
  needsMongo: 'Signing keys are kept in MongoDB: set MONGODB_URI. (With the in-memory store, each start makes a new key.)',
  refuse: (config) => (config.entra ? null : 'Entra External MFA is off: set ENTRA_CLIENT_ID and ENTRA_APP_ID.'),
  run: async (config, stores) => {
    const entraStores = await createMongoEntraStores(stores.db);
    const keys = new EntraSigningKeys({
      keys: entraStores.signingKeys,
      sealingKey: deriveKey(config.encryptionKey, 'entra signing keys'),
      random: cryptoRandom,
      clock: systemClock,
      issuerHost: new URL(config.publicBaseUrl).host,
    });
    return runKeysCommand(process.argv.slice(2), { keys, overlapMs: config.entra!.keyOverlapMs, out: (line) => process.stdout.write(`${line}\n`) });
  },
});
