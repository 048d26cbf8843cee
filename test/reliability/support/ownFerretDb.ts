// A FerretDB of the check's own (scripts/ferretdb.sh start), so killing it cannot break the MongoDB every other
// suite shares: SIGKILL it, then bring it back on the same port and data directory as if the server restarted.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseAssignments } from '../../support/globalSetup';

const run = promisify(execFile);
const SCRIPT = path.resolve(__dirname, '../../../scripts/ferretdb.sh');

export interface OwnFerretDb {
  readonly uri: string;
  /** SIGKILL: no shutdown, connections dropped mid-operation. */
  kill(): void;
  /** Starts it again on the same port and data; resolves when it accepts connections. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startOwnFerretDb(): Promise<OwnFerretDb> {
  const { stdout } = await run('bash', [SCRIPT, 'start', '--owner-pid', String(process.pid)], { timeout: 60_000 });
  const { FERRETDB_PID: firstPid, FERRETDB_DIR: dir, FERRETDB_PORT: port, MONGODB_URI: uri } = parseAssignments(stdout);
  if (!firstPid || !dir || !port || !uri) throw new Error(`unexpected output from scripts/ferretdb.sh start: ${stdout.trim()}`);
  const bin = (await run('bash', [SCRIPT, 'locate'])).stdout.trim();
  let pid = Number(firstPid);
  let restarted: ChildProcess | undefined;
  return {
    uri,
    kill: () => process.kill(pid, 'SIGKILL'),
    async restart() {
      restarted = spawn(bin, ['--handler=sqlite', `--sqlite-url=file:${dir}/`, `--listen-addr=127.0.0.1:${port}`, `--state-dir=${dir}`, '--telemetry=disable', '--debug-addr=-'], {
        stdio: 'ignore',
      });
      pid = restarted.pid!;
      for (let waited = 0; waited < 30_000; waited += 100) {
        const open = await new Promise<boolean>((resolve) => {
          const socket = net.connect(Number(port), '127.0.0.1', () => (socket.destroy(), resolve(true)));
          socket.on('error', () => resolve(false));
        });
        if (open) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('FerretDB did not come back within 30 s');
    },
    async stop() {
      await run('bash', [SCRIPT, 'stop', String(pid), dir], { timeout: 30_000 });
    },
  };
}
