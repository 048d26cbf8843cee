// What the bench's two profilers share: an in-thread inspector session that starts on the bench's SIGUSR2 (sent
// after warm-up, so only the measured rounds are profiled) and writes its result when the process exits.
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';

export interface SignalProfiler {
  /** Starts profiling on `session`. */
  start(session: Session): void;
  /** Stops it and hands the profile to `done`. */
  stop(session: Session, done: (profile: unknown) => void): void;
}

export function profileOnSignal(file: string, profiler: SignalProfiler): void {
  const session = new Session();
  session.connect();
  let started = false;
  process.on('SIGUSR2', () => {
    if (started) return;
    started = true;
    profiler.start(session);
  });
  process.on('exit', () => {
    if (!started) return;
    // The in-thread session answers synchronously, so the profile is written before the process ends.
    profiler.stop(session, (profile) => writeFileSync(file, JSON.stringify(profile)));
  });
}
