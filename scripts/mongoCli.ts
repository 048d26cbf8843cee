// What the operator commands (`npm run clients`, `npm run jobs`) share: load the configuration, insist on MongoDB
// (the in-memory store lives inside the running server, out of a command's reach), open the stores without
// touching indexes, run, close, and turn the result into the process's exit code.
import { ConfigError, loadConfig, type AppConfig } from '../src/config/loadConfig';
import { createMongoStores, type MongoStores } from '../src/stores/mongoStores';

export interface MongoCommand {
  /** Shown before an unexpected error, e.g. "jobs". */
  readonly name: string;
  /** Said when MONGODB_URI is not set: why this command needs MongoDB. */
  readonly needsMongo: string;
  /** A further check of the configuration; a message refuses to run. */
  readonly refuse?: (config: AppConfig) => string | null;
  run(config: AppConfig, stores: MongoStores): Promise<number>;
}

async function exitCodeOf(command: MongoCommand): Promise<number> {
  let config: AppConfig;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
    return 1;
  }
  const refusal = command.refuse?.(config) ?? null;
  if (refusal !== null) {
    process.stderr.write(`${refusal}\n`);
    return 1;
  }
  if (config.mongodb.uri === undefined) {
    process.stderr.write(`${command.needsMongo}\n`);
    return 1;
  }
  const stores = await createMongoStores({ uri: config.mongodb.uri, dbName: config.mongodb.dbName, indexes: 'manual', logger: { info: () => undefined, warn: () => undefined } });
  try {
    return await command.run(config, stores);
  } finally {
    await stores.close();
  }
}

/** Runs the command and exits the process with its code. */
export function runMongoCommand(command: MongoCommand): void {
  exitCodeOf(command).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${command.name}: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
