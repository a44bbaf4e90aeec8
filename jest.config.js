// Three tiers (DESIGN.md, README "Tests"): unit specs beside the code, integration specs
// against the real broker and database, end-to-end specs that run the apps as processes.
const base = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json', diagnostics: false }] },
  moduleNameMapper: {
    '^@streamgate/(.*)$': '<rootDir>/libs/$1/src/index.ts',
    // kafkajs's aborted-record filter, fixed (libs/kafka/src/kafkajs-preload.ts does this outside Jest).
    '^\\./filterAbortedMessages$': '<rootDir>/libs/kafka/src/kafkajs-aborted-filter.ts',
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  rootDir: __dirname,
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.cache/', '/.local/'],
};
const withStack = {
  globalSetup: '<rootDir>/libs/dev-stack/src/jest-global-setup.ts',
  globalTeardown: '<rootDir>/libs/dev-stack/src/jest-global-teardown.ts',
};

module.exports = {
  maxWorkers: 2,
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,tools}/**/*.spec.ts'] },
    {
      ...base,
      ...withStack,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs,tools}/**/*.int-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/libs/testing/src/timeouts/integration.ts'],
    },
    {
      ...base,
      ...withStack,
      displayName: 'e2e',
      testMatch: ['<rootDir>/apps/e2e/src/**/*.e2e-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/libs/testing/src/timeouts/e2e.ts'],
    },
  ],
};
