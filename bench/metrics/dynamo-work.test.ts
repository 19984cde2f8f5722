import { describe, expect, it } from 'vitest';
import type { DynamoDbCall } from '../../local/dynamodb-proxy';
import type { InvocationRecord } from '../stack/invocation-log';
import {
  outstandingTime,
  sequentialRoundTrips,
  summarizeWork,
  workPerInvocation,
} from './dynamo-work';

function call(
  operation: string,
  kind: DynamoDbCall['kind'],
  startedAt: number,
  endedAt: number,
  capacityUnits: number,
): DynamoDbCall {
  return {
    seq: 0,
    operation,
    kind,
    tables: ['t'],
    startedAt,
    endedAt,
    status: 200,
    injected: false,
    forwarded: true,
    capacityUnits,
    capacityByTable: { 'p-campus-chat-t': capacityUnits },
  };
}

describe('sequential round trips', () => {
  it('counts overlapping calls once and back-to-back calls separately', () => {
    expect(sequentialRoundTrips([])).toBe(0);
    expect(sequentialRoundTrips([{ startedAt: 0, endedAt: 5 }])).toBe(1);
    expect(
      sequentialRoundTrips([
        { startedAt: 0, endedAt: 5 },
        { startedAt: 1, endedAt: 4 },
        { startedAt: 5, endedAt: 9 },
        { startedAt: 9.5, endedAt: 12 },
        { startedAt: 10, endedAt: 11 },
      ]),
    ).toBe(3);
  });
});

describe('time waiting on DynamoDB', () => {
  it('sums the time some call was outstanding, overlaps once, gaps not at all', () => {
    expect(outstandingTime([])).toBe(0);
    expect(
      outstandingTime([
        { startedAt: 5, endedAt: 9 },
        { startedAt: 0, endedAt: 5 },
        { startedAt: 1, endedAt: 4 },
        { startedAt: 10, endedAt: 12 },
        { startedAt: 10.5, endedAt: 11 },
      ]),
    ).toBe(11);
  });
});

describe('work per send', () => {
  it('attributes calls to the invocation that ran them and splits them at the ack', () => {
    // Prepare: a send (BatchGet, TransactWrite, ack, Query) and a call outside any invocation.
    const calls = [
      call('BatchGetItem', 'read', 1, 3, 2),
      call('TransactWriteItems', 'write', 3, 8, 5),
      call('Query', 'read', 9, 10, 0.5),
      call('GetItem', 'read', 50, 51, 1),
    ];
    const invocations: InvocationRecord[] = [
      {
        handler: 'sendmessage',
        connectionId: 'a',
        startedAt: 0,
        endedAt: 12,
        ackAt: 8.5,
        firstPostAt: 8.5,
        posts: 3,
        postBytes: 900,
      },
      { handler: 'join', connectionId: 'a', startedAt: 40, endedAt: 60, posts: 0, postBytes: 0 },
    ];
    // Act
    const [work, ...rest] = workPerInvocation(calls, invocations);
    // Assess
    expect(rest).toEqual([]);
    expect(work).toMatchObject({
      roundTripsBeforeAck: 2,
      requests: 3,
      requestsBeforeAck: 2,
      readUnits: 2.5,
      writeUnits: 5,
      durationMs: 12,
      dynamoWaitMs: 8,
      posts: 3,
      operations: { BatchGetItem: 1, TransactWriteItems: 1, Query: 1 },
      unitsByTable: { t: 7.5 },
    });
    expect(summarizeWork(work ? [work, work] : [])).toMatchObject({
      sends: 2,
      roundTripsBeforeAck: { mean: 2, max: 2 },
      requests: 3,
      dynamoWaitMs: 8,
      operations: { BatchGetItem: 1, TransactWriteItems: 1, Query: 1 },
    });
  });
});
