/**
 * Builds the browser console with esbuild: `console/src/main.ts` (with the shared client core and
 * the protocol schemas) and its CSS become `assets/app-<hash>.js` and `assets/app-<hash>.css`;
 * `index.html` gets their names; `config.json` (server URLs) is copied. The result is a static
 * site: `npm start` serves it from memory, and `npm run build:console` writes it to
 * `console/dist/` for static hosting. The whole page must stay under 60 KB gzipped; the build
 * reports the size and fails beyond it.
 *
 *   npm run build:console                # console/dist/
 *   npm run build:console -- --out /tmp/site
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
export const CONSOLE_DIR = resolve(here, '..');
export const DEFAULT_OUT_DIR = join(CONSOLE_DIR, 'dist');
/** The page budget: everything a first visit downloads (HTML, JS, CSS, config), gzipped. */
export const PAGE_BUDGET_GZIP_BYTES = 60 * 1024;

/** Browsers of the last few years: ES2020 syntax, no polyfills. */
const TARGET = ['chrome100', 'edge100', 'firefox100', 'safari15'];

export interface BuiltFile {
  /** Relative path inside the site, `/`-separated (`index.html`, `assets/app-X.js`). */
  readonly path: string;
  readonly contents: Uint8Array;
  readonly bytes: number;
  readonly gzipBytes: number;
}

export interface ConsoleBuild {
  readonly files: readonly BuiltFile[];
  /** Sum of the gzipped sizes of every file of the page. */
  readonly pageGzipBytes: number;
}

function file(path: string, contents: Uint8Array): BuiltFile {
  return {
    path,
    contents,
    bytes: contents.byteLength,
    gzipBytes: gzipSync(contents, { level: 9 }).byteLength,
  };
}

/**
 * Builds the console in memory; with `outDir`, also replaces that folder with the site. Fails
 * when the page is over the budget.
 */
export async function buildConsole(options: { outDir?: string } = {}): Promise<ConsoleBuild> {
  // esbuild needs an output folder to name files; nothing is written there (write: false).
  const root = options.outDir ?? DEFAULT_OUT_DIR;
  const result = await build({
    entryPoints: { app: join(CONSOLE_DIR, 'src', 'main.ts') },
    outdir: join(root, 'assets'),
    entryNames: '[name]-[hash]',
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: TARGET,
    minify: true,
    legalComments: 'none',
    charset: 'utf8',
    write: false,
    logLevel: 'warning',
  });
  const assets = result.outputFiles.map((output) =>
    file(relative(root, output.path).split(sep).join('/'), output.contents),
  );
  const script = assets.find((a) => a.path.endsWith('.js'));
  const styles = assets.find((a) => a.path.endsWith('.css'));
  if (!script || !styles) throw new Error('the console build produced no script or no styles');
  const template = readFileSync(join(CONSOLE_DIR, 'index.html'), 'utf8');
  const html = template
    .replace('"./assets/app.css"', `"./${styles.path}"`)
    .replace('"./assets/app.js"', `"./${script.path}"`);
  if (html.includes('./assets/app.')) throw new Error('index.html does not name the built assets');
  const files = [
    file('index.html', new TextEncoder().encode(html)),
    file('config.json', readFileSync(join(CONSOLE_DIR, 'config.json'))),
    ...assets,
  ];
  const pageGzipBytes = files.reduce((sum, f) => sum + f.gzipBytes, 0);
  if (pageGzipBytes > PAGE_BUDGET_GZIP_BYTES) {
    throw new Error(
      `the console page is ${kb(pageGzipBytes)} gzipped, over its budget of ${kb(PAGE_BUDGET_GZIP_BYTES)}`,
    );
  }
  if (options.outDir !== undefined) {
    rmSync(options.outDir, { recursive: true, force: true });
    for (const f of files) {
      const target = join(options.outDir, f.path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, f.contents);
    }
  }
  return { files, pageGzipBytes };
}

/** `12.3 KB`. */
export function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

/** The size report the build prints. */
export function sizeReport(site: ConsoleBuild): string {
  const width = Math.max(...site.files.map((f) => f.path.length));
  const lines = site.files.map(
    (f) =>
      `  ${f.path.padEnd(width)}  ${kb(f.bytes).padStart(9)}  ${kb(f.gzipBytes).padStart(9)} gz`,
  );
  return [
    ...lines,
    `  page: ${kb(site.pageGzipBytes)} gzipped (budget ${kb(PAGE_BUDGET_GZIP_BYTES)})`,
  ].join('\n');
}

async function main(): Promise<void> {
  const outIndex = process.argv.indexOf('--out');
  const outDir = outIndex > 0 ? resolve(process.argv[outIndex + 1] ?? '') : DEFAULT_OUT_DIR;
  const site = await buildConsole({ outDir });
  console.log(`built ${relative(process.cwd(), outDir) || '.'}/\n${sizeReport(site)}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error((error as Error).message);
    process.exit(1);
  });
}
