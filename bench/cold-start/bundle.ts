/**
 * Bundles each Lambda handler the way CDK's NodejsFunction does for a Node.js 22 ESM function:
 * esbuild with the stack's settings (infra/lib/bundle-settings.ts), minify, ESM, platform node, `module` before `main`. Two
 * variants: `@aws-sdk/*` external (NodejsFunction's default on Node 18+: the runtime provides
 * SDK v3) and bundled (pinned SDK inside the zip).
 */
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { LOGIN_ROUTE, ROUTES } from '../../functions/routes';
import {
  BUNDLE_TARGET,
  ESM_REQUIRE_BANNER,
  RUNTIME_PROVIDED_MODULES,
} from '../../infra/lib/bundle-settings';

export type BundleVariant = 'sdk-external' | 'sdk-bundled';

export interface BundleResult {
  readonly handler: string;
  readonly variant: BundleVariant;
  readonly file: string;
  readonly bytes: number;
  readonly gzipBytes: number;
}

/** Every handler that becomes a Lambda function: the lambda routes and login. */
export function lambdaHandlers(): string[] {
  const names = ROUTES.flatMap((r) =>
    r.integration.kind === 'lambda' ? [r.integration.handler] : [],
  );
  return [...new Set([...names, LOGIN_ROUTE.handler])];
}

/** Memory configured for a handler's function, MB (functions/routes.ts). */
export function handlerMemoryMb(handler: string): number {
  if (handler === LOGIN_ROUTE.handler) return LOGIN_ROUTE.memoryMb;
  for (const route of ROUTES) {
    if (route.integration.kind === 'lambda' && route.integration.handler === handler) {
      return route.integration.memoryMb;
    }
  }
  throw new Error(`no route for handler ${handler}`);
}

const HANDLERS_DIR = fileURLToPath(new URL('../../functions/handlers/', import.meta.url));

/**
 * Bundles `handlers` in both variants under `outDir`, which must be inside the repository: the
 * SDK-external bundles import `@aws-sdk/*` from its node_modules, as on Lambda from the runtime.
 */
export async function bundleHandlers(
  handlers: readonly string[],
  outDir: string,
): Promise<BundleResult[]> {
  const results: BundleResult[] = [];
  for (const variant of ['sdk-external', 'sdk-bundled'] as const) {
    const dir = join(outDir, variant);
    mkdirSync(dir, { recursive: true });
    for (const handler of handlers) {
      const file = join(dir, `${handler}.mjs`);
      await build({
        entryPoints: [join(HANDLERS_DIR, `${handler}.ts`)],
        outfile: file,
        bundle: true,
        minify: true,
        format: 'esm',
        platform: 'node',
        target: BUNDLE_TARGET,
        banner: { js: ESM_REQUIRE_BANNER },
        mainFields: ['module', 'main'],
        external: variant === 'sdk-external' ? [...RUNTIME_PROVIDED_MODULES] : [],
        logLevel: 'silent',
      });
      results.push({
        handler,
        variant,
        file,
        bytes: statSync(file).size,
        gzipBytes: gzipSync(readFileSync(file)).byteLength,
      });
    }
  }
  return results;
}
