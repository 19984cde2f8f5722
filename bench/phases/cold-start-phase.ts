/** Bundle sizes and module-initialisation times of every Lambda handler, both SDK variants. */
import { bundleHandlers, handlerMemoryMb, lambdaHandlers } from '../cold-start/bundle';
import { measureInit } from '../cold-start/init-time';
import type { BenchReport, ColdStartEntry } from '../report/report-types';

export async function coldStartPhase(
  bundleDir: string,
  runs: number,
  log: (line: string) => void,
): Promise<BenchReport['coldStart']> {
  log('cold start: bundling every handler with esbuild');
  const bundles = await bundleHandlers(lambdaHandlers(), bundleDir);
  const entries: ColdStartEntry[] = [];
  log(`cold start: ${runs} fresh-process imports of each of ${bundles.length} bundles`);
  for (const bundle of bundles) {
    const { medianMs } = await measureInit(bundle.file, runs);
    entries.push({
      handler: bundle.handler,
      variant: bundle.variant,
      bytes: bundle.bytes,
      gzipBytes: bundle.gzipBytes,
      initMedianMs: medianMs,
      memoryMb: handlerMemoryMb(bundle.handler),
    });
  }
  return { runs, entries };
}
