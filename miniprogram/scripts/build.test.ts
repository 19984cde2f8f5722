/**
 * The build produces a project WeChat DevTools can load: every page of app.json complete, page
 * JSON with `usingComponents` (required for pages built with Component), every component and
 * every `require` resolvable inside the mini-program root, shared code bundled into core.js.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMiniProgram, MINIPROGRAM_DIR } from './build';

let dist: string;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

function json(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

beforeAll(async () => {
  dist = mkdtempSync(join(tmpdir(), 'campus-chat-build-'));
  await buildMiniProgram(dist);
});

afterAll(() => {
  rmSync(dist, { recursive: true, force: true });
});

describe('mini-program build', () => {
  it('emits every page of app.json with its four files and usingComponents', () => {
    // Act
    const pages = json(join(dist, 'app.json')).pages as string[];

    // Assess
    expect(pages.length).toBeGreaterThanOrEqual(4);
    for (const page of pages) {
      for (const ext of ['.js', '.json', '.wxml', '.wxss']) {
        expect(existsSync(join(dist, `${page}${ext}`)), `${page}${ext}`).toBe(true);
      }
      expect(json(join(dist, `${page}.json`)).usingComponents, page).toBeTypeOf('object');
    }
    expect(existsSync(join(dist, json(join(dist, 'app.json')).sitemapLocation as string))).toBe(
      true,
    );
    const project = json(join(MINIPROGRAM_DIR, 'project.config.json'));
    expect(project.miniprogramRoot).toBe('dist/');
  });

  it('resolves every component and every require inside the mini-program root', () => {
    // Prepare
    const scripts = files(dist).filter((f) => f.endsWith('.js'));
    const jsons = files(dist).filter((f) => f.endsWith('.json'));

    // Act
    const requires = scripts.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/require\("([^"]+)"\)/g)].map((m) => ({
        file,
        target: m[1] as string,
      })),
    );
    const components = jsons.flatMap((file) =>
      Object.values((json(file).usingComponents ?? {}) as Record<string, string>).map((c) => ({
        file,
        target: c,
      })),
    );

    // Assess
    expect(requires.length).toBeGreaterThan(10);
    for (const { file, target } of requires) {
      const path = resolve(dirname(file), target);
      expect(relative(dist, path).startsWith('..'), `${file} requires ${target}`).toBe(false);
      expect(existsSync(`${path}.js`), `${file} requires ${target}`).toBe(true);
    }
    for (const { file, target } of components) {
      const base = target.startsWith('/') ? join(dist, target) : resolve(dirname(file), target);
      expect(existsSync(`${base}.js`) && existsSync(`${base}.json`), target).toBe(true);
    }
    // No test file ships, and the shared core is one bundle with the protocol schemas inside.
    expect(files(dist).some((f) => f.includes('.test.'))).toBe(false);
    expect(readFileSync(join(dist, 'core.js'), 'utf8')).toContain('sendmessage');
  });

  it('supports dark mode: every @variable of app.json and the pages has a light and a dark value', () => {
    // Prepare
    const app = json(join(dist, 'app.json'));
    const theme = json(join(dist, app.themeLocation as string)) as Record<
      'light' | 'dark',
      Record<string, string>
    >;
    const pages = (app.pages as string[]).map((p) => json(join(dist, `${p}.json`)));

    // Act
    const used = [app.window, ...pages].flatMap((config) =>
      Object.values((config ?? {}) as Record<string, unknown>).flatMap((value) =>
        typeof value === 'string' && value.startsWith('@') ? [value.slice(1)] : [],
      ),
    );

    // Assess
    expect(app.darkmode).toBe(true);
    expect(used.length).toBeGreaterThanOrEqual(3);
    for (const name of used) {
      expect([name, typeof theme.light[name], typeof theme.dark[name]]).toEqual([
        name,
        'string',
        'string',
      ]);
    }
    expect(readFileSync(join(dist, 'app.wxss'), 'utf8')).toMatch(/prefers-color-scheme: dark/);
  });

  it('gives the chat textarea a send key and keyboard-aware props', () => {
    // Act
    const wxml = readFileSync(join(dist, 'pages/chat/index.wxml'), 'utf8');
    const textarea = /<textarea[\s\S]*?\/>/.exec(wxml)?.[0] ?? '';

    // Assess
    expect(textarea).toContain('confirm-type="send"');
    expect(textarea).toContain('bindconfirm="onSend"');
    expect(textarea).toContain('adjust-position="{{true}}"');
    expect(textarea).toMatch(/cursor-spacing="\{\{\d+\}\}"/);
    expect(textarea).toContain('show-confirm-bar="{{false}}"');
  });
});
