/**
 * Writes benchmarks.md from a BenchReport: every figure in it comes from the report object; the
 * prose around them says how they were measured.
 */

import { PRICE_REGION, PRICES, PRICES_CHECKED } from '../cost/aws-prices';
import { OUR_HEARTBEAT } from '../heartbeat/heartbeat-policy';
import type { ScenarioResult, SystemResult } from '../workloads/latency';
import { SYSTEM_LABELS } from './chart';
import { ms, num, table } from './format';
import { capacityUnits } from './goals';
import { overloadSection, seqConflictSection } from './overload-markdown';
import { postCostSection } from './post-cost-markdown';
import type { BenchReport } from './report-types';

const usd = (n: number) => (n >= 0.01 ? `$${n.toFixed(4)}` : `$${n.toPrecision(3)}`);
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const ratio = (a: number | undefined, b: number | undefined) =>
  a !== undefined && b !== undefined && b > 0 && Number.isFinite(a / b)
    ? `${(a / b).toFixed(2)}`
    : '—';

function find(s: ScenarioResult, system: SystemResult['system']): SystemResult | undefined {
  return s.systems.find((r) => r.system === system);
}

function latencyRows(scenarios: readonly ScenarioResult[]): string[][] {
  return scenarios.flatMap((s) =>
    s.systems.map((r) => [
      String(s.roomSize),
      String(s.totalConnections),
      SYSTEM_LABELS[r.system],
      String(r.latency.count),
      ms(r.latency.p50),
      ms(r.latency.p95),
      ms(r.latency.p99),
      ms(r.latency.max),
      r.ack ? `${ms(r.ack.p50)} / ${ms(r.ack.p99)}` : 'no ack',
      String(r.failures),
    ]),
  );
}

const LATENCY_HEADER = [
  'room size',
  'connections',
  'system',
  'sends',
  'p50 ms',
  'p95 ms',
  'p99 ms',
  'max ms',
  'ack p50 / p99 ms',
  'failed',
];

function ratioRows(scenarios: readonly ScenarioResult[], other: 'socketio' | 'scan'): string[][] {
  return scenarios.flatMap((s) => {
    const ours = find(s, 'ours');
    const them = find(s, other);
    if (!ours || !them) return [];
    return [
      [
        String(s.roomSize),
        String(s.totalConnections),
        ratio(ours.latency.p50, them.latency.p50),
        ratio(ours.latency.p99, them.latency.p99),
      ],
    ];
  });
}

function workRows(scenarios: readonly ScenarioResult[]): string[][] {
  return scenarios.flatMap((s) =>
    s.systems.flatMap((r) => {
      const w = r.work;
      if (!w) return [];
      const ops = Object.entries(w.operations)
        .map(([op, n]) => `${op} ${num(n, 2)}`)
        .join(', ');
      return [
        [
          String(s.roomSize),
          String(s.totalConnections),
          SYSTEM_LABELS[r.system],
          `${num(w.roundTripsBeforeAck.mean, 2)} (max ${w.roundTripsBeforeAck.max})`,
          r.firstSend ? String(r.firstSend.roundTripsBeforeAck) : '—',
          num(w.requests, 2),
          num(w.readUnits, 2),
          num(w.writeUnits, 2),
          num(capacityUnits(r), 2),
          num(w.posts, 1),
          ms(w.durationMs.mean),
          ms(w.dynamoWaitMs),
          ops,
        ],
      ];
    }),
  );
}

/** How busy each profiled thread was, over how long. */
function profileThreads(profile: BenchReport['throughput']['profile']): string {
  const wall = `${num(profile.wallMs / 1000, 1)} s`;
  if (profile.threads.length < 2) return `, ${num(profile.busyMs / 1000, 1)} s busy of ${wall}`;
  const each = profile.threads.map((t) => `the ${t.thread} thread ${num(t.busyMs / 1000, 1)} s`);
  return `s of its threads over ${wall}: busy ${each.join(', ')}`;
}

/** One sentence on where the stack process's CPU went, from the profile's areas. */
function profileSentence(profile: BenchReport['throughput']['profile']): string {
  const share = (match: (area: string) => boolean) =>
    profile.areas.filter((a) => match(a.area)).reduce((s, a) => s + a.share, 0) * 100;
  const ours = share((a) => a.startsWith('campus-chat'));
  const sdk = share((a) => a.startsWith('AWS SDK'));
  const node = share((a) => a.startsWith('Node.js core'));
  const gc = share((a) => a === 'garbage collector');
  const bench = share((a) => a.startsWith('bench instrumentation'));
  return `Our own code (\`functions/\`) is ${num(ours, 1)} % of it; the AWS SDK (building, signing and parsing every DynamoDB and @connections request) ${num(sdk, 1)} %, Node's HTTP and socket plumbing underneath ${num(node, 1)} %, garbage collection ${num(gc, 1)} %, and the bench's own DynamoDB proxy ${num(bench, 1)} %: the hot path is dominated by the number of HTTP requests per message (3 to DynamoDB, 1 per recipient to @connections), not by computation in the handlers.`;
}

/** Capacity units per send by table, for our scenarios. */
function tableUnitsRows(scenarios: readonly ScenarioResult[]): {
  header: string[];
  rows: string[][];
} {
  const ours = scenarios.flatMap((s) => {
    const r = find(s, 'ours');
    return r?.work ? [{ s, units: r.work.unitsByTable }] : [];
  });
  const tables = [...new Set(ours.flatMap((o) => Object.keys(o.units)))].sort();
  return {
    header: ['room size', 'connections', ...tables],
    rows: ours.map((o) => [
      String(o.s.roomSize),
      String(o.s.totalConnections),
      ...tables.map((t) => num(o.units[t] ?? 0, 2)),
    ]),
  };
}

export function renderMarkdown(report: BenchReport): string {
  const m = report.machine;
  const all = [...report.latencyByRoomSize, ...report.scaling];
  const t = report.throughput;
  const hb = report.heartbeat;
  const c = report.cost;
  const out: string[] = [];
  out.push(
    '# Benchmarks',
    '',
    '> Generated by `npm run bench` (bench/) — do not edit by hand: every figure below is measured by the',
    '> run described here. Rerun the command to refresh it. The machine is shared and small, so figures',
    '> are noisy; ratios measured side by side in the same run are the robust part.',
    '',
    table(
      ['', ''],
      [
        ['date', m.date],
        ['command', `\`${report.command}\` (mode: ${report.mode})`],
        ['machine', `${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB memory, ${m.platform}`],
        ['Node.js', m.node],
        [
          'load average (1, 5, 15 min)',
          `${m.loadAverage.join(', ')} at start; ${report.loadAverageAtEnd.join(', ')} at the end — the cores are shared with other work`,
        ],
        ['duration', `${Math.round(report.durationSeconds)} s`],
      ],
    ),
    '',
    'Systems compared, on this one machine, in the same run:',
    '',
    `- **${SYSTEM_LABELS.ours}** — the real local stack: API Gateway emulator, the Lambda handlers of \`functions/\` ${report.functions === 'thread' ? 'in a thread of their own beside the emulator (as Lambda is a service apart from API Gateway: a handler waits on its posts, it does not serve them)' : "in the emulator's own thread (`BENCH_FUNCTIONS=in-process`)"}, DynamoDB Local. A send is stored exactly once (ordered, idempotent, durable) and acked before it is delivered.`,
    `- **${SYSTEM_LABELS.socketio}** — a socket.io 4 server broadcasting to the room in memory (\`socket.to(room).emit\`), as the background articles build it. **No persistence, no ack, no ordering across restarts, no authentication.**`,
    `- **${SYSTEM_LABELS.scan}** — the design of AWS's published WebSocket chat sample (\`aws-samples/simple-websockets-chat-app\`), re-implemented from its description in \`bench/baselines/scan-chat/\`: a connections table keyed by connectionId only, a \`Scan\` of it on every send, a post to every connection, rooms filtered by the clients. Same gateway emulator, same DynamoDB Local. **No persistence, no ack, no authentication.**`,
    '',
    '## Goals',
    '',
    table(
      ['goal', 'target', 'measured', 'result'],
      report.goals.map((g) => [
        g.goal,
        g.target,
        g.note ? `${g.measured}. ${g.note}` : g.measured,
        g.pass ? '**PASS**' : '**FAIL**',
      ]),
    ),
    '',
    '## 1. Delivery latency',
    '',
    'Send → received by **every** recipient (the last one), measured by the clients, one send at a time, after warm-up sends. Room size counts members; each send reaches the other `size − 1`. The systems take turns in rounds within a scenario. HDR histogram (hdr-histogram-js).',
    '',
    '![Delivery latency](benchmarks-latency.svg)',
    '',
    table(LATENCY_HEADER, latencyRows(report.latencyByRoomSize)),
    '',
    'Ratios, ours ÷ theirs, per pair in the same scenario (below 1: ours is faster):',
    '',
    table(
      ['room size', 'connections', 'ours ÷ socket.io p50', 'ours ÷ socket.io p99'],
      ratioRows(report.latencyByRoomSize, 'socketio'),
    ),
    '',
    table(
      ['room size', 'connections', 'ours ÷ Scan p50', 'ours ÷ Scan p99'],
      ratioRows(all, 'scan'),
    ),
    '',
    '## 2. Growing total connections, fixed room',
    '',
    `A room of ${report.sizes.scalingRoomSize} while other clients stay connected "in other conversations" (a connection-pool process: on ours, students each in their own support conversation; on the Scan baseline, plain connections that must receive and drop every broadcast).`,
    '',
    table(LATENCY_HEADER, latencyRows(report.scaling)),
    '',
    '## 3. DynamoDB work per send',
    '',
    "Counted by a proxy in front of DynamoDB Local (`local/dynamodb-proxy.ts`) that sets `ReturnConsumedCapacity: TOTAL` on every request and sums what comes back; calls are attributed to the `sendmessage` invocation that made them. _Round trips before the ack_ counts sequential steps (concurrent calls count once) completed before the ack was posted (for the Scan baseline, which sends no ack: before its first post). The steady state is shown; _first frame_ is a connection's first send, before the function has cached its identity. Units are what DynamoDB Local returned: index writes included, transactional writes at 2 units per KB per item, as on-demand billing counts request units (DynamoDB Local also charges a transaction's index writes at the transactional rate, which may overstate AWS's bill).",
    '',
    '![DynamoDB request units per send](benchmarks-dynamodb.svg)',
    '',
    table(
      [
        'room size',
        'connections',
        'system',
        'round trips before ack',
        'first frame',
        'requests',
        'read units',
        'write units',
        'total units',
        'posts',
        'function ms',
        'of it waiting on DynamoDB',
        'requests by operation',
      ],
      workRows(all),
    ),
    '',
    'Capacity units per send by table, ours (the conversation item is updated on every message, and its `byKind` index, sorted by last activity and projecting the whole item, is rewritten with it):',
    '',
    table(tableUnitsRows(all).header, tableUnitsRows(all).rows),
    '',
    `Session start and end on ours: \`$connect\` ${num(report.session.connect.requests, 1)} requests, ${num(report.session.connect.readUnits + report.session.connect.writeUnits, 2)} capacity units, ${ms(report.session.connect.durationMs.mean)} ms; \`$disconnect\` ${num(report.session.disconnect.requests, 1)} requests, ${num(report.session.disconnect.readUnits + report.session.disconnect.writeUnits, 2)} capacity units, ${ms(report.session.disconnect.durationMs.mean)} ms (means of ${report.session.connect.sends} sessions).`,
    '',
    ...postCostSection(report),
    '',
    '## 4. Throughput',
    '',
    `Open-loop load on ours: sends at a fixed rate spread over ${t.rooms} rooms of ${t.members} members (every member sends in turn), the rate stepped up until p99 delivery passes ${t.p99LimitMs} ms or a send fails (a failing step is run a second time before the search stops, since the machine is shared; both attempts are listed). **Sustained: ${num(t.sustainedRate, 0)} messages/s accepted and delivered (${num(t.sustainedDeliveriesPerSecond, 0)} deliveries/s) with p99 ≤ ${t.p99LimitMs} ms** on this machine — the whole system (gateway emulator, handlers, DynamoDB Local, load generator) sharing ${m.cores} cores.`,
    '',
    table(
      [
        'offered msg/s',
        'sent',
        'accepted msg/s',
        'deliveries/s',
        'p50 ms',
        'p99 ms',
        'max ms',
        'failed (why)',
        `p99 ≤ ${t.p99LimitMs} ms`,
      ],
      t.steps.map((s) => [
        String(s.rate),
        String(s.sent),
        num(s.acceptedPerSecond, 1),
        num(s.deliveriesPerSecond, 0),
        ms(s.latency.p50),
        ms(s.latency.p99),
        ms(s.latency.max),
        s.failures === 0
          ? '0'
          : `${s.failures} (${Object.entries(s.failureReasons)
              .map(([why, n]) => `${n}× ${why}`)
              .join('; ')})`,
        s.withinLimit ? 'yes' : 'no',
      ]),
    ),
    '',
    'Where the CPU went during the throughput phase, by process:',
    '',
    table(
      ['process', 'CPU s', 'share of the machine'],
      t.processCpu.map((p) => [
        p.process,
        num(p.cpuSeconds, 1),
        `${num(p.shareOfMachine * 100, 0)} %`,
      ]),
    ),
    '',
    `Inside the stack process (V8 CPU profile${profileThreads(t.profile)}), self time by area. ${profileSentence(t.profile)}`,
    '',
    table(
      ['area', 'ms', 'share of busy time'],
      t.profile.areas.map((a) => [a.area, num(a.ms, 0), `${num(a.share * 100, 1)} %`]),
    ),
    '',
    'Hottest functions (self time):',
    '',
    table(
      ['function', 'where', 'ms', 'share'],
      t.profile.functions.map((f) => [
        `\`${f.name}\``,
        `\`${f.where}\``,
        num(f.ms, 0),
        `${num(f.share * 100, 1)} %`,
      ]),
    ),
    '',
    ...overloadSection(report.throughput),
    '',
    ...seqConflictSection(report.seqConflicts),
    '',
    '## 5. Cost',
    '',
    `Priced with AWS's public on-demand prices, ${PRICE_REGION}, no free tier, read ${PRICES_CHECKED} (constants in \`bench/cost/aws-prices.ts\`):`,
    '',
    table(
      ['item', 'price', 'source'],
      Object.values(PRICES).map((p) => [p.per, usd(p.usd), p.source]),
    ),
    '',
    "Per 1,000 messages, from the measured work of each scenario: API Gateway messages (the frame in, the ack and every delivery out; each frame is far below 32 KB, so one metered message each), one Lambda invocation × measured duration × memory (ours 512 MB from `functions/routes.ts`; the Scan sample 256 MB from its template), DynamoDB capacity units as request units, and a month of storage for what is kept. Durations are measured locally against DynamoDB Local and stand in for Lambda's.",
    '',
    table(
      [
        'scenario',
        'system',
        'API Gateway',
        'Lambda',
        'DynamoDB',
        'storage',
        'total per 1,000 messages',
      ],
      c.perThousand.map((p) => [
        p.label,
        SYSTEM_LABELS[p.system],
        usd(p.lines.apiGatewayMessages),
        usd(p.lines.lambda),
        usd(p.lines.dynamoDb),
        usd(p.lines.storage),
        `**${usd(p.total)}**`,
      ]),
    ),
    '',
    `Per campus-user-month, for this stated profile: ${c.profile.campusUsers} users, each connected ${c.profile.connectedHoursPerDay} h/day over ${c.profile.sessionsPerDay} sessions, sending ${c.profile.messagesPerDay} messages/day that reach ${c.profile.recipientsPerMessage} open connections each (a send's cost at that audience is a straight line fitted through the measured room sizes); ${c.profile.admins} desk admins online ${c.profile.adminHoursPerDay} h/day, shared by all users; ${c.profile.daysPerMonth} days; all connected time counted as idle for the heartbeat (an upper bound). Not included: login calls, the \`conversations\`/\`sync\` requests after each connect, logs, data transfer.`,
    '',
    table(
      ['line', 'quantity', 'cost per user-month'],
      c.userMonth.map((l) => [
        l.item,
        `${num(l.quantity, l.quantity < 10 ? 3 : 0)} ${l.unit}`,
        usd(l.usd),
      ]),
    ),
    '',
    `**Total: ${usd(c.userMonthTotal)} per campus-user-month** (${usd(c.userMonthTotal * c.profile.campusUsers)} a month for ${c.profile.campusUsers} users). With socket.io's default heartbeat over the same API it would be ${usd(c.userMonthWithSocketIoHeartbeat)}.`,
    '',
    '## 6. Heartbeat',
    '',
    table(
      [
        'policy',
        'ping',
        'billed messages per idle foreground connection-hour',
        'dead socket found',
      ],
      [
        [
          'ours (client core, foreground only)',
          `every ${num(hb.ours.idlePingIntervalMs / 60000, 0)} min, only when idle; pong timeout ${num(hb.ours.heartbeatPongTimeoutMs / 1000, 0)} s`,
          num(hb.ours.messagesPerIdleHour, 1),
          `${num(hb.detection.deadDetectedMs / 1000, 2)} s after the app is shown (live probe answered in ${ms(hb.detection.liveProbeMs)} ms); a silent drop while in the foreground: ${num(hb.ours.silentDropMeanMs / 1000, 0)} s on average, at most ${num(hb.ours.silentDropWorstMs / 1000, 0)} s (computed: half / one ping interval, plus the pong timeout)`,
        ],
        [
          'socket.io 4 defaults (read from the running server)',
          `every ${num(hb.socketio.pingIntervalMs / 1000, 0)} s; timeout ${num(hb.socketio.pingTimeoutMs / 1000, 0)} s`,
          num(hb.socketio.messagesPerIdleHour, 0),
          `up to ${num((hb.socketio.pingIntervalMs + hb.socketio.pingTimeoutMs) / 1000, 0)} s`,
        ],
      ],
    ),
    '',
    `Our policy, as the bench takes it: ${hb.ours.source}. Each ping and each pong is a billed API Gateway message. Detection was measured with a reference implementation of our policy's probe against the local stack through a TCP relay that silently drops every byte (no FIN, no RST), as when a phone's NAT mapping expired while the app slept. The policy is a parameter of the bench (\`bench/heartbeat/heartbeat-policy.ts\`, ping interval ${num(OUR_HEARTBEAT.idlePingIntervalMs / 60000, 0)} min); the mini-program's connection core implements it.`,
    '',
    '## 7. Cold start',
    '',
    `Each handler bundled with the CDK stack's settings (\`infra/lib/bundle-settings.ts\`): esbuild, ESM, minified, target Node.js 24, platform node, \`module\` before \`main\`. Two variants: \`@aws-sdk/*\` external — what the stack ships, the Lambda runtime provides SDK v3 — and, for comparison, the SDK bundled in. Module initialisation = \`import()\` of the bundle in a fresh Node ${m.node} process, median of ${report.coldStart.runs}.`,
    '',
    table(
      [
        'handler',
        'memory',
        'SDK external: size (gzip)',
        'init ms',
        'SDK bundled: size (gzip)',
        'init ms',
      ],
      [...new Set(report.coldStart.entries.map((e) => e.handler))].map((handler) => {
        const ext = report.coldStart.entries.find(
          (e) => e.handler === handler && e.variant === 'sdk-external',
        );
        const bun = report.coldStart.entries.find(
          (e) => e.handler === handler && e.variant === 'sdk-bundled',
        );
        return [
          `\`${handler}\``,
          `${ext?.memoryMb ?? bun?.memoryMb ?? '—'} MB`,
          ext ? `${kb(ext.bytes)} (${kb(ext.gzipBytes)})` : '—',
          ms(ext?.initMedianMs),
          bun ? `${kb(bun.bytes)} (${kb(bun.gzipBytes)})` : '—',
          ms(bun?.initMedianMs),
        ];
      }),
    ),
    '',
    "With the SDK external, its modules are loaded from `node_modules` at init (on Lambda: from the runtime), which is why those inits are slower here despite the smaller bundles. Init times are measured with this machine's Node.js, not Lambda's Node.js 22 runtime, and exclude the runtime's own start and the download of the code.",
    '',
    '## How to read these figures',
    '',
    "- Everything runs on one small shared machine: clients, gateway, handlers and DynamoDB Local compete for the same cores. Absolute latencies are the local stack's, not AWS's; DynamoDB Local (a JVM over SQLite) is much slower per request than DynamoDB, and loopback is much faster than a phone network.",
    '- On AWS, a Lambda function serves one request at a time and scales out; here every invocation shares one thread of one Node process, so heavy fan-out (the Scan baseline posting to every connection) also delays everything else, as a saturated function concurrency would.',
    "- Handlers log at `SILENT` during the bench (the local stack's default for tests) so logging to a pipe does not skew the figures.",
    `- Raw results: \`bench/.out/${report.mode}/report.json\` (not committed); CPU profiles of the throughput phase: \`bench/.out/${report.mode}/stack-throughput.cpuprofile\` (the gateway's thread) and \`stack-throughput-functions.cpuprofile\` (the handlers' thread; open them in Chrome DevTools).`,
    '- Only the throughput phase, the overload curve and the seq-contention scenarios, printed: `npm run bench -- --overload` (add `--quick` for smaller sizes, about 2 minutes); raw results in `bench/.out/overload-<mode>/overload.json`.',
    '- What content security (WeChat msgSecCheck before every send is stored) adds to the ack, at a stand-in latency of 0 and 80 ms: [benchmarks-content-check.md](benchmarks-content-check.md), from `npm run bench:content-check`.',
    '',
  );
  return out.join('\n');
}
