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

const COLORS: Record<string, string> = {
  [SYSTEM_LABELS.ours]: '#1b7837',
  [SYSTEM_LABELS.socketio]: '#2166ac',
  [SYSTEM_LABELS.scan]: '#b2182b',
};

/**
 * One colour per system, the same in every chart; the legend lists only the systems the chart
 * has data for (socket.io has no DynamoDB work to plot).
 */
function colorBySystem(values: readonly { system: string }[]) {
  const shown = Object.values(SYSTEM_LABELS).filter((label) =>
    values.some((v) => v.system === label),
  );
  return {
    field: 'system',
    type: 'nominal',
    scale: { domain: shown, range: shown.map((label) => COLORS[label]) },
    legend: { orient: 'bottom', title: null, labelLimit: 0 },
  } as const;
}

/** Renders a chart to SVG with its title as the SVG's accessible name. */
async function render(spec: TopLevelSpec, title: string): Promise<string> {
  // Vega puts ARIA roles on its <g> elements (graphics roles that HTML linters reject); one
  // <title> names the whole chart instead.
  const withConfig = { ...spec, config: { aria: false } } as TopLevelSpec;
  const view = new vega.View(vega.parse(compile(withConfig).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  const escaped = title.replaceAll('&', '&amp;').replaceAll('<', '&lt;');
  return svg
    .replace(/ (role|aria-[a-z]+)="[^"]*"/g, '')
    .replace(/^<svg([^>]*)>/, `<svg$1><title>${escaped}</title>`);
}

/** p50 and p99 delivery latency per scenario and system (log scale). */
export function latencyChart(scenarios: readonly ScenarioResult[]): Promise<string> {
  const scenarioName = (s: ScenarioResult) => `room ${s.roomSize} / ${s.totalConnections} conn.`;
  const values = scenarios.flatMap((s) =>
    s.systems.flatMap((r) =>
      (['p50', 'p99'] as const).map((stat) => ({
        scenario: scenarioName(s),
        system: SYSTEM_LABELS[r.system],
        stat,
        ms: Math.max(0.01, r.latency[stat]),
      })),
    ),
  );
  const title = 'Delivery latency, send → every recipient (ms, log scale)';
  return render(
    {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title,
      data: { values },
      width: 150,
      height: 220,
      facet: {
        column: {
          field: 'scenario',
          type: 'nominal',
          // By room size, then total connections (not alphabetical: "room 500" before "room 50").
          sort: [...scenarios]
            .sort((a, b) => a.roomSize - b.roomSize || a.totalConnections - b.totalConnections)
            .map(scenarioName),
          title: null,
        },
      },
      spec: {
        mark: { type: 'bar' },
        encoding: {
          x: { field: 'stat', type: 'nominal', title: null },
          xOffset: { field: 'system', type: 'nominal', sort: Object.values(SYSTEM_LABELS) },
          // Unstacked: a stacked bar starts at 0, which a log scale cannot place (every bar
          // would be drawn zero high).
          y: {
            field: 'ms',
            type: 'quantitative',
            scale: { type: 'log' },
            stack: null,
            title: 'ms',
          },
          color: colorBySystem(values),
        },
      },
    } as TopLevelSpec,
    title,
  );
}

/** DynamoDB capacity units per send as total connections grow (log scale). */
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
  const title = `DynamoDB capacity units per send, room of ${scenarios[0]?.roomSize ?? '?'}`;
  return render(
    {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title,
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
          title: 'capacity units per send',
        },
        color: colorBySystem(values),
      },
    } as TopLevelSpec,
    title,
  );
}
