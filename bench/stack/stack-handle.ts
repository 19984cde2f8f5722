/** The orchestrator's handle on a bench stack process (see stack-process.ts). */
import type { DynamoDbCall, OperationTotals } from '../../local/dynamodb-proxy';
import { BenchChild } from '../ipc';
import type { ProfileSummary } from '../metrics/cpu-profile';
import type { DynamoOutcomes } from '../metrics/dynamo-outcomes';
import type { InvocationRecord } from './invocation-log';
import type { StackInfo, StackStartOptions } from './stack-process';

export interface StackMetrics {
  readonly calls: DynamoDbCall[];
  readonly totals: Record<string, OperationTotals>;
  readonly invocations: InvocationRecord[];
  readonly connections: number;
}

export class StackHandle {
  private constructor(
    private readonly child: BenchChild,
    readonly info: StackInfo,
    readonly system: StackStartOptions['system'],
  ) {}

  /** Starts a stack process running `options.system`. */
  static async start(options: StackStartOptions): Promise<StackHandle> {
    const child = await BenchChild.start(
      new URL('./stack-process.ts', import.meta.url),
      {
        LOG_LEVEL: 'SILENT',
        POWERTOOLS_LOG_LEVEL: 'SILENT',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
      // So `memory()` can collect garbage before it measures.
      ['--expose-gc'],
    );
    const info = await child.call<StackInfo>('start', options);
    return new StackHandle(child, info, options.system);
  }

  get pid(): number {
    return this.child.pid;
  }

  reset(): Promise<void> {
    return this.child.call('reset');
  }

  /** Waits until no invocation is running in the stack. */
  settle(): Promise<void> {
    return this.child.call('settle');
  }

  /** DynamoDB's answers by operation and error type since `resetOutcomes` (always counted). */
  outcomes(): Promise<DynamoOutcomes> {
    return this.child.call('outcomes');
  }

  resetOutcomes(): Promise<void> {
    return this.child.call('resetOutcomes');
  }

  setRecording(record: boolean): Promise<void> {
    return this.child.call('setRecording', record);
  }

  metrics(): Promise<StackMetrics> {
    return this.child.call('metrics');
  }

  /** Memory of the stack process after a full garbage collection, bytes. */
  memory(): Promise<{ rss: number; heapUsed: number }> {
    return this.child.call('memory');
  }

  /** Open connections of the gateway now. */
  connections(): Promise<number> {
    return this.child.call('connections');
  }

  /** Handler and gateway failures the stack reported, by message. */
  failures(): Promise<Record<string, number>> {
    return this.child.call('failures');
  }

  cpuUsage(): Promise<NodeJS.CpuUsage> {
    return this.child.call('cpuUsage');
  }

  startProfile(): Promise<void> {
    return this.child.call('startProfile');
  }

  stopProfile(file: string): Promise<ProfileSummary> {
    return this.child.call('stopProfile', file);
  }

  async stop(): Promise<void> {
    try {
      await this.child.call('stop');
    } finally {
      await this.child.stop();
    }
  }
}
