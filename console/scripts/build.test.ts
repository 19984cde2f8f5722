/**
 * The console build: a static site whose index.html names the hashed assets it ships, with the
 * server URLs in config.json, the whole page under its 60 KB gzipped budget, and no API in the
 * bundle that parses strings as HTML.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConsole, type ConsoleBuild, PAGE_BUDGET_GZIP_BYTES, sizeReport } from './build';

let out: string;
let site: ConsoleBuild;

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'campus-chat-console-'));
  site = await buildConsole({ outDir: out });
});

afterAll(() => {
  rmSync(out, { recursive: true, force: true });
});

describe('console build', () => {
  it('writes index.html naming its hashed script and styles, and config.json', () => {
    // Act
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    const referenced = [...html.matchAll(/(?:src|href)="\.\/(assets\/[^"]+)"/g)].map((m) => m[1]);

    // Assess
    expect(referenced).toHaveLength(2);
    for (const asset of referenced) {
      expect(asset).toMatch(/^assets\/app-[A-Z0-9]{8}\.(js|css)$/);
      expect(existsSync(join(out, asset as string)), asset).toBe(true);
    }
    expect(html).toMatch(/<html lang="zh-CN">/);
    expect(html).toContain('Content-Security-Policy');
    expect(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'))).toEqual({
      websocketUrl: '/local',
      loginUrl: '/login',
    });
    expect(site.files.map((f) => f.path).sort()).toEqual(
      ['config.json', 'index.html', ...(referenced as string[])].sort(),
    );
  });

  it('reports the gzipped page size and keeps it within the 60 KB budget', () => {
    // Act
    const measured = site.files.reduce(
      (sum, f) => sum + gzipSync(readFileSync(join(out, f.path)), { level: 9 }).byteLength,
      0,
    );
    const report = sizeReport(site);

    // Assess
    expect(site.pageGzipBytes).toBe(measured);
    expect(site.pageGzipBytes).toBeLessThanOrEqual(PAGE_BUDGET_GZIP_BYTES);
    expect(PAGE_BUDGET_GZIP_BYTES).toBe(60 * 1024);
    expect(report).toMatch(/page: \d+\.\d KB gzipped \(budget 60\.0 KB\)/);
  });

  it('bundles the shared client core and nothing that turns text into markup', () => {
    // Act
    const script = site.files.find((f) => f.path.endsWith('.js'));
    const code = new TextDecoder().decode(script?.contents);

    // Assess
    expect(code).toContain('sendmessage');
    for (const sink of ['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'document.write']) {
      expect(code, sink).not.toContain(sink);
    }
  });
});
