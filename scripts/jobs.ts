// Entry point of `npm run jobs`: connects to the configured MongoDB and lists jobs by status. The in-memory queue
// lives inside the running server, out of this process's reach; its dead jobs are in the server's log.
import { createMongoJobQueue } from '../src/stores/mongoJobQueue';
import { runJobsCommand } from './jobsCommand';
import { runMongoCommand } from './mongoCli';

runMongoCommand({
  name: 'jobs',
  needsMongo: 'The job queue is kept in MongoDB: set MONGODB_URI. (With the in-memory store, dead jobs are logged as "job dead".)',
  run: (_config, stores) => runJobsCommand(process.argv.slice(2), { queue: createMongoJobQueue(stores.db), out: (line) => process.stdout.write(`${line}\n`) }),
});
