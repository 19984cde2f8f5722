// Lint rules for every TypeScript file. Formatting belongs to Prettier (.prettierrc.json).
import js from '@eslint/js';
import vitest from '@vitest/eslint-plugin';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'cdk.out/',
      '.data/',
      'dist/',
      'miniprogram/dist/',
      'console/dist/',
      'bench/.out/',
      'test-results/',
      'coverage/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The browser console runs in browsers, not on Node.
    files: ['console/src/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts'],
    plugins: { vitest },
    rules: {
      // A focused or skipped test silently drops the rest of the suite from CI.
      'vitest/no-focused-tests': 'error',
      'vitest/no-disabled-tests': 'error',
      'vitest/expect-expect': [
        'error',
        {
          // CDK's Template assertions throw when they fail.
          assertFunctionNames: [
            'expect',
            'expect*',
            '**.hasResourceProperties',
            '**.hasResource',
            '**.resourceCountIs',
            '**.hasOutput',
          ],
        },
      ],
    },
  },
);
