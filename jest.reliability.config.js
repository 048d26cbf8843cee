// The reliability suite (npm run test:reliability): concurrency, malformed input, a MongoDB outage and a crash,
// each printing its figure. Kept out of `npm test` (its own roots); shares the transform and MongoDB set-up.
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/test/reliability'],
  testMatch: ['**/*.reliability.ts'],
  // One suite at a time: the checks measure the machine (RSS, concurrency), and CI has two cores.
  maxWorkers: 1,
  // The outage check alone holds MongoDB down for 30 s.
  testTimeout: 180_000,
};
