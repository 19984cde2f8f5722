/**
 * DynamoDB work per send, derived from what a stack process observed: the proxy's calls (with
 * their times) and the sendmessage invocations (start, ack, end). Sends are measured one at a
 * time, so the calls made while an invocation ran are that send's.
 */
import type { DynamoDbCall } from '../../local/dynamodb-proxy';
import type { InvocationRecord } from '../stack/invocation-log';

export interface SendWork {
  /** Sequential round trips completed before the ack (or, without an ack, the first post). */
  readonly roundTripsBeforeAck: number;
  readonly requests: number;
  readonly requestsBeforeAck: number;
  /**
   * Capacity units as DynamoDB (Local) reported them, summed: index writes included, transactional
   * items at 2 units per KB — the request units on-demand billing counts.
   */
  readonly readUnits: number;
  readonly writeUnits: number;
  /** Invocation duration, ms. */
  readonly durationMs: number;
  /**
   * Of it, the time at least one of its DynamoDB requests was outstanding, ms: what DynamoDB
   * (Local, here) costs the function in waiting, apart from its own work and its posts.
   */
  readonly dynamoWaitMs: number;
  /** @connections posts (ack + deliveries). */
  readonly posts: number;
  readonly postBytes: number;
  readonly operations: Readonly<Record<string, number>>;
  /** Capacity units by operation. */
  readonly unitsByOperation: Readonly<Record<string, number>>;
  /** Capacity units by table, named without their prefix (`messages`, `conversations`…). */
  readonly unitsByTable: Readonly<Record<string, number>>;
}

/** `bench1-campus-chat-messages` → `messages`; other names are kept. */
export function shortTableName(name: string): string {
  const at = name.indexOf('campus-chat-');
  return at >= 0 ? name.slice(at + 'campus-chat-'.length) : name;
}

/**
 * The calls' time spans merged where they overlap, in order: each span is one sequential step
 * (calls that overlap in time ran in parallel); a call starting as another ends starts a new one.
 */
function steps(
  calls: readonly Pick<DynamoDbCall, 'startedAt' | 'endedAt'>[],
): { from: number; to: number }[] {
  const sorted = [...calls].sort((a, b) => a.startedAt - b.startedAt);
  const merged: { from: number; to: number }[] = [];
  for (const call of sorted) {
    const last = merged.at(-1);
    if (last && call.startedAt < last.to) last.to = Math.max(last.to, call.endedAt);
    else merged.push({ from: call.startedAt, to: call.endedAt });
  }
  return merged;
}

/** Number of sequential steps: calls that overlap in time run in parallel and count once. */
export function sequentialRoundTrips(
  calls: readonly Pick<DynamoDbCall, 'startedAt' | 'endedAt'>[],
): number {
  return steps(calls).length;
}

/** Time covered by at least one of the calls, ms (overlapping calls count once). */
export function outstandingTime(
  calls: readonly Pick<DynamoDbCall, 'startedAt' | 'endedAt'>[],
): number {
  return steps(calls).reduce((total, step) => total + (step.to - step.from), 0);
}

/** The work of each invocation of `handler`, in order. */
export function workPerInvocation(
  calls: readonly DynamoDbCall[],
  invocations: readonly InvocationRecord[],
  handler = 'sendmessage',
): SendWork[] {
  return invocations
    .filter((i) => i.handler === handler && i.endedAt !== undefined)
    .sort((a, b) => a.startedAt - b.startedAt)
    .map((invocation) => {
      const end = invocation.endedAt as number;
      const mine = calls.filter((c) => c.startedAt >= invocation.startedAt && c.startedAt <= end);
      const boundary = invocation.ackAt ?? invocation.firstPostAt ?? end;
      const beforeAck = mine.filter((c) => c.endedAt <= boundary);
      let readUnits = 0;
      let writeUnits = 0;
      const operations: Record<string, number> = {};
      const unitsByOperation: Record<string, number> = {};
      const unitsByTable: Record<string, number> = {};
      for (const call of mine) {
        for (const [table, units] of Object.entries(call.capacityByTable)) {
          const short = shortTableName(table);
          unitsByTable[short] = (unitsByTable[short] ?? 0) + units;
        }
        operations[call.operation] = (operations[call.operation] ?? 0) + 1;
        unitsByOperation[call.operation] =
          (unitsByOperation[call.operation] ?? 0) + call.capacityUnits;
        if (call.kind === 'read') readUnits += call.capacityUnits;
        else if (call.kind === 'write') writeUnits += call.capacityUnits;
      }
      return {
        roundTripsBeforeAck: sequentialRoundTrips(beforeAck),
        requests: mine.length,
        requestsBeforeAck: beforeAck.length,
        readUnits,
        writeUnits,
        durationMs: end - invocation.startedAt,
        dynamoWaitMs: outstandingTime(mine),
        posts: invocation.posts,
        postBytes: invocation.postBytes,
        operations,
        unitsByOperation,
        unitsByTable,
      };
    });
}

export interface WorkSummary {
  readonly sends: number;
  readonly roundTripsBeforeAck: { readonly mean: number; readonly max: number };
  readonly requests: number;
  readonly requestsBeforeAck: number;
  readonly readUnits: number;
  readonly writeUnits: number;
  readonly durationMs: { readonly mean: number; readonly p50: number };
  /** Mean time waiting on DynamoDB per invocation, ms (see SendWork). */
  readonly dynamoWaitMs: number;
  readonly posts: number;
  readonly postBytes: number;
  /** Requests per send by operation (means). */
  readonly operations: Readonly<Record<string, number>>;
  /** Capacity units per send by operation (means). */
  readonly unitsByOperation: Readonly<Record<string, number>>;
  /** Capacity units per send by table (means). */
  readonly unitsByTable: Readonly<Record<string, number>>;
}

/** Means over sends (round trips also their max). */
export function summarizeWork(work: readonly SendWork[]): WorkSummary {
  const n = Math.max(1, work.length);
  const mean = (pick: (w: SendWork) => number) => work.reduce((s, w) => s + pick(w), 0) / n;
  const operations: Record<string, number> = {};
  const unitsByOperation: Record<string, number> = {};
  const unitsByTable: Record<string, number> = {};
  for (const w of work) {
    for (const [table, units] of Object.entries(w.unitsByTable)) {
      unitsByTable[table] = (unitsByTable[table] ?? 0) + units / n;
    }
    for (const [op, count] of Object.entries(w.operations)) {
      operations[op] = (operations[op] ?? 0) + count / n;
    }
    for (const [op, units] of Object.entries(w.unitsByOperation)) {
      unitsByOperation[op] = (unitsByOperation[op] ?? 0) + units / n;
    }
  }
  const durations = work.map((w) => w.durationMs).sort((a, b) => a - b);
  return {
    sends: work.length,
    roundTripsBeforeAck: {
      mean: mean((w) => w.roundTripsBeforeAck),
      max: work.reduce((m, w) => Math.max(m, w.roundTripsBeforeAck), 0),
    },
    requests: mean((w) => w.requests),
    requestsBeforeAck: mean((w) => w.requestsBeforeAck),
    readUnits: mean((w) => w.readUnits),
    writeUnits: mean((w) => w.writeUnits),
    durationMs: {
      mean: mean((w) => w.durationMs),
      p50: durations[Math.floor(durations.length / 2)] ?? 0,
    },
    dynamoWaitMs: mean((w) => w.dynamoWaitMs),
    posts: mean((w) => w.posts),
    postBytes: mean((w) => w.postBytes),
    operations,
    unitsByOperation,
    unitsByTable,
  };
}
