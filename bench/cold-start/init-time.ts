/**
 * Module-initialisation time of a bundled handler in a fresh Node process: the time `import()`
 * of the bundle takes (module-scope code included: configuration, SDK clients, logger), the part
 * of a Lambda cold start our code controls. Runs one process at a time; the median is reported.
 */
import { execFile } from 'node:child_process';
import { pathToFileURL } from 'node:url';

const PROBE = `
const url = process.env.BENCH_BUNDLE_URL;
const started = performance.now();
const module = await import(url);
const ms = performance.now() - started;
if (typeof module.handler !== 'function') throw new Error('no handler export');
process.stdout.write(JSON.stringify({ ms }));
`;

function runOnce(file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', PROBE],
      {
        env: {
          PATH: process.env.PATH ?? '',
          AWS_REGION: 'us-east-1',
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          TABLE_PREFIX: 'bench-',
          BENCH_BUNDLE_URL: pathToFileURL(file).href,
        },
        timeout: 30_000,
      },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`${file}: ${stderr || error.message}`));
        resolve((JSON.parse(stdout) as { ms: number }).ms);
      },
    );
  });
}

/** Median (and the runs) of `runs` fresh-process imports of `file`. */
export async function measureInit(
  file: string,
  runs: number,
): Promise<{ medianMs: number; runs: number[] }> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await runOnce(file));
  const sorted = [...times].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2
      ? (sorted[mid] as number)
      : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { medianMs: median, runs: times };
}
