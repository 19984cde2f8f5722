/**
 * How a handler is bundled for Lambda, declared once: the CDK stack (handler-function.ts) builds
 * with these settings and the benchmark (bench/cold-start/) measures bundles built the same way.
 * No CDK import here, so the benchmark can read it cheaply.
 */

/** esbuild target matching the Lambda runtime (Node.js 24). */
export const BUNDLE_TARGET = 'node24';

/**
 * Prepended to every bundle. esbuild's ESM output cannot `require()`; a CommonJS dependency that
 * requires a Node.js built-in would fail at run time with "Dynamic require of ... is not
 * supported". Defining `require` from `createRequire` makes those calls work.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/**
 * Left out of the bundle: the Lambda runtime provides the AWS SDK v3 (docs/deploy.md says why).
 */
export const RUNTIME_PROVIDED_MODULES = ['@aws-sdk/*'];
