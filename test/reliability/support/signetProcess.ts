// Signet as its own process (test/reliability/support/runMain.js → the real main()), for the check that kills
// it with SIGKILL: resolves once it logs "listening", with the URL it bound and when that happened.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

export interface SignetProcess {
  readonly url: string;
  readonly startedAt: number;
  readonly listeningAt: number;
  readonly child: ChildProcess;
  kill(): Promise<void>;
}

const RUNNER = path.resolve(__dirname, 'runMain.js');

export function startSignetProcess(env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<SignetProcess> {
  const startedAt = Date.now();
  const child = spawn(process.execPath, [RUNNER], { env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  const stderr: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => void (stderr.length < 50 && stderr.push(chunk.toString('utf8'))));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void kill();
      reject(new Error(`Signet did not log "listening" within ${timeoutMs} ms: ${stderr.join('').slice(0, 2000)}`));
    }, timeoutMs);
    const early = (code: number | null, signal: NodeJS.Signals | null): void => {
      clearTimeout(timer);
      reject(new Error(`Signet exited (${code ?? signal}) before listening: ${stderr.join('').slice(0, 2000)}`));
    };
    child.once('exit', early);
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      let entry: { msg?: unknown; url?: unknown };
      try {
        entry = JSON.parse(line) as { msg?: unknown; url?: unknown };
      } catch {
        return;
      }
      if (entry.msg === 'listening' && typeof entry.url === 'string') {
        clearTimeout(timer);
        child.off('exit', early);
        resolve({ url: entry.url, startedAt, listeningAt: Date.now(), child, kill });
      }
    });
  });
}
