/**
 * A bench stack process: the local stack (gateway emulator + handlers in-process) behind a
 * DynamoDB proxy that counts and prices every request. Runs either our product (`ours`, the route
 * table of functions/routes.ts) or the Scan baseline (`scan`), each handler wrapped to time its
 * invocations. The orchestrator drives it over IPC (see StackHandle).
 */

import { writeFileSync } from 'node:fs';
import type { Profiler } from 'node:inspector';
import { Session } from 'node:inspector/promises';
import { type DynamoDbProxy, startDynamoDbProxy } from '../../local/dynamodb-proxy';
import { sourceHandlerUrl } from '../../local/gateway/lambda-runtime';
import { type LocalStack, startLocalStack } from '../../local/local-stack';
import { SCAN_ROUTES, scanHandlerUrl } from '../baselines/scan-chat/routes';

/** The handlers the Scan baseline implements itself. */
const SCAN_HANDLERS = new Set(
  SCAN_ROUTES.flatMap((r) => (r.integration.kind === 'lambda' ? [r.integration.handler] : [])),
);
import { createScanTable, scanTableName } from '../baselines/scan-chat/table';
import { serve } from '../ipc';
import { summarizeProfile } from '../metrics/cpu-profile';
import { OutcomeCounter } from '../metrics/dynamo-outcomes';
import { invocations, notePost, resetInvocations, settleInvocations } from './invocation-log';

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
}

let proxy: DynamoDbProxy | undefined;
let stack: LocalStack | undefined;
let profiler: Session | undefined;
const outcomes = new OutcomeCounter();
const failures: Record<string, number> = {};

function timedUrl(name: string, moduleUrl: string): string {
  const url = new URL('./timed-handler.ts', import.meta.url);
  url.search = new URLSearchParams({ module: moduleUrl, name }).toString();
  return url.href;
}

serve({
  async start(options: StackStartOptions): Promise<StackInfo> {
    proxy = await startDynamoDbProxy({ target: options.dynamodbEndpoint });
    proxy.on('call', (call) => outcomes.note(call));
    const env: Record<string, string> = { ...options.env };
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
      ...(options.system === 'scan'
        ? {
            routes: SCAN_ROUTES,
            // The stack always serves its HTTP routes (login, scan to log in) and event sources;
            // the baseline has only its WebSocket routes.
            resolveHandler: (h) =>
              timedUrl(h, SCAN_HANDLERS.has(h) ? scanHandlerUrl(h) : sourceHandlerUrl(h)),
          }
        : { resolveHandler: (h) => timedUrl(h, sourceHandlerUrl(h)) }),
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

  async startProfile(): Promise<void> {
    profiler = new Session();
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.setSamplingInterval', { interval: 500 });
    await profiler.post('Profiler.start');
  },

  /** Stops profiling; writes the .cpuprofile to `file` and returns its summary. */
  async stopProfile(file: string) {
    if (!profiler) throw new Error('not profiling');
    const { profile } = (await profiler.post('Profiler.stop')) as { profile: Profiler.Profile };
    profiler.disconnect();
    profiler = undefined;
    writeFileSync(file, JSON.stringify(profile));
    return summarizeProfile(profile);
  },

  async stop(): Promise<void> {
    await stack?.stop();
    await proxy?.stop();
  },
});
