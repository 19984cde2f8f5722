import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'functions/**/*.test.ts',
      'local/**/*.test.ts',
      'test/**/*.test.ts',
      'client/**/*.test.ts',
      'miniprogram/**/*.test.ts',
      'infra/**/*.test.ts',
      'console/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**', 'miniprogram/dist/**', 'console/dist/**'],
    // One DynamoDB Local for the whole run; every test file gets its own tables.
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 90_000,
    env: {
      LOG_LEVEL: 'SILENT',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  },
});
