/**
 * Two projects: `unit` needs nothing but Node; `integration` shares one real Temporal dev server that
 * test/harness/global-setup.ts starts once for the whole run (see test/harness/README in the code).
 */
const transform = {
  '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }],
  // ES-module-only packages, turned into CommonJS for jest's loader (Node itself loads them with require(esm)):
  // @noble/* (the workflow verifies signatures with them), openid-client and its two dependencies (`cuo login`).
  '^.+/node_modules/(@noble|openid-client|oauth4webapi|jose)/.+\\.js$': [
    '@swc/jest',
    { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } },
  ],
};
const transformIgnorePatterns = ['/node_modules/(?!(@noble|openid-client|oauth4webapi|jose)/)'];

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
    },
    {
      // Adapters against real local counterparts: git repositories in temp folders, HTTP(S), SMTP and webhook
      // servers on loopback. No Temporal server needed.
      displayName: 'adapters',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      testMatch: ['<rootDir>/test/adapters/**/*.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/harness/timeouts.ts'],
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/harness/global-setup.ts',
      globalTeardown: '<rootDir>/test/harness/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/harness/timeouts.ts'],
    },
  ],
};
