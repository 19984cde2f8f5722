/**
 * The bench still runs and writes a well-formed report. Smoke sizes, against the test run's
 * DynamoDB Local; this asserts the report's structure and never its timings (the machine is
 * noisy: figures belong in `npm run bench`, not in a test).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runBench } from './bench-runner';
import { SIZES } from './options';
import type { BenchReport } from './report/report-types';

let dir: string;
let report: BenchReport;
let markdown: string;

beforeAll(async () => {
  // Inside the repository: bundles with the AWS SDK external resolve it from node_modules.
  const out = fileURLToPath(new URL('./.out/', import.meta.url));
  mkdirSync(out, { recursive: true });
  dir = mkdtempSync(join(out, 'test-'));
  const result = await runBench({
    sizes: SIZES.smoke,
    outDir: join(dir, 'docs'),
    scratchDir: join(dir, 'scratch'),
    dynamodbEndpoint: inject('dynamodbEndpoint'),
    command: 'npm run bench -- --smoke',
    log: () => undefined,
  });
  report = result.report;
  markdown = readFileSync(result.markdownFile, 'utf8');
}, 240_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Every markdown table: its header and rows as cell lists. */
function tables(text: string): string[][][] {
  const found: string[][][] = [];
  let current: string[][] | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('|')) {
      const cells = line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim());
      current ??= [];
      current.push(cells);
    } else if (current) {
      found.push(current);
      current = undefined;
    }
  }
  if (current) found.push(current);
  return found;
}

describe('npm run bench (smoke sizes)', () => {
  it('measures every system in every scenario', () => {
    expect(report.latencyByRoomSize.map((s) => s.roomSize)).toEqual([...SIZES.smoke.roomSizes]);
    for (const scenario of report.latencyByRoomSize) {
      expect(scenario.systems.map((s) => s.system)).toEqual(['ours', 'socketio', 'scan']);
    }
    expect(report.scaling.map((s) => s.totalConnections)).toEqual([
      ...SIZES.smoke.totalConnections,
    ]);
    for (const scenario of [...report.latencyByRoomSize, ...report.scaling]) {
      for (const result of scenario.systems) {
        expect(result.latency.count + result.failures).toBeGreaterThan(0);
        expect(Number.isFinite(result.latency.p99)).toBe(true);
        if (result.system !== 'socketio') {
          // Every measured send of a stack system has its DynamoDB work and function duration.
          expect(result.work?.sends).toBe(result.latency.count + result.failures);
          expect(result.work?.requests).toBeGreaterThan(0);
        }
      }
      expect(scenario.systems.find((s) => s.system === 'ours')?.ack?.count).toBeGreaterThan(0);
    }
  });

  it('reports our DynamoDB work per send in the shape the design promises', () => {
    // Structure, not speed: which operations a send makes is fixed by the design. A room send of
    // a member the instance knows (functions/domain/room-send.ts, known-members.ts): the seq
    // counter's UpdateItem, the message transaction, the preview's UpdateItem, and the
    // recipients' Query; no read before the seq.
    const ours = report.scaling.map((s) => s.systems.find((r) => r.system === 'ours'));
    for (const result of ours) {
      expect(Object.keys(result?.work?.operations ?? {}).sort()).toEqual([
        'Query',
        'TransactWriteItems',
        'UpdateItem',
      ]);
      // A connection's first frame reads only its record: the role and block state its $connect
      // read are trusted for the rest of the bound (functions/handlers/caller-cache.ts).
      expect(result?.firstSend?.operations.GetItem).toBe(1);
    }
    const scan = report.scaling.map((s) => s.systems.find((r) => r.system === 'scan'));
    for (const result of scan)
      expect(Object.keys(result?.work?.operations ?? {})).toEqual(['Scan']);
  });

  it('has throughput steps, a CPU profile, heartbeat, cold start and cost figures', () => {
    expect(report.throughput.steps.length).toBeGreaterThan(0);
    expect(report.throughput.profile.areas.length).toBeGreaterThan(0);
    // The handlers run in a thread of their own, profiled beside the gateway's (both busy).
    expect(report.functions).toBe('thread');
    expect(report.throughput.profile.threads.map((t) => t.thread)).toEqual([
      'gateway',
      'functions',
    ]);
    for (const thread of report.throughput.profile.threads)
      expect(thread.busyMs).toBeGreaterThan(0);
    expect(existsSync(join(dir, 'scratch', 'stack-throughput-functions.cpuprofile'))).toBe(true);
    expect(report.throughput.processCpu.map((p) => p.process)).toContain(
      'gateway + handlers (stack process)',
    );
    expect(report.heartbeat.socketio.pingIntervalMs).toBeGreaterThan(0);
    expect(report.heartbeat.detection.deadDetectedMs).toBeGreaterThanOrEqual(
      report.heartbeat.ours.pongTimeoutMs,
    );
    const handlers = new Set(report.coldStart.entries.map((e) => e.handler));
    expect(handlers).toContain('sendmessage');
    expect(report.coldStart.entries).toHaveLength(handlers.size * 2);
    for (const entry of report.coldStart.entries) expect(entry.bytes).toBeGreaterThan(0);
    expect(report.cost.perThousand.length).toBeGreaterThan(0);
    expect(report.cost.userMonthTotal).toBeGreaterThan(0);
    expect(report.goals.length).toBeGreaterThanOrEqual(7);
    for (const goal of report.goals) expect(typeof goal.pass).toBe('boolean');
  });

  it('has the overload curve and the seq-contention scenarios, every message accounted for', () => {
    const { overload } = report.throughput;
    expect(overload.steps.map((s) => s.multiple)).toEqual([...SIZES.smoke.overload.multiples]);
    for (const step of overload.steps) {
      expect(step.offeredRate).toBe(Math.round(overload.baseRate * step.multiple));
      expect(step.sent).toBe(Math.round(step.offeredRate * SIZES.smoke.overload.stepSeconds));
      // Each message typed is acked or failed for good, never lost from the count.
      expect(step.acked + step.failedForGood).toBe(step.sent);
      expect(step.ack.count).toBe(step.acked);
      const answered = Object.entries(step.refusals)
        .filter(([code]) => code !== 'TIMEOUT')
        .reduce((n, [, c]) => n + c, 0);
      expect(step.refusalLatency.count).toBe(answered);
      // DynamoDB's side was counted: a stored message takes at least one write, whatever design.
      expect(step.contention.writeRequests).toBeGreaterThanOrEqual((100 * step.acked) / step.sent);
    }
    const plan = SIZES.smoke.seqConflicts;
    expect(report.seqConflicts.map((c) => [c.members, c.senders])).toEqual(
      plan.scenarios.map((c) => [c.members, c.senders]),
    );
    for (const scenario of report.seqConflicts) {
      expect(scenario.sent).toBe(
        plan.rooms * plan.rounds * Math.min(scenario.senders, scenario.members),
      );
      expect(scenario.acked + scenario.failedForGood).toBe(scenario.sent);
      expect(scenario.attemptsPerMessage).toBeGreaterThanOrEqual(1);
      expect(scenario.contention.writeRequests).toBeGreaterThanOrEqual(
        (100 * scenario.acked) / scenario.sent,
      );
    }
    expect(report.goals.map((g) => g.goal)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Overload/),
        expect.stringMatching(/^Seq conflicts/),
        expect.stringMatching(/^Delivery to a 500-member room/),
        expect.stringMatching(/^Function time per 50-member send/),
      ]),
    );
  });

  it('writes benchmarks.md with its provenance, sections and well-formed tables', () => {
    for (const heading of [
      '# Benchmarks',
      '## Goals',
      '## 1. Delivery latency',
      '## 2. Growing total connections, fixed room',
      '## 3. DynamoDB work per send',
      '## 4. Throughput',
      `### Overload: ${SIZES.smoke.overload.multiples.map((m) => `${m}×`).join(', ')} the sustained rate`,
      '### Seq conflicts by room size and simultaneous senders',
      '## 5. Cost',
      '## 6. Heartbeat',
      '## 7. Cold start',
    ]) {
      expect(`\n${markdown}`).toContain(`\n${heading}\n`);
    }
    expect(markdown).toContain('`npm run bench -- --smoke`');
    expect(markdown).toMatch(/\| date +\| \d{4}-\d{2}-\d{2}T/);
    expect(markdown).toMatch(/\| machine +\| \d+ cores .*GiB memory/);
    expect(markdown).toMatch(
      new RegExp(`\\| Node\\.js +\\| ${process.version.replaceAll('.', '\\.')} `),
    );
    const all = tables(markdown);
    expect(all.length).toBeGreaterThanOrEqual(10);
    for (const table of all) {
      const [header, separator, ...rows] = table;
      expect(separator?.every((c) => /^-+$/.test(c))).toBe(true);
      for (const row of rows) expect(row).toHaveLength(header?.length ?? 0);
    }
    const overloadTable = all.find((t) => t[0]?.[0] === '× sustained');
    expect(overloadTable?.slice(2).map((row) => row[0])).toEqual(
      report.throughput.overload.steps.map((s) => `${s.multiple}×`),
    );
    const conflictTable = all.find((t) => t[0]?.[1] === 'sending at once');
    expect(conflictTable?.slice(2)).toHaveLength(report.seqConflicts.length);
    const goals = all.find((t) => t[0]?.[0] === 'goal');
    expect(goals?.slice(2).map((row) => row[3])).toEqual(
      report.goals.map((g) => (g.pass ? '**PASS**' : '**FAIL**')),
    );
  });

  it("measures the fan-out's floor: every post of both clients answered, and its table", () => {
    const { postCost } = report;
    const posts = postCost.recipients * SIZES.smoke.postCost.fanOuts * SIZES.smoke.postCost.rounds;
    expect(postCost.recipients).toBe(49);
    for (const row of [postCost.sdk, postCost.http]) {
      // Every post resolved (a refused or failed post rejects the fan-out and the phase).
      expect(row.posts).toBe(posts);
      expect(row.cpuMicrosPerPost).toBeGreaterThan(0);
      expect(row.fanOutMs).toBeGreaterThan(0);
    }
    expect(`\n${markdown}`).toContain("\n### The fan-out's floor: what a post costs the client\n");
    const floor = tables(markdown).find((t) => t[0]?.[0] === 'client');
    expect(floor?.slice(2).map((row) => row[0])).toEqual([
      "the handlers' SDK client",
      'bare node:http (reference)',
    ]);
  });

  it('writes the SVG charts the report links', () => {
    for (const chart of ['benchmarks-latency.svg', 'benchmarks-dynamodb.svg']) {
      expect(markdown).toContain(`(${chart})`);
      const svg = readFileSync(join(dir, 'docs', chart), 'utf8');
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    }
    expect(existsSync(join(dir, 'scratch', 'report.json'))).toBe(true);
  });
});
