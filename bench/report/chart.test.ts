/** The report's charts draw what they are given (rendered to SVG, read back from the markup). */
import { describe, expect, it } from 'vitest';
import type { ScenarioResult, SystemResult } from '../workloads/latency';
import { capacityChart, latencyChart } from './chart';

function result(system: SystemResult['system'], p50: number, p99: number): SystemResult {
  return {
    system,
    latency: { count: 200, p50, p95: p99, p99, max: p99, mean: p50 },
    failures: 0,
  };
}

/** Heights of the bars of the SVG's rect marks (`M x,y h w v height h -w Z`). */
function barHeights(svg: string): number[] {
  const marks = svg.match(/class="mark-rect[^"]*"[\s\S]*?<\/g>/g) ?? [];
  return marks.flatMap((mark) =>
    [...mark.matchAll(/d="M[-\d.]+,[-\d.]+h[-\d.]+v([-\d.]+)h[-\d.]+Z"/g)].map((m) => Number(m[1])),
  );
}

describe('latency chart', () => {
  it('draws one bar per system and percentile, its height on a log scale of the latency', async () => {
    // Prepare
    const scenario: ScenarioResult = {
      roomSize: 50,
      totalConnections: 50,
      systems: [result('ours', 35, 61), result('socketio', 1.4, 6.6), result('scan', 29, 51)],
    };

    // Act
    const svg = await latencyChart([scenario]);

    // Assess: six bars, none flat, their heights on a log scale of the latencies: each bar's
    // height above the shortest is proportional to log(its ms / the shortest's ms).
    const heights = barHeights(svg).sort((a, b) => a - b);
    expect(heights).toHaveLength(6);
    expect(heights.every((h) => h > 0)).toBe(true);
    const ms = [1.4, 6.6, 29, 35, 51, 61];
    const span = (heights[5] as number) - (heights[0] as number);
    const logSpan = Math.log((ms[5] as number) / (ms[0] as number));
    heights.forEach((h, i) => {
      const expected = Math.log((ms[i] as number) / (ms[0] as number)) / logSpan;
      expect((h - (heights[0] as number)) / span).toBeCloseTo(expected, 2);
    });
    expect(svg).toContain('<title>Delivery latency');
  });
});

describe('capacity chart', () => {
  it('draws a line per system with DynamoDB work, a point for every connection count', async () => {
    // Prepare
    const work = (units: number) => ({ readUnits: units / 2, writeUnits: units / 2 });
    const scenarios = [50, 1000, 5000].map((connections) => ({
      roomSize: 50,
      totalConnections: connections,
      systems: [
        { ...result('ours', 30, 60), work: work(17) },
        { ...result('scan', 30, 60), work: work(connections / 285) },
      ],
    })) as unknown as ScenarioResult[];

    // Act
    const svg = await capacityChart(scenarios);

    // Assess
    const lines = svg.match(/<path[^>]*d="M[\d.]+,[\d.]+L[\d.]+,[\d.]+L[\d.]+,[\d.]+"/g) ?? [];
    expect(lines).toHaveLength(2);
    // Its legend names the two systems it draws, not socket.io (which has no DynamoDB work).
    expect(svg).toContain('campus-chat (ours)');
    expect(svg).toContain('Scan baseline');
    expect(svg).not.toContain('socket.io');
  });
});
