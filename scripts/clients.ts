// Entry point of `npm run clients`: connects to the configured MongoDB and runs the command. API clients need
// MongoDB because the in-memory store lives inside the running server, out of this process's reach.
import { loadConfig, ConfigError } from '../src/config/loadConfig';
import { createMongoStores } from '../src/stores/mongoStores';
import { createMongoVerificationStores } from '../src/stores/mongoVerificationStores';
import { cryptoRandom } from '../src/security/random';
import { runClientsCommand } from './clientsCommand';

async function main(): Promise<number> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
    return 1;
  }
  if (config.encryptionKeyIsDevelopmentDefault) {
    // The server hashes presented secrets with its own key; a public development key would protect nothing.
    process.stderr.write('Set SIGNET_ENCRYPTION_KEY to the key the server uses before registering API clients.\n');
    return 1;
  }
  if (config.mongodb.uri === undefined) {
    process.stderr.write('API clients are kept in MongoDB: set MONGODB_URI (and the same SIGNET_ENCRYPTION_KEY as the server).\n');
    return 1;
  }
  const stores = await createMongoStores({ uri: config.mongodb.uri, dbName: config.mongodb.dbName, indexes: 'manual', logger: { info: () => undefined, warn: () => undefined } });
  try {
    const verificationStores = createMongoVerificationStores(stores.db);
    return await runClientsCommand(process.argv.slice(2), {
      apiClients: verificationStores.apiClients,
      masterKey: config.encryptionKey,
      random: cryptoRandom,
      now: () => Date.now(),
      out: (line) => process.stdout.write(`${line}\n`),
    });
  } finally {
    await stores.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`clients: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
