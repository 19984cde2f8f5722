/**
 * What the bench observes inside a stack process, besides DynamoDB calls: each handler invocation
 * (start, end) and the @connections posts made while it ran — the first post to the caller's own
 * connection is its ack. Sends are measured one at a time, so posts during an invocation are that
 * invocation's.
 */
import { performance } from 'node:perf_hooks';

export interface InvocationRecord {
  readonly handler: string;
  readonly connectionId: string;
  readonly startedAt: number;
  endedAt?: number;
  /** First post to any connection while it ran. */
  firstPostAt?: number;
  /** First post to the invoking connection (the ack, for sendmessage). */
  ackAt?: number;
  posts: number;
  postBytes: number;
}

const inflight = new Set<InvocationRecord>();
let records: InvocationRecord[] = [];

/** Marks the start of an invocation. */
export function beginInvocation(handler: string, connectionId: string): InvocationRecord {
  const record: InvocationRecord = {
    handler,
    connectionId,
    startedAt: performance.now(),
    posts: 0,
    postBytes: 0,
  };
  inflight.add(record);
  records.push(record);
  return record;
}

/** Marks its end. */
export function endInvocation(record: InvocationRecord): void {
  record.endedAt = performance.now();
  inflight.delete(record);
}

/** Notes a post to `connectionId`, for every invocation running now. */
export function notePost(connectionId: string, bytes: number): void {
  const now = performance.now();
  for (const record of inflight) {
    record.posts += 1;
    record.postBytes += bytes;
    record.firstPostAt ??= now;
    if (record.connectionId === connectionId) record.ackAt ??= now;
  }
}

/** Finished invocations since the last reset. */
export function invocations(): InvocationRecord[] {
  return records.filter((r) => r.endedAt !== undefined);
}

export function resetInvocations(): void {
  records = records.filter((r) => r.endedAt === undefined);
}

/** Resolves once no invocation is running (or after `timeoutMs`). */
export async function settleInvocations(timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (inflight.size > 0 && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
