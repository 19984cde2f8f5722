/**
 * `npm run bench:load` still runs and writes a well-formed report. Smoke sizes, against the test
 * run's DynamoDB Local; this asserts the report's structure and the invariant, never its timings.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LOAD_SIZES } from './load-options';
import { renderLoadMarkdown } from './load-report';
import { type LoadReport, runLoad } from './load-runner';

let dir: string;
let report: LoadReport;
let markdown: string;

beforeAll(async () => {
  const out = fileURLToPath(new URL('../.out/', import.meta.url));
  mkdirSync(out, { recursive: true });
  dir = mkdtempSync(join(out, 'load-test-'));
  report = await runLoad({
    sizes: LOAD_SIZES.smoke,
    outDir: dir,
    dynamodbEndpoint: inject('dynamodbEndpoint'),
    command: 'npm run bench:load -- --smoke',
    log: () => undefined,
  });
  writeFileSync(join(dir, 'load.md'), renderLoadMarkdown(report));
  markdown = readFileSync(join(dir, 'load.md'), 'utf8');
}, 180_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('npm run bench:load (smoke sizes)', () => {
  it('connects every user and measures both phases', () => {
    const sizes = LOAD_SIZES.smoke;
    expect(report.connect.users).toBe(sizes.users);
    expect(report.connectionsHeld).toBe(sizes.users);
    expect(report.mix).toEqual({
      desk: sizes.admins,
      room: sizes.rooms * sizes.roomMembers,
      chatter: sizes.chatters,
      idle: sizes.users - sizes.admins - sizes.rooms * sizes.roomMembers - sizes.chatters,
    });
    expect(report.phases.map((p) => p.name)).toEqual(['baseline', 'flood']);
    for (const phase of report.phases) {
      expect(phase.latency.count).toBeGreaterThan(0);
      expect(Number.isFinite(phase.latency.p99)).toBe(true);
      expect(Object.keys(phase.dynamodb)).toContain('TransactWriteItems');
    }
    expect(report.flood.framesSent).toBeGreaterThan(0);
    expect(report.flood.acks + report.flood.rateLimited).toBeGreaterThan(0);
    expect(Number.isFinite(report.memory.rssPerConnectionKiB)).toBe(true);
  });

  it('checks the invariant at the end, and it holds', () => {
    expect(report.invariant.clientViews).toBe(LOAD_SIZES.smoke.users);
    expect(report.invariant.messages).toBeGreaterThan(0);
    expect(report.invariant.violations).toEqual([]);
  });

  it('writes load.md with its provenance, sections and well-formed tables', () => {
    for (const heading of [
      '# Load',
      '## The mix',
      '## Figures',
      '## Flood bound',
      '## Invariant',
    ]) {
      expect(markdown).toContain(heading);
    }
    expect(markdown).toContain('`npm run bench:load -- --smoke`');
    expect(markdown).toMatch(/\| date +\| \d{4}-\d{2}-\d{2}T/);
    const rows = markdown.split('\n').filter((line) => line.startsWith('|'));
    expect(rows.length).toBeGreaterThan(20);
    let width = -1;
    for (const line of markdown.split('\n')) {
      if (!line.startsWith('|')) {
        width = -1;
        continue;
      }
      const cells = line.slice(1, -1).split(/(?<!\\)\|/).length;
      if (width < 0) width = cells;
      expect(cells).toBe(width);
    }
  });
});
