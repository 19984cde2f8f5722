/**
 * The throughput workload: an open-loop load on our stack (sends at a fixed rate, whatever the
 * answers), spread over several rooms and senders, stepping the rate up until p99 delivery passes
 * the limit or sends fail. Reports every step, and the last rate that stayed within the limit.
 */
import { performance } from 'node:perf_hooks';
import type { RoomHandle } from '../clients/room';
import { LatencyRecorder, type LatencySummary } from '../metrics/histogram';

export interface ThroughputStep {
  /** Offered sends per second. */
  readonly rate: number;
  readonly sent: number;
  readonly failures: number;
  /** Why sends failed: the error, with ids and counts left out, and how often. */
  readonly failureReasons: Readonly<Record<string, number>>;
  /** Completed sends and deliveries per second of the step. */
  readonly acceptedPerSecond: number;
  readonly deliveriesPerSecond: number;
  readonly latency: LatencySummary;
  readonly withinLimit: boolean;
}

export interface ThroughputPlan {
  readonly startRate: number;
  readonly factor: number;
  readonly maxSteps: number;
  readonly stepSeconds: number;
  /** p99 delivery limit, ms. */
  readonly p99LimitMs: number;
}

/** Runs one step at `rate` sends/s for `seconds` over `rooms`. */
export async function runStep(
  rooms: readonly RoomHandle[],
  rate: number,
  seconds: number,
  limitMs: number,
): Promise<ThroughputStep> {
  const total = Math.max(1, Math.round(rate * seconds));
  const recorder = new LatencyRecorder();
  let failures = 0;
  const failureReasons: Record<string, number> = {};
  let deliveries = 0;
  const started = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const room = rooms[i % rooms.length] as RoomHandle;
    const from = Math.floor(i / rooms.length) % room.size;
    inflight.push(
      room.send(from).then(
        (result) => {
          recorder.record(result.deliveredMs);
          deliveries += room.size - 1;
        },
        (error: unknown) => {
          failures += 1;
          const reason = String((error as Error)?.message ?? error)
            .replace(/^send \S+ /, '')
            .replace(/\d+/g, 'N');
          failureReasons[reason] = (failureReasons[reason] ?? 0) + 1;
        },
      ),
    );
  }
  await Promise.all(inflight);
  const elapsed = (performance.now() - started) / 1000;
  const latency = recorder.summary();
  return {
    rate,
    sent: total,
    failures,
    failureReasons,
    acceptedPerSecond: recorder.count / elapsed,
    deliveriesPerSecond: deliveries / elapsed,
    latency,
    withinLimit: failures === 0 && latency.p99 <= limitMs,
  };
}

/**
 * Steps the rate up from `startRate` by `factor` until a step breaks the limit. A step that breaks
 * it is run once more before the search stops — on a shared machine one burst of someone else's
 * work can spoil a step — and both attempts are reported.
 */
export async function runThroughput(
  rooms: readonly RoomHandle[],
  plan: ThroughputPlan,
): Promise<ThroughputStep[]> {
  const steps: ThroughputStep[] = [];
  let rate = plan.startRate;
  for (let i = 0; i < plan.maxSteps; i++) {
    let step = await runStep(rooms, rate, plan.stepSeconds, plan.p99LimitMs);
    steps.push(step);
    if (!step.withinLimit) {
      await new Promise((resolve) => setTimeout(resolve, 2000));
      step = await runStep(rooms, rate, plan.stepSeconds, plan.p99LimitMs);
      steps.push(step);
      if (!step.withinLimit) break;
    }
    rate = Math.round(rate * plan.factor);
    // Let queues drain between steps.
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return steps;
}
