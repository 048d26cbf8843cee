// A sampling allocation profile of one bench server, for `BENCH_SIGNET_NODE_OPTIONS="--require …/allocationProbe.js"`
// with `--profile DIR`: sampling starts on the bench's SIGUSR2 (after warm-up) and keeps objects that young and old
// GCs collected, so short-lived per-request garbage shows (`--heap-prof` keeps only live objects). Written to
// on exit next to the CPU profile (BENCH_PROFILE, .heapprofile); `node dist/scripts/bench/allocationTop.js FILE` sums it.
import { profileOnSignal } from './profileOnSignal';

const file = (process.env['BENCH_PROFILE'] ?? 'signet.cpuprofile').replace(/\.cpuprofile$/, '') + '.heapprofile';
profileOnSignal(file, {
  start: (session) =>
    session.post('HeapProfiler.enable', () =>
      session.post('HeapProfiler.startSampling', {
        samplingInterval: 4096,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      } as object),
    ),
  stop: (session, done) =>
    session.post('HeapProfiler.stopSampling', (error, result) => {
      if (!error) done(result.profile);
    }),
});
