/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Type checking is done once by `npm run typecheck`; per-file transpilation keeps jest fast.
  transform: { '^.+\\.ts$': 'ts-jest' },
  testTimeout: 30000,
  // Each run gets its own temp folder and fails if a test leaves a process or a file behind.
  globalSetup: '<rootDir>/test/leaks/setup.js',
  globalTeardown: '<rootDir>/test/leaks/teardown.js',
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
};
