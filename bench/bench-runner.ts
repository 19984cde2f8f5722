/**
 * Runs every phase of the bench in order and writes the report. Used by run.ts (the CLI) and by
 * the test that checks the report's structure in smoke mode.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SocketIoInfo } from './baselines/socketio/server-process';
import { costSection } from './cost/cost-report';
import { measureDetection } from './heartbeat/dead-socket-probe';
import {
  messagesPerIdleHour,
  OUR_HEARTBEAT,
  silentDropDetection,
} from './heartbeat/heartbeat-policy';
import { BenchChild } from './ipc';
import { machineInfo } from './machine';
import type { BenchOptions } from './options';
import { coldStartPhase } from './phases/cold-start-phase';
import { postCostPhase } from './phases/post-cost-phase';
import { latencyByRoomSize, scalingWithConnections, warmUp } from './phases/comparison';
import { seqConflictPhase } from './phases/seq-conflict-phase';
import { throughputPhase } from './phases/throughput-phase';
import { capacityChart, latencyChart } from './report/chart';
import { evaluateGoals } from './report/goals';
import { renderMarkdown } from './report/markdown';
import type { BenchReport } from './report/report-types';
import { StackHandle } from './stack/stack-handle';
import { measureSessionWork } from './workloads/session-work';

const ADMIN = 'bench-admin';

export interface RunOptions extends BenchOptions {
  readonly dynamodbEndpoint: string;
  readonly log: (line: string) => void;
  /** Where raw results, bundles and profiles go (default bench/.out/<mode>). */
  readonly scratchDir?: string;
}

export async function runBench(
  options: RunOptions,
): Promise<{ report: BenchReport; markdownFile: string }> {
  const { sizes } = options;
  const started = Date.now();
  const log = (line: string) =>
    options.log(`${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s  ${line}`);
  const machine = await machineInfo();
  const scratchDir =
    options.scratchDir ?? fileURLToPath(new URL(`./.out/${sizes.mode}`, import.meta.url));
  mkdirSync(scratchDir, { recursive: true });
  mkdirSync(options.outDir, { recursive: true });
  const prefix = `bench${started.toString(36)}-`;
  const common = { dynamodbEndpoint: options.dynamodbEndpoint, tablePrefix: prefix, admins: ADMIN };

  log(`mode ${sizes.mode}: starting the stacks`);
  // Rate limits are raised: the bench sends far faster than one person may.
  const ours = await StackHandle.start({
    ...common,
    system: 'ours',
    env: {
      SEND_RATE_LIMIT: '1000000',
      MESSAGE_BURST: '1000000',
      MESSAGE_PER_SECOND: '1000000',
      FRAME_BURST: '1000000',
      FRAME_PER_SECOND: '1000000',
      TYPING_BURST: '1000000',
    },
  });
  const scan = await StackHandle.start({ ...common, system: 'scan', env: {} });
  const socketIo = await BenchChild.start(
    new URL('./baselines/socketio/server-process.ts', import.meta.url),
  );
  let measured: Omit<
    BenchReport,
    'goals' | 'coldStart' | 'postCost' | 'cost' | 'durationSeconds' | 'loadAverageAtEnd'
  >;
  let session: BenchReport['session'];
  try {
    const io = await socketIo.call<SocketIoInfo>('start');
    const servers = { ours, scan, socketIoUrl: io.url, admin: ADMIN };
    await warmUp(servers, sizes.globalWarmup, log);
    const latency = await latencyByRoomSize(servers, sizes, log);
    const scaling = await scalingWithConnections(servers, sizes, prefix, log);
    log('sessions: $connect / $disconnect work');
    session = await measureSessionWork(ours, 'session-', sizes.mode === 'smoke' ? 3 : 10);
    log('heartbeat: dead-socket detection');
    const detection = await measureDetection(ours.info, 'heartbeat-probe', OUR_HEARTBEAT);
    const throughput = await throughputPhase(ours, ADMIN, sizes, scratchDir, log);
    const seqConflicts = await seqConflictPhase(
      ours,
      ADMIN,
      sizes,
      sizes.overload.retryBudgetMs,
      log,
    );
    measured = {
      mode: sizes.mode,
      sizes,
      command: options.command,
      machine,
      functions: ours.info.functions,
      latencyByRoomSize: latency,
      scaling,
      throughput,
      seqConflicts,
      session,
      heartbeat: {
        ours: {
          ...OUR_HEARTBEAT,
          messagesPerIdleHour: messagesPerIdleHour(OUR_HEARTBEAT.idlePingIntervalMs),
          silentDropMeanMs: silentDropDetection(OUR_HEARTBEAT).meanMs,
          silentDropWorstMs: silentDropDetection(OUR_HEARTBEAT).worstMs,
        },
        socketio: {
          pingIntervalMs: io.pingIntervalMs,
          pingTimeoutMs: io.pingTimeoutMs,
          messagesPerIdleHour: messagesPerIdleHour(io.pingIntervalMs),
        },
        detection,
      },
    };
  } finally {
    await Promise.allSettled([
      ours.stop(),
      scan.stop(),
      socketIo.call('stop').finally(() => socketIo.stop()),
    ]);
  }

  // With the stacks stopped, so nothing else competes for the client's CPU.
  const postCost = await postCostPhase(sizes, log);
  const coldStart = await coldStartPhase(join(scratchDir, 'bundles'), sizes.coldStartRuns, log);
  const cost = costSection(measured.latencyByRoomSize, measured.scaling, session, {
    ours: measured.heartbeat.ours.messagesPerIdleHour,
    socketio: measured.heartbeat.socketio.messagesPerIdleHour,
  });
  const withoutGoals = {
    ...measured,
    coldStart,
    postCost,
    cost,
    durationSeconds: (Date.now() - started) / 1000,
    loadAverageAtEnd: loadavg().map((l) => Math.round(l * 100) / 100),
  };
  const report: BenchReport = { ...withoutGoals, goals: evaluateGoals(withoutGoals) };

  log('writing the report');
  const sameRoom = report.latencyByRoomSize.filter((s) => s.roomSize === sizes.scalingRoomSize);
  const charts = {
    latency: await latencyChart([...report.latencyByRoomSize, ...report.scaling]),
    capacity: await capacityChart([...sameRoom, ...report.scaling]),
  };
  writeFileSync(join(scratchDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(options.outDir, 'benchmarks-latency.svg'), charts.latency);
  writeFileSync(join(options.outDir, 'benchmarks-dynamodb.svg'), charts.capacity);
  const markdownFile = join(options.outDir, 'benchmarks.md');
  writeFileSync(markdownFile, renderMarkdown(report));
  return { report, markdownFile };
}
