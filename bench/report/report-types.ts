/** The bench's result, as run.ts assembles it and the report writers read it. */
import type { BundleVariant } from '../cold-start/bundle';
import type { CampusProfile, CostLines, UserMonthLine } from '../cost/cost-model';
import type { DetectionResult } from '../heartbeat/dead-socket-probe';
import type { HeartbeatPolicy } from '../heartbeat/heartbeat-policy';
import type { MachineInfo } from '../machine';
import type { ProfileSummary } from '../metrics/cpu-profile';
import type { WorkSummary } from '../metrics/dynamo-work';
import type { BenchSizes } from '../options';
import type { FunctionsPlacement } from '../stack/stack-process';
import type { ScenarioResult } from '../workloads/latency';
import type { PostCostResult } from '../phases/post-cost-phase';
import type { SeqConflictScenario } from '../phases/seq-conflict-phase';
import type { OverloadStep } from '../workloads/overload';
import type { ThroughputStep } from '../workloads/throughput';

export interface ProcessCpu {
  readonly process: string;
  readonly cpuSeconds: number;
  /** Share of the whole machine (all cores) over the phase. */
  readonly shareOfMachine: number;
}

export interface ColdStartEntry {
  readonly handler: string;
  readonly variant: BundleVariant;
  readonly bytes: number;
  readonly gzipBytes: number;
  readonly initMedianMs: number;
  readonly memoryMb: number;
}

export interface PerThousandEntry {
  readonly label: string;
  readonly system: 'ours' | 'scan';
  readonly roomSize: number;
  readonly totalConnections: number;
  readonly lines: CostLines;
  readonly total: number;
}

export interface Goal {
  readonly goal: string;
  readonly target: string;
  readonly measured: string;
  readonly pass: boolean;
  readonly note?: string;
}

export interface BenchReport {
  readonly mode: BenchSizes['mode'];
  readonly sizes: BenchSizes;
  readonly command: string;
  readonly machine: MachineInfo;
  /** Where the stacks ran their handlers: a thread of their own (the default) or the gateway's. */
  readonly functions: FunctionsPlacement;
  readonly durationSeconds: number;
  /** 1, 5 and 15-minute load averages when the run ended (other work on the machine shows here). */
  readonly loadAverageAtEnd: readonly number[];
  readonly latencyByRoomSize: readonly ScenarioResult[];
  readonly scaling: readonly ScenarioResult[];
  readonly throughput: {
    readonly rooms: number;
    readonly members: number;
    readonly p99LimitMs: number;
    readonly steps: readonly ThroughputStep[];
    /** Highest offered rate whose step stayed within the limit (0 if none). */
    readonly sustainedRate: number;
    readonly sustainedDeliveriesPerSecond: number;
    readonly profile: ProfileSummary;
    readonly processCpu: readonly ProcessCpu[];
    /** The overload curve on the same rooms, at multiples of `baseRate` (the sustained rate). */
    readonly overload: {
      readonly baseRate: number;
      readonly retryBudgetMs: number;
      readonly steps: readonly OverloadStep[];
    };
  };
  /** Seq contention by room size and simultaneous senders. */
  readonly seqConflicts: readonly SeqConflictScenario[];
  readonly session: { readonly connect: WorkSummary; readonly disconnect: WorkSummary };
  readonly heartbeat: {
    readonly ours: HeartbeatPolicy & {
      readonly messagesPerIdleHour: number;
      /** A silent drop in the foreground is found this long after it, on average / at worst. */
      readonly silentDropMeanMs: number;
      readonly silentDropWorstMs: number;
    };
    readonly socketio: {
      readonly pingIntervalMs: number;
      readonly pingTimeoutMs: number;
      readonly messagesPerIdleHour: number;
    };
    readonly detection: DetectionResult;
  };
  readonly coldStart: { readonly runs: number; readonly entries: readonly ColdStartEntry[] };
  /** The fan-out's floor: a 49-post fan-out's client CPU, the handlers' SDK client and bare HTTP. */
  readonly postCost: PostCostResult;
  readonly cost: {
    readonly perThousand: readonly PerThousandEntry[];
    readonly profile: CampusProfile;
    readonly storedBytesPerMessage: number;
    readonly sendFit: { readonly recipients: number; readonly lines: CostLines };
    readonly userMonth: readonly UserMonthLine[];
    readonly userMonthTotal: number;
    /** The same month with socket.io's default heartbeat instead of ours. */
    readonly userMonthWithSocketIoHeartbeat: number;
  };
  readonly goals: readonly Goal[];
}
