/**
 * Builds what WeChat DevTools loads (`miniprogram/dist/`, the `miniprogramRoot`) from
 * `miniprogram/src/`:
 *
 * - `src/core.ts` — the shared TypeScript (client/ and protocol/, with valibot) — is
 *   bundled into one CommonJS file, `dist/core.js`, because a mini-program can only `require`
 *   files inside its own root;
 * - every other `.ts` file is compiled one-to-one to CommonJS `.js` beside its page, so pages,
 *   components and services stay separate modules that `require('../../core')` at run time;
 * - `.json`, `.wxml`, `.wxss` and images are copied as they are.
 *
 * Only `core.ts` may import from outside `src/`; the build fails on any other escape, which
 * would otherwise break only at run time inside WeChat.
 *
 *   npm run build:miniprogram            # once
 *   npm run build:miniprogram -- --watch # rebuild on change while DevTools is open
 *   npm run build:miniprogram -- --out /tmp/mp  # elsewhere (the page tests do this)
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, watch } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
export const MINIPROGRAM_DIR = resolve(here, '..');
export const SOURCE_DIR = join(MINIPROGRAM_DIR, 'src');
export const DEFAULT_OUT_DIR = join(MINIPROGRAM_DIR, 'dist');

/** WeChat's JavaScript engines (older iOS JavaScriptCore included) get ES2017 syntax. */
const TARGET = 'es2017';
const CORE_ENTRY = 'core.ts';
const STATIC = ['.json', '.wxml', '.wxss', '.png', '.jpg', '.svg'];

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Import specifiers that survive compilation (type-only imports are erased). */
function runtimeImports(source: string): string[] {
  const specifiers: string[] = [];
  const pattern = /^\s*(import|export)\s+(type\s+)?[^;]*?from\s+['"]([^'"]+)['"]/gm;
  for (const match of source.matchAll(pattern)) {
    if (!match[2] && match[3]) specifiers.push(match[3]);
  }
  for (const match of source.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) {
    if (match[1]) specifiers.push(match[1]);
  }
  return specifiers;
}

function checkImports(file: string): void {
  for (const specifier of runtimeImports(readFileSync(file, 'utf8'))) {
    const target = specifier.startsWith('.') ? resolve(dirname(file), specifier) : undefined;
    if (!target || !(target === SOURCE_DIR || target.startsWith(`${SOURCE_DIR}${sep}`))) {
      throw new Error(
        `${relative(MINIPROGRAM_DIR, file)} imports "${specifier}" from outside src/: ` +
          'import it through src/core.ts, which is bundled',
      );
    }
  }
}

/** Builds the mini-program into `outDir` (default miniprogram/dist). */
export async function buildMiniProgram(outDir = DEFAULT_OUT_DIR): Promise<void> {
  const files = filesUnder(SOURCE_DIR).filter((f) => !f.endsWith('.test.ts'));
  const scripts = files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
  const core = join(SOURCE_DIR, CORE_ENTRY);
  const modules = scripts.filter((f) => f !== core);
  for (const file of modules) checkImports(file);

  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: [core],
    outfile: join(outDir, 'core.js'),
    bundle: true,
    format: 'cjs',
    platform: 'neutral',
    mainFields: ['main', 'module'],
    target: TARGET,
    logLevel: 'warning',
  });
  await build({
    entryPoints: modules,
    outdir: outDir,
    outbase: SOURCE_DIR,
    bundle: false,
    format: 'cjs',
    platform: 'neutral',
    target: TARGET,
    logLevel: 'warning',
  });
  for (const file of files) {
    if (STATIC.some((ext) => file.endsWith(ext))) {
      const target = join(outDir, relative(SOURCE_DIR, file));
      mkdirSync(dirname(target), { recursive: true });
      cpSync(file, target);
    }
  }
}

async function main(): Promise<void> {
  const outIndex = process.argv.indexOf('--out');
  const outDir = outIndex > 0 ? resolve(process.argv[outIndex + 1] ?? '') : DEFAULT_OUT_DIR;
  await buildMiniProgram(outDir);
  console.log(`built ${relative(process.cwd(), outDir)}/ (open miniprogram/ in WeChat DevTools)`);
  if (!process.argv.includes('--watch')) return;
  let timer: NodeJS.Timeout | undefined;
  const rebuild = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      buildMiniProgram(outDir).then(
        () => console.log('rebuilt'),
        (error: unknown) => console.error((error as Error).message),
      );
    }, 100);
  };
  for (const dir of [
    SOURCE_DIR,
    join(MINIPROGRAM_DIR, '..', 'client'),
    join(MINIPROGRAM_DIR, '..', 'protocol'),
  ]) {
    watch(dir, { recursive: true }, rebuild);
  }
  console.log('watching for changes (Ctrl-C stops)');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error((error as Error).message);
    process.exit(1);
  });
}
