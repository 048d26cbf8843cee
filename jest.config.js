// Jest runs the TypeScript tests through ts-jest (transpile only; `npm test` type-checks first with tsc).
// otplib's default plugins depend on ESM-only packages (@scure/base, @noble/hashes), which Node 20 can require
// but Jest's module system cannot, so those two are transpiled to CommonJS as well.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
    '^.+/node_modules/(@scure|@noble)/.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs', target: 'ES2022', isolatedModules: true } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(@scure|@noble)/)'],
  globalSetup: '<rootDir>/test/support/globalSetup.ts',
  globalTeardown: '<rootDir>/test/support/globalTeardown.ts',
  testTimeout: 30000,
  // A handle a test forgets must never hang CI past its limit; the suites close what they open.
  forceExit: true,
};
