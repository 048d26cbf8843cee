// Graceful shutdown, separate from the entry point so it can be tested: stop accepting connections, let in-flight
// requests finish (bounded), stop the background work, then close the stores. Running it twice does the work once.
import type { Server } from 'node:http';
import type { Logger } from './logging/logger';
import type { Stores } from './ports/repositories';

export interface ShutdownDeps {
  readonly server: Pick<Server, 'close' | 'closeIdleConnections' | 'closeAllConnections' | 'listening'>;
  readonly stores: Pick<Stores, 'close'>;
  readonly logger: Logger;
  /** Background work (the job worker) to stop before the stores close; its unfinished jobs stay due for others. */
  readonly background?: { stop(): Promise<void> };
  /** How long in-flight requests get before their connections are cut. */
  readonly timeoutMs?: number;
}

/** Resolves to the process exit code: 0, or 1 when the stores failed to close. */
export type Shutdown = (reason: string) => Promise<number>;

export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;
// Keep-alive sockets that finish a response after close() began would otherwise stay open until they time out.
const IDLE_SWEEP_MS = 100;

export function createShutdown(deps: ShutdownDeps): Shutdown {
  const timeoutMs = deps.timeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
  let running: Promise<number> | undefined;

  const run = async (reason: string): Promise<number> => {
    deps.logger.info('shutting down', { reason, timeoutMs });
    let exitCode = 0;
    const drained = await closeServer(deps.server, timeoutMs);
    if (!drained) {
      // Still a clean exit: the deadline is the policy, and a stuck client must not keep us alive.
      deps.logger.warn('in-flight requests did not finish in time; their connections were closed', { timeoutMs });
    }
    try {
      await deps.background?.stop();
    } catch (err) {
      deps.logger.error('stopping the background jobs failed', { error: err });
    }
    try {
      await deps.stores.close();
    } catch (err) {
      deps.logger.error('closing the stores failed', { error: err });
      exitCode = 1;
    }
    deps.logger.info('shut down', { exitStatus: exitCode });
    return exitCode;
  };

  return (reason) => {
    running ??= run(reason);
    return running;
  };
}

/** Resolves true when every connection ended by itself, false when the deadline forced them closed. */
function closeServer(server: ShutdownDeps['server'], timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve(true);
    let finished = false;
    const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
    const deadline = setTimeout(() => {
      if (finished) return;
      finished = true;
      clearInterval(sweep);
      server.closeAllConnections();
      resolve(false);
    }, timeoutMs);
    // close() stops accepting at once and calls back when the last connection has ended.
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(deadline);
      if (finished) return;
      finished = true;
      resolve(true);
    });
    server.closeIdleConnections();
  });
}
