/**
 * The report's charts: Vega-Lite specifications compiled to Vega and rendered to SVG in Node
 * (no browser, no canvas).
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { ScenarioResult } from '../workloads/latency';
import { capacityUnits } from './goals';

export const SYSTEM_LABELS = {
  ours: 'campus-chat (ours)',
  socketio: 'socket.io 4 (in memory)',
  scan: 'Scan baseline (AWS sample design)',
} as const;

const COLORS = { domain: Object.values(SYSTEM_LABELS), range: ['#1b7837', '#2166ac', '#b2182b'] };

async function render(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

/** p50 and p99 delivery latency per scenario and system (log scale). */
export function latencyChart(scenarios: readonly ScenarioResult[]): Promise<string> {
  const values = scenarios.flatMap((s) =>
    s.systems.flatMap((r) =>
      (['p50', 'p99'] as const).map((stat) => ({
        scenario: `room ${s.roomSize} / ${s.totalConnections} conn.`,
        system: SYSTEM_LABELS[r.system],
        stat,
        ms: Math.max(0.01, r.latency[stat]),
      })),
    ),
  );
  return render({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Delivery latency, send → every recipient (ms, log scale)',
    data: { values },
    width: 150,
    height: 220,
    facet: { column: { field: 'scenario', type: 'nominal', sort: null, title: null } },
    spec: {
      mark: { type: 'bar' },
      encoding: {
        x: { field: 'stat', type: 'nominal', title: null },
        xOffset: { field: 'system', type: 'nominal', sort: COLORS.domain },
        y: { field: 'ms', type: 'quantitative', scale: { type: 'log' }, title: 'ms' },
        color: {
          field: 'system',
          type: 'nominal',
          scale: COLORS,
          legend: { orient: 'bottom', title: null },
        },
      },
    },
  } as TopLevelSpec);
}

/** Billed DynamoDB request units per send as total connections grow (log scale). */
export function capacityChart(scenarios: readonly ScenarioResult[]): Promise<string> {
  const values = scenarios.flatMap((s) =>
    s.systems
      .filter((r) => r.work)
      .map((r) => ({
        connections: s.totalConnections,
        system: SYSTEM_LABELS[r.system],
        units: Math.max(0.01, capacityUnits(r)),
      })),
  );
  return render({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `DynamoDB capacity units per send, room of ${scenarios[0]?.roomSize ?? '?'}`,
    data: { values },
    width: 420,
    height: 220,
    mark: { type: 'line', point: true },
    encoding: {
      x: {
        field: 'connections',
        type: 'quantitative',
        scale: { type: 'log' },
        title: 'total connections',
      },
      y: {
        field: 'units',
        type: 'quantitative',
        scale: { type: 'log' },
        title: 'request units per send',
      },
      color: {
        field: 'system',
        type: 'nominal',
        scale: COLORS,
        legend: { orient: 'bottom', title: null },
      },
    },
  } as TopLevelSpec);
}
