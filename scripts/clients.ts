// Entry point of `npm run clients`: connects to the configured MongoDB and runs the command. API clients need
// MongoDB because the in-memory store lives inside the running server, out of this process's reach.
import { createMongoVerificationStores } from '../src/stores/mongoVerificationStores';
import { cryptoRandom } from '../src/security/random';
import { runClientsCommand } from './clientsCommand';
import { runMongoCommand } from './mongoCli';

runMongoCommand({
  name: 'clients',
  needsMongo: 'API clients are kept in MongoDB: set MONGODB_URI (and the same SIGNET_ENCRYPTION_KEY as the server).',
  // The server hashes presented secrets with its own key; a public development key would protect nothing.
  refuse: (config) => (config.encryptionKeyIsDevelopmentDefault ? 'Set SIGNET_ENCRYPTION_KEY to the key the server uses before registering API clients.' : null),
  run: (config, stores) =>
    runClientsCommand(process.argv.slice(2), {
      apiClients: createMongoVerificationStores(stores.db).apiClients,
      masterKey: config.encryptionKey,
      random: cryptoRandom,
      now: () => Date.now(),
      out: (line) => process.stdout.write(`${line}\n`),
    }),
});
