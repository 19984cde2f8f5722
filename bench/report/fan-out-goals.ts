/**
 * The delivery goals of issue 18, evaluated from the latency-by-room-size figures. The baselines
 * ("halved", "the gap halved") are the figures of the full run of 2026-11-21 that the issue quotes:
 * the function ran 40.6 ms per 50-member send, and a 500-member room's p99 was 348 ms against
 * socket.io's 15.9 ms (21.9×).
 */
import type { ScenarioResult, SystemResult } from '../workloads/latency';
import { fmt } from './format';
import type { BenchReport, Goal } from './report-types';

export const ROOM_50_P99_MS = 25;
export const ROOM_500_P99_MS = 150;
/** Ours ÷ socket.io p99 in a 500-member room on 2026-11-21, and the target: half of it. */
export const ROOM_500_GAP_BEFORE = 348 / 15.9;
/** Mean function time per 50-member send on 2026-11-21 (ms), and the target: half of it. */
export const FUNCTION_MS_BEFORE = 40.6;

/** One system's result in a scenario (undefined when it was not measured). */
export function system(
  scenario: ScenarioResult | undefined,
  id: SystemResult['system'],
): SystemResult | undefined {
  return scenario?.systems.find((s) => s.system === id);
}

/**
 * What the measured post cost (bench/phases/post-cost-phase.ts) says of a 50-member send: no fan-out
 * post overlaps a DynamoDB wait (the recipients are read before the first post), and the 49 posts
 * cannot take less inside the stack than through the same client with nothing else running and a
 * server that answers at once. So the function runs at least its DynamoDB wait plus that fan-out's
 * wall time.
 */
export function fanOutFloor(
  postCost: BenchReport['postCost'],
  dynamoWaitMs: number,
): { readonly sdkMs: number; readonly httpMs: number; readonly functionMs: number } {
  const sdkMs = postCost.sdk.fanOutMs;
  return { sdkMs, httpMs: postCost.http.fanOutMs, functionMs: dynamoWaitMs + sdkMs };
}

function floorNote(
  postCost: BenchReport['postCost'] | undefined,
  dynamoWaitMs: number,
  targetMs: number,
): string | undefined {
  if (!postCost) return undefined;
  const floor = fanOutFloor(postCost, dynamoWaitMs);
  const sdk = Math.round(postCost.sdk.cpuMicrosPerPost);
  const http = Math.round(postCost.http.cpuMicrosPerPost);
  return (
    `Floor, measured in this run: the ${postCost.recipients} posts alone take the handlers' SDK ` +
    `client ${fmt(floor.sdkMs)} ms with nothing else running and a server that answers at once ` +
    `(${sdk} µs of CPU a post; bare node:http ${fmt(floor.httpMs)} ms, ${http} µs a post), so the ` +
    `function runs at least ${fmt(dynamoWaitMs)} + ${fmt(floor.sdkMs)} = ${fmt(floor.functionMs)} ms — ` +
    (floor.functionMs > targetMs
      ? `above the ${fmt(targetMs)} ms target before any of the handlers' own work`
      : `within the ${fmt(targetMs)} ms target`)
  );
}

export function fanOutGoals(
  report: Pick<BenchReport, 'latencyByRoomSize'> & Partial<Pick<BenchReport, 'postCost'>>,
): Goal[] {
  const room = (size: number) => report.latencyByRoomSize.find((s) => s.roomSize === size);
  const ours50 = system(room(50), 'ours');
  const ours500 = system(room(500), 'ours');
  const io500 = system(room(500), 'socketio');
  const gap = ours500 && io500 ? ours500.latency.p99 / io500.latency.p99 : Number.NaN;
  const fnMs = ours50?.work?.durationMs.mean;
  return [
    {
      goal: 'Delivery to a 50-member room, issue 18',
      target: `p99 ≤ ${ROOM_50_P99_MS} ms`,
      measured: ours50
        ? `p99 ${fmt(ours50.latency.p99)} ms (acked at p99 ${fmt(ours50.ack?.p99 ?? Number.NaN)} ms)`
        : 'not measured at these sizes',
      pass: ours50 !== undefined && ours50.latency.p99 <= ROOM_50_P99_MS,
      ...withNote(
        ours50?.work && report.postCost
          ? `Before the first post the message is stored and acked (p99 ${fmt(ours50.ack?.p99 ?? Number.NaN)} ms); the ${report.postCost.recipients} posts then take the SDK client at least ${fmt(fanOutFloor(report.postCost, 0).sdkMs)} ms (see the function time below)`
          : undefined,
      ),
    },
    {
      goal: 'Delivery to a 500-member room',
      target: `p99 ≤ ${ROOM_500_P99_MS} ms, and the gap to socket.io half of ${fmt(ROOM_500_GAP_BEFORE)}× (≤ ${fmt(ROOM_500_GAP_BEFORE / 2)}×)`,
      measured:
        ours500 && io500
          ? `p99 ${fmt(ours500.latency.p99)} ms, socket.io ${fmt(io500.latency.p99)} ms: ${fmt(gap)}×`
          : 'not measured at these sizes',
      pass:
        ours500 !== undefined &&
        ours500.latency.p99 <= ROOM_500_P99_MS &&
        gap <= ROOM_500_GAP_BEFORE / 2,
    },
    {
      goal: 'Function time per 50-member send',
      target: `halved: mean ≤ ${fmt(FUNCTION_MS_BEFORE / 2)} ms (${fmt(FUNCTION_MS_BEFORE)} ms on 2026-11-21)`,
      measured:
        fnMs !== undefined && ours50?.work
          ? `mean ${fmt(fnMs)} ms: ${fmt(ours50.work.dynamoWaitMs)} ms of it waiting on DynamoDB Local (${fmt(ours50.work.requests, 2)} requests a send, in ${fmt(ours50.work.roundTripsBeforeAck.mean, 2)} sequential steps before the ack), ${fmt(fnMs - ours50.work.dynamoWaitMs)} ms the rest (the function's own work, its ack and ${fmt(ours50.work.posts - 1, 0)} posts)`
          : 'not measured at these sizes',
      pass: fnMs !== undefined && fnMs <= FUNCTION_MS_BEFORE / 2,
      ...withNote(
        ours50?.work
          ? floorNote(report.postCost, ours50.work.dynamoWaitMs, FUNCTION_MS_BEFORE / 2)
          : undefined,
      ),
    },
  ];
}

function withNote(note: string | undefined): { note?: string } {
  return note === undefined ? {} : { note };
}
