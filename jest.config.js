// Three layers, one command: unit (pure code), workflow (Temporal's time-skipping test server),
// integration (real PostgreSQL and a real Temporal dev server, through HTTP).
const transform = { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }] };
// The generated Prisma client imports its siblings as `./x.js` (ESM style) while they are `.ts`.
const moduleNameMapper = { '^(\\.{1,2}/.*)\\.js$': '$1' };
// The tools folder holds the Temporal server's Go module cache (thousands of files, some named
// *.snap): jest must neither crawl it nor report its files as obsolete snapshots.
const modulePathIgnorePatterns = ['<rootDir>/.tools/', '<rootDir>/.data/'];
const common = { transform, moduleNameMapper, modulePathIgnorePatterns, testEnvironment: 'node' };

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    { displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'], ...common },
    {
      displayName: 'workflow',
      testMatch: ['<rootDir>/test/workflow/**/*.test.ts'],
      ...common,
      globalSetup: '<rootDir>/test/workflow/global-setup.ts',
    },
    {
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      ...common,
      globalSetup: '<rootDir>/test/integration/global-setup.ts',
      globalTeardown: '<rootDir>/test/integration/global-teardown.ts',
    },
  ],
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  testTimeout: 60_000,
  // The Temporal SDK's native runtime can hold handles after its last worker stops; exit once the
  // run (and the global teardowns) are done rather than hang.
  forceExit: true,
};
