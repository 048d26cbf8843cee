// A sampling allocation profile of one bench server, for `BENCH_SIGNET_NODE_OPTIONS="--require …/allocationProbe.js"`
// with `--profile DIR`: sampling starts on the bench's SIGUSR2 (after warm-up) and keeps objects that young and old
// GCs collected, so short-lived per-request garbage shows (`--heap-prof` keeps only live objects). Written to
// on exit next to the CPU profile (BENCH_PROFILE, .heapprofile); `node dist/scripts/bench/allocationTop.js FILE` sums it.
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';

const file = (process.env['BENCH_PROFILE'] ?? 'signet.cpuprofile').replace(/\.cpuprofile$/, '') + '.heapprofile';
const session = new Session();
session.connect();
let started = false;
process.on('SIGUSR2', () => {
  if (started) return;
  started = true;
  session.post('HeapProfiler.enable', () =>
    session.post('HeapProfiler.startSampling', {
      samplingInterval: 4096,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    } as object),
  );
});
process.on('exit', () => {
  if (!started) return;
  // The in-thread session answers synchronously, so the profile is written before the process ends.
  session.post('HeapProfiler.stopSampling', (error, result) => {
    if (!error) writeFileSync(file, JSON.stringify(result.profile));
  });
});
