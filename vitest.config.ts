import { defineConfig } from 'vitest/config';

const artifacts = ['**/node_modules/**', 'miniprogram/dist/**', 'console/dist/**', 'bench/.out/**'];

export default defineConfig({
  test: {
    exclude: artifacts,
    // One DynamoDB Local for the whole run; every test file gets its own tables.
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 90_000,
    env: {
      LOG_LEVEL: 'SILENT',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    projects: [
      {
        extends: true,
        test: {
          name: 'campus-chat',
          include: [
            'functions/**/*.test.ts',
            'protocol/**/*.test.ts',
            'local/**/*.test.ts',
            'test/**/*.test.ts',
            'client/**/*.test.ts',
            'miniprogram/**/*.test.ts',
            'infra/**/*.test.ts',
            'console/**/*.test.ts',
            'bench/**/*.test.ts',
          ],
          exclude: [...artifacts, 'bench/bench.test.ts', 'bench/load/load.test.ts'],
        },
      },
      {
        // The bench smoke run loads the machine for a while: it runs after everything else, so
        // timing-sensitive tests never share the cores with it.
        extends: true,
        test: {
          name: 'bench',
          include: ['bench/bench.test.ts', 'bench/load/load.test.ts'],
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
