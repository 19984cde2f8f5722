/**
 * The latency workload: sends, one at a time, from a room's sender until every other member has
 * the message; the systems of a scenario take turns in rounds, so each pair is measured side by
 * side under the same machine load. For systems running on a stack process, the DynamoDB work of
 * each send is derived from the proxy's calls and the handler's invocation.
 */
import type { RoomHandle, SystemId } from '../clients/room';
import {
  type SendWork,
  summarizeWork,
  type WorkSummary,
  workPerInvocation,
} from '../metrics/dynamo-work';
import { LatencyRecorder, type LatencySummary } from '../metrics/histogram';
import type { StackHandle } from '../stack/stack-handle';

export interface MeasuredSystem {
  readonly room: RoomHandle;
  /** The stack process behind the room, when there is one (ours, scan). */
  readonly stack?: StackHandle;
}

export interface SystemResult {
  readonly system: SystemId;
  readonly latency: LatencySummary;
  readonly ack?: LatencySummary;
  readonly failures: number;
  readonly work?: WorkSummary;
  /** The first send of a fresh connection (identity not yet cached by the function). */
  readonly firstSend?: SendWork;
}

export interface ScenarioResult {
  readonly roomSize: number;
  readonly totalConnections: number;
  readonly systems: readonly SystemResult[];
}

export interface LatencyPlan {
  readonly samples: number;
  readonly warmup: number;
  readonly rounds: number;
}

/** Measures every system of one scenario, taking turns. */
export async function measureScenario(
  systems: readonly MeasuredSystem[],
  plan: LatencyPlan,
  context: { roomSize: number; totalConnections: number },
): Promise<ScenarioResult> {
  const state = systems.map((s) => ({
    ...s,
    delivered: new LatencyRecorder(),
    acked: new LatencyRecorder(),
    failures: 0,
    work: [] as SendWork[],
    firstSend: undefined as SendWork | undefined,
  }));
  for (const s of state) {
    await s.stack?.reset();
    for (let i = 0; i < Math.max(1, plan.warmup); i++) {
      await s.room.send().catch(() => undefined);
      await s.stack?.settle();
    }
    if (s.stack) {
      const metrics = await s.stack.metrics();
      s.firstSend = workPerInvocation(metrics.calls, metrics.invocations)[0];
    }
  }
  const perRound = Math.max(1, Math.ceil(plan.samples / plan.rounds));
  for (let round = 0; round < plan.rounds; round++) {
    for (const s of state) {
      await s.stack?.reset();
      for (let i = 0; i < perRound; i++) {
        try {
          const result = await s.room.send();
          s.delivered.record(result.deliveredMs);
          if (result.ackMs !== undefined) s.acked.record(result.ackMs);
        } catch {
          s.failures += 1;
        }
        // One send at a time, through to the end of its invocation (the Scan baseline keeps
        // posting to other connections after the room has the message).
        await s.stack?.settle();
      }
      if (s.stack) {
        const metrics = await s.stack.metrics();
        s.work.push(...workPerInvocation(metrics.calls, metrics.invocations));
      }
    }
  }
  return {
    ...context,
    systems: state.map((s) => ({
      system: s.room.system,
      latency: s.delivered.summary(),
      ...(s.acked.count > 0 ? { ack: s.acked.summary() } : {}),
      failures: s.failures,
      ...(s.stack ? { work: summarizeWork(s.work) } : {}),
      ...(s.firstSend ? { firstSend: s.firstSend } : {}),
    })),
  };
}
