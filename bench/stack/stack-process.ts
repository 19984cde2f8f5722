/**
 * A bench stack process: the local stack behind a DynamoDB proxy that counts and prices every
 * request. The gateway emulator runs in the process's main thread and the handlers in a thread of
 * their own (local/gateway/thread-runtime.ts), as API Gateway and Lambda are separate services on
 * AWS, so a function's measured duration is its own work plus its waits, not the emulator's work
 * too; `BENCH_FUNCTIONS=in-process` runs them in the main thread instead, for comparison. Runs
 * either our product (`ours`, the route table of functions/routes.ts) or the Scan baseline
 * (`scan`), every invocation timed. The orchestrator drives it over IPC (see StackHandle).
 */

import { writeFileSync } from 'node:fs';
import type { Profiler } from 'node:inspector';
import { Session } from 'node:inspector/promises';
import { type DynamoDbProxy, startDynamoDbProxy } from '../../local/dynamodb-proxy';
import {
  type FunctionRuntime,
  LambdaRuntime,
  sourceHandlerUrl,
} from '../../local/gateway/lambda-runtime';
import { ThreadLambdaRuntime } from '../../local/gateway/thread-runtime';
import { type LocalStack, startLocalStack } from '../../local/local-stack';
import { SCAN_ROUTES, scanHandlerUrl } from '../baselines/scan-chat/routes';

/** The handlers the Scan baseline implements itself. */
const SCAN_HANDLERS = new Set(
  SCAN_ROUTES.flatMap((r) => (r.integration.kind === 'lambda' ? [r.integration.handler] : [])),
);
import { createScanTable, scanTableName } from '../baselines/scan-chat/table';
import { serve } from '../ipc';
import { summarizeProfile, type ThreadProfile } from '../metrics/cpu-profile';
import { OutcomeCounter } from '../metrics/dynamo-outcomes';
import { invocations, notePost, resetInvocations, settleInvocations } from './invocation-log';
import { THREAD_PROFILER } from './thread-profiler';
import { TimedRuntime } from './timed-runtime';

/** Where the handlers run: `thread` (the default) or `in-process`, from BENCH_FUNCTIONS. */
export type FunctionsPlacement = 'thread' | 'in-process';

function placement(): FunctionsPlacement {
  const value = process.env.BENCH_FUNCTIONS ?? 'thread';
  if (value !== 'thread' && value !== 'in-process') {
    throw new Error(`BENCH_FUNCTIONS must be thread or in-process, not ${value}`);
  }
  return value;
}

const PROFILER_SPEC = { handler: THREAD_PROFILER, memoryMb: 128, timeoutSeconds: 60 };

export interface StackStartOptions {
  readonly system: 'ours' | 'scan';
  readonly dynamodbEndpoint: string;
  readonly tablePrefix: string;
  readonly admins: string;
  readonly env: Record<string, string>;
}

export interface StackInfo {
  readonly websocket: string;
  readonly login: string;
  readonly dynamodbEndpoint: string;
  readonly functions: FunctionsPlacement;
}

let proxy: DynamoDbProxy | undefined;
let stack: LocalStack | undefined;
let profiler: Session | undefined;
/** What runs the handlers, untimed (the profiler's invocations are not the product's). */
let functions: FunctionRuntime | undefined;
const outcomes = new OutcomeCounter();
const failures: Record<string, number> = {};

/** A handler's module: the product's, the baseline's own, or the bench's thread profiler. */
function handlerUrl(system: 'ours' | 'scan', handler: string): string {
  if (handler === THREAD_PROFILER) return new URL('./thread-profiler.ts', import.meta.url).href;
  return system === 'scan' && SCAN_HANDLERS.has(handler)
    ? scanHandlerUrl(handler)
    : sourceHandlerUrl(handler);
}

serve({
  async start(options: StackStartOptions): Promise<StackInfo> {
    proxy = await startDynamoDbProxy({ target: options.dynamodbEndpoint });
    proxy.on('call', (call) => outcomes.note(call));
    const env: Record<string, string> = { ...options.env };
    const resolve = (handler: string) => handlerUrl(options.system, handler);
    functions =
      placement() === 'thread' ? new ThreadLambdaRuntime(resolve) : new LambdaRuntime(resolve);
    if (options.system === 'scan') {
      env.TABLE_NAME = scanTableName(options.tablePrefix);
      process.env.AWS_REGION ??= 'us-east-1';
      process.env.AWS_ACCESS_KEY_ID ??= 'local';
      process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
      await createScanTable(options.dynamodbEndpoint, env.TABLE_NAME);
    }
    stack = await startLocalStack({
      dynamodbEndpoint: proxy.endpoint,
      // The figures here are the chat's own table work; the stream consumers' reads and the
      // notifier's work are measured by their own scenario (bench/notify-bench.ts).
      streams: false,
      tablePrefix: options.tablePrefix,
      admins: options.admins,
      port: 0,
      env,
      onError: (message, error) => {
        failures[message] = (failures[message] ?? 0) + 1;
        console.error(`[${options.system} stack] ${message}:`, (error as Error)?.message ?? error);
      },
      // The stack always serves its HTTP routes (login, scan to log in) and event sources; the
      // baseline has only its WebSocket routes.
      ...(options.system === 'scan' ? { routes: SCAN_ROUTES } : {}),
      functionRuntime: new TimedRuntime(functions),
    });
    // Observe @connections posts (acks and deliveries) without changing what the gateway does.
    const gateway = stack.gateway;
    const post = gateway.post.bind(gateway);
    gateway.post = (connectionId, data) => {
      notePost(connectionId, data.byteLength);
      return post(connectionId, data);
    };
    proxy.reset();
    resetInvocations();
    return {
      websocket: stack.urls.websocket,
      login: stack.urls.login,
      dynamodbEndpoint: proxy.endpoint,
      functions: placement(),
    };
  },

  /** Forgets DynamoDB calls and invocations recorded so far. */
  reset(): void {
    proxy?.reset();
    resetInvocations();
  },

  /** Resolves once no handler invocation is running. */
  settle: () => settleInvocations(),

  /** What DynamoDB answered since the last `resetOutcomes`, by operation and error type. */
  outcomes: () => outcomes.snapshot(),

  resetOutcomes(): void {
    outcomes.reset();
  },

  setRecording(record: boolean): void {
    proxy?.setRecording(record);
  },

  /** DynamoDB calls, totals and handler invocations since the last reset, once all finished. */
  async metrics() {
    await settleInvocations();
    return {
      calls: proxy?.calls() ?? [],
      totals: proxy?.totals() ?? {},
      invocations: invocations(),
      connections: stack?.gateway.connectionCount ?? 0,
    };
  },

  memory(): { rss: number; heapUsed: number } {
    (globalThis as { gc?: () => void }).gc?.();
    const { rss, heapUsed } = process.memoryUsage();
    return { rss, heapUsed };
  },

  connections: () => stack?.gateway.connectionCount ?? 0,

  failures: () => failures,

  cpuUsage(): NodeJS.CpuUsage {
    return process.cpuUsage();
  },

  /** Profiles the main thread (the gateway) and, where they run apart, the functions' thread. */
  async startProfile(): Promise<void> {
    profiler = new Session();
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.setSamplingInterval', { interval: 500 });
    await profiler.post('Profiler.start');
    if (placement() === 'thread') {
      await functions?.load(THREAD_PROFILER);
      await functions?.invoke(PROFILER_SPEC, { op: 'start' });
    }
  },

  /**
   * Stops profiling; writes each thread's .cpuprofile (`file`, and `file` with `-functions`
   * before the extension) and returns their summary.
   */
  async stopProfile(file: string) {
    if (!profiler) throw new Error('not profiling');
    const { profile } = (await profiler.post('Profiler.stop')) as { profile: Profiler.Profile };
    profiler.disconnect();
    profiler = undefined;
    writeFileSync(file, JSON.stringify(profile));
    if (placement() !== 'thread') return summarizeProfile([{ thread: 'stack', profile }]);
    const inThread = (await functions?.invoke(PROFILER_SPEC, { op: 'stop' })) as Profiler.Profile;
    writeFileSync(file.replace(/(\.cpuprofile)?$/, '-functions$1'), JSON.stringify(inThread));
    const threads: ThreadProfile[] = [
      { thread: 'gateway', profile },
      { thread: 'functions', profile: inThread },
    ];
    return summarizeProfile(threads);
  },

  async stop(): Promise<void> {
    await stack?.stop();
    await proxy?.stop();
  },
});
