// Entry point of `npm run jobs`: connects to the configured MongoDB and lists jobs by status. The in-memory queue
// lives inside the running server, out of this process's reach; its dead jobs are in the server's log.
import { loadConfig, ConfigError } from '../src/config/loadConfig';
import { createMongoStores } from '../src/stores/mongoStores';
import { createMongoJobQueue } from '../src/stores/mongoJobQueue';
import { runJobsCommand } from './jobsCommand';

async function main(): Promise<number> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
    return 1;
  }
  if (config.mongodb.uri === undefined) {
    process.stderr.write('The job queue is kept in MongoDB: set MONGODB_URI. (With the in-memory store, dead jobs are logged as "job dead".)\n');
    return 1;
  }
  const stores = await createMongoStores({ uri: config.mongodb.uri, dbName: config.mongodb.dbName, indexes: 'manual', logger: { info: () => undefined, warn: () => undefined } });
  try {
    return await runJobsCommand(process.argv.slice(2), { queue: createMongoJobQueue(stores.db), out: (line) => process.stdout.write(`${line}\n`) });
  } finally {
    await stores.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`jobs: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
