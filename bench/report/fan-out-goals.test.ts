import { describe, expect, it } from 'vitest';
import type { LatencySummary } from '../metrics/histogram';
import type { WorkSummary } from '../metrics/dynamo-work';
import type { ScenarioResult } from '../workloads/latency';
import { fanOutFloor, fanOutGoals } from './fan-out-goals';
import type { BenchReport } from './report-types';

const latency = (p99: number): LatencySummary => ({
  count: 100,
  p50: p99 / 2,
  p95: p99,
  p99,
  max: p99,
  mean: p99 / 2,
});

const work = (meanMs: number) =>
  ({
    durationMs: { mean: meanMs, p50: meanMs },
    dynamoWaitMs: meanMs / 4,
    requests: 4,
    roundTripsBeforeAck: { mean: 3, max: 3 },
    posts: 50,
  }) as unknown as WorkSummary;

function scenario(roomSize: number, ours: number, io: number, fnMs = 10): ScenarioResult {
  return {
    roomSize,
    totalConnections: roomSize,
    systems: [
      { system: 'ours', latency: latency(ours), failures: 0, work: work(fnMs) },
      { system: 'socketio', latency: latency(io), failures: 0 },
    ],
  } as unknown as ScenarioResult;
}

const verdicts = (latencyByRoomSize: ScenarioResult[]) =>
  fanOutGoals({ latencyByRoomSize }).map((g) => g.pass);

describe("issue 18's delivery goals", () => {
  it('pass when each figure is within its target', () => {
    expect(verdicts([scenario(50, 25, 5, 20.3), scenario(500, 150, 15)])).toEqual([
      true,
      true,
      true,
    ]);
  });

  it('fail on each figure past its target, one at a time', () => {
    expect(verdicts([scenario(50, 25.1, 5), scenario(500, 100, 15)])).toEqual([false, true, true]);
    // 500-member p99 within 150 ms, but 11× socket.io: the gap is not halved (21.9× before).
    expect(verdicts([scenario(50, 20, 5), scenario(500, 110, 10)])).toEqual([true, false, true]);
    expect(verdicts([scenario(50, 20, 5), scenario(500, 151, 100)])).toEqual([true, false, true]);
    expect(verdicts([scenario(50, 20, 5, 20.4), scenario(500, 100, 15)])).toEqual([
      true,
      true,
      false,
    ]);
  });

  it("splits the function's time into its DynamoDB waits and the rest", () => {
    const [, , fn] = fanOutGoals({ latencyByRoomSize: [scenario(50, 20, 5, 40)] });
    expect(fn?.measured).toMatch(/^mean 40(\.0)? ms: 10(\.0)? ms of it waiting on DynamoDB Local/);
    expect(fn?.measured).toContain('30.0 ms the rest');
    expect(fn?.measured).toContain('49 posts');
  });

  const postCost = (sdkMs: number, httpMs: number) =>
    ({
      recipients: 49,
      concurrency: 50,
      sdk: { variant: 'sdk', posts: 980, cpuMicrosPerPost: 250, fanOutMs: sdkMs, maxQueued: 0 },
      http: {
        variant: 'http',
        posts: 980,
        cpuMicrosPerPost: 60,
        fanOutMs: httpMs,
        maxQueued: 0,
      },
    }) satisfies BenchReport['postCost'];

  it("puts the function's floor at its DynamoDB wait plus the SDK fan-out's time alone", () => {
    expect(fanOutFloor(postCost(11.5, 3), 10)).toEqual({
      sdkMs: 11.5,
      httpMs: 3,
      functionMs: 21.5,
    });
  });

  it('says whether that floor is above the function-time target', () => {
    // work(40): a DynamoDB wait of 10 ms; 10 + 11.5 = 21.5 ms > 20.3 ms.
    const above = fanOutGoals({
      latencyByRoomSize: [scenario(50, 20, 5, 40)],
      postCost: postCost(11.5, 3),
    });
    expect(above[2]?.note).toContain('10.0 + 11.5 = 21.5 ms — above the 20.3 ms target');
    expect(above[2]?.note).toContain('250 µs of CPU a post');
    expect(above[2]?.note).toContain('bare node:http 3.0 ms, 60 µs a post');
    // 10 + 10.3 = 20.3 ms: at the target, not above it.
    const within = fanOutGoals({
      latencyByRoomSize: [scenario(50, 20, 5, 40)],
      postCost: postCost(10.3, 3),
    });
    expect(within[2]?.note).toContain('within the 20.3 ms target');
    // The delivery goal says what the posts take after the ack.
    expect(above[0]?.note).toContain('take the SDK client at least 11.5 ms');
    // Without the measurement, no floor is claimed.
    expect(fanOutGoals({ latencyByRoomSize: [scenario(50, 20, 5, 40)] })[2]?.note).toBeUndefined();
  });

  it('fail, saying so, when a room size was not measured', () => {
    const goals = fanOutGoals({ latencyByRoomSize: [scenario(2, 5, 1)] });
    expect(goals.map((g) => g.pass)).toEqual([false, false, false]);
    expect(goals.every((g) => g.measured === 'not measured at these sizes')).toBe(true);
  });
});
