/**
 * A DynamoDB Streams event-source mapping, run locally: it reads a table's stream with the real
 * `@aws-sdk/client-dynamodb-streams` client (DynamoDB Local implements the Streams API), filters
 * records with the mapping's filter criteria, delivers `DynamoDBStreamEvent`s of the shape Lambda
 * delivers, and handles failures as Lambda documents for stream sources
 * (https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html,
 * https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-batchfailurereporting.html):
 * - records of one shard are delivered in order, one batch at a time;
 * - a reply `{ batchItemFailures }` retries from the first failed record (the lowest sequence
 *   number reported); an identifier that is not in the batch fails the whole batch;
 * - a function error with bisect on splits the batch in two and retries each half (the split does
 *   not count against the retry quota);
 * - after `retryAttempts` retries, or once a record is older than `maxRecordAgeSeconds`, the batch
 *   goes to the on-failure destination (a record of the batch, not its contents) and the shard
 *   moves on.
 * The settings come from functions/event-sources.ts, as the CDK mapping's do.
 */
import {
  type _Record,
  type AttributeValue,
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { StreamEventSource } from '../functions/event-sources';
import { matchesAnyFilter } from './event-filter';

/** What the mapping sends its on-failure destination (Lambda's stream invocation record). */
export interface StreamFailureRecord {
  readonly requestContext: {
    readonly requestId: string;
    readonly functionArn: string;
    readonly condition: 'RetryAttemptsExhausted' | 'RecordAgeExceeded';
    readonly approximateInvokeCount: number;
  };
  readonly responseContext: { readonly functionError?: string };
  readonly version: '1.0';
  readonly timestamp: string;
  readonly DDBStreamBatchInfo: {
    readonly shardId: string;
    readonly startSequenceNumber: string;
    readonly endSequenceNumber: string;
    readonly approximateArrivalOfFirstRecord: string;
    readonly approximateArrivalOfLastRecord: string;
    readonly batchSize: number;
    readonly streamArn: string;
  };
}

export interface StreamPollerOptions {
  readonly client: DynamoDBStreamsClient;
  readonly streamArn: string;
  /** The region records are attributed to when the stream does not say. */
  readonly region: string;
  readonly source: StreamEventSource;
  /** Runs the handler; resolves with its reply or rejects with its error. */
  readonly invoke: (event: DynamoDBStreamEvent) => Promise<unknown>;
  /** The on-failure destination. */
  readonly onFailure: (record: StreamFailureRecord) => void;
  readonly onError?: (message: string, error: unknown) => void;
  /** Pause after a poll that found nothing new (default 250 ms: Lambda polls 4 times a second). */
  readonly idlePollMs?: number;
  /** Pause before a retry of a failed batch. */
  readonly retryDelayMs?: number;
}

interface ShardState {
  readonly shardId: string;
  iterator: string | undefined;
  /** The last record handed on (delivered, dropped by the filter, or sent to the destination). */
  lastSequence: string | undefined;
}

const DISCOVERY_INTERVAL_MS = 10_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One stream's poller: `start` positions it at the stream's end, `stop` ends the loop. */
export class StreamPoller {
  private readonly shards = new Map<string, ShardState>();
  private readonly finished = new Set<string>();
  private running = false;
  private discoveredAt = 0;
  private loop: Promise<void> | undefined;
  private invocations = 0;
  /** The last event delivered (tests replay it: stream delivery is at least once). */
  lastEvent: DynamoDBStreamEvent | undefined;

  constructor(private readonly options: StreamPollerOptions) {}

  /** Takes iterators for the open shards at the starting position, then polls until stopped. */
  async start(): Promise<void> {
    await this.discoverShards(this.options.source.startingPosition);
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** Hands the last delivered event to the handler again, as a redelivery would. */
  async redeliverLast(): Promise<unknown> {
    if (!this.lastEvent) throw new Error('nothing delivered yet');
    return this.options.invoke(this.lastEvent);
  }

  private async run(): Promise<void> {
    while (this.running) {
      let progressed = false;
      try {
        // Shards change rarely (about every 4 hours on AWS, or when one closes): look again now
        // and then, not on every poll.
        if (this.shards.size === 0 || Date.now() - this.discoveredAt > DISCOVERY_INTERVAL_MS)
          await this.discoverShards('TRIM_HORIZON');
        for (const shard of this.shards.values()) {
          if (!this.running) break;
          if (await this.pollShard(shard)) progressed = true;
        }
      } catch (error) {
        // A trimmed position is recovered on the next poll (pollShard): not worth a log line.
        if ((error as Error).name !== 'TrimmedDataAccessException')
          this.options.onError?.(
            `stream poll of ${this.options.source.id} failed (${(error as { operation?: string }).operation ?? 'DescribeStream'})`,
            error,
          );
      }
      if (!progressed) await sleep(this.options.idlePollMs ?? 250);
    }
  }

  /** Adds shards not seen before; new children of a closed shard start at their beginning. */
  private async discoverShards(position: 'LATEST' | 'TRIM_HORIZON'): Promise<void> {
    let exclusiveStartShardId: string | undefined;
    const found: Shard[] = [];
    do {
      const { StreamDescription } = await this.options.client.send(
        new DescribeStreamCommand({
          StreamArn: this.options.streamArn,
          ExclusiveStartShardId: exclusiveStartShardId,
        }),
      );
      found.push(...(StreamDescription?.Shards ?? []));
      exclusiveStartShardId = StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStartShardId);
    this.discoveredAt = Date.now();
    for (const shard of found) {
      const shardId = shard.ShardId;
      if (!shardId || this.shards.has(shardId) || this.finished.has(shardId)) continue;
      // A shard closed before we ever saw it has been read by no one yet: from its start.
      const closed = shard.SequenceNumberRange?.EndingSequenceNumber !== undefined;
      const state: ShardState = { shardId, iterator: undefined, lastSequence: undefined };
      state.iterator = await this.iterator(state, closed ? 'TRIM_HORIZON' : position);
      this.shards.set(shardId, state);
    }
  }

  private async iterator(
    shard: ShardState,
    position: 'LATEST' | 'TRIM_HORIZON',
  ): Promise<string | undefined> {
    const { ShardIterator } = await this.options.client.send(
      new GetShardIteratorCommand({
        StreamArn: this.options.streamArn,
        ShardId: shard.shardId,
        ...(shard.lastSequence
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: shard.lastSequence }
          : { ShardIteratorType: position }),
      }),
    );
    return ShardIterator;
  }

  /** Reads and hands on one page of a shard; whether it had records. */
  private async pollShard(shard: ShardState): Promise<boolean> {
    let page;
    let operation = 'GetShardIterator';
    try {
      shard.iterator ??= await this.iterator(shard, 'TRIM_HORIZON');
      operation = 'GetRecords';
      page = await this.options.client.send(
        new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: 1000 }),
      );
    } catch (error) {
      // An expired or failed iterator is taken again after the last record handed on.
      shard.iterator = undefined;
      // Past the shard's retention: start again from its oldest record (the handler is
      // idempotent; Lambda too may deliver a record again).
      if ((error as Error).name === 'TrimmedDataAccessException') shard.lastSequence = undefined;
      Object.assign(error as object, { operation: `${operation} ${shard.shardId}` });
      throw error;
    }
    const records = page.Records ?? [];
    const matching: DynamoDBRecord[] = [];
    for (const record of records) {
      const event = lambdaRecord(record, this.options.streamArn, this.options.region);
      if (matchesAnyFilter(event, this.options.source.filters)) matching.push(event);
    }
    for (let i = 0; i < matching.length; i += this.options.source.batchSize) {
      if (!this.running) return true;
      await this.deliver(shard.shardId, matching.slice(i, i + this.options.source.batchSize));
    }
    const last = records.at(-1)?.dynamodb?.SequenceNumber;
    if (last) shard.lastSequence = last;
    shard.iterator = page.NextShardIterator;
    if (!shard.iterator) {
      // The shard is closed and read to its end.
      this.shards.delete(shard.shardId);
      this.finished.add(shard.shardId);
    }
    return records.length > 0;
  }

  /** Delivers one batch until it succeeds, retrying or bisecting as the mapping is set to. */
  private async deliver(shardId: string, batch: DynamoDBRecord[]): Promise<void> {
    const source = this.options.source;
    let pending = batch;
    let retries = 0;
    let invokeCount = 0;
    while (pending.length > 0) {
      if (this.tooOld(pending))
        return this.fail(shardId, pending, 'RecordAgeExceeded', invokeCount);
      const event: DynamoDBStreamEvent = { Records: pending };
      this.lastEvent = event;
      this.invocations += 1;
      invokeCount += 1;
      let reply: unknown;
      let functionError = false;
      try {
        reply = await this.options.invoke(event);
      } catch (error) {
        functionError = true;
        this.options.onError?.(`${source.handler} failed a batch of ${pending.length}`, error);
      }
      const failedFrom = functionError ? 0 : firstFailure(reply, pending, source);
      if (failedFrom === undefined) return;
      if (functionError && source.bisectBatchOnError && pending.length > 1) {
        const half = Math.ceil(pending.length / 2);
        await this.deliver(shardId, pending.slice(0, half));
        await this.deliver(shardId, pending.slice(half));
        return;
      }
      pending = pending.slice(failedFrom);
      if (retries >= source.retryAttempts)
        return this.fail(shardId, pending, 'RetryAttemptsExhausted', invokeCount);
      retries += 1;
      await sleep(this.options.retryDelayMs ?? 200);
    }
  }

  private tooOld(batch: readonly DynamoDBRecord[]): boolean {
    const created = batch[0]?.dynamodb?.ApproximateCreationDateTime;
    return (
      created !== undefined && Date.now() / 1000 - created > this.options.source.maxRecordAgeSeconds
    );
  }

  private fail(
    shardId: string,
    batch: readonly DynamoDBRecord[],
    condition: StreamFailureRecord['requestContext']['condition'],
    approximateInvokeCount: number,
  ): void {
    const first = batch[0]?.dynamodb;
    const last = batch.at(-1)?.dynamodb;
    const arrival = (seconds: number | undefined) => new Date((seconds ?? 0) * 1000).toISOString();
    this.options.onFailure({
      requestContext: {
        requestId: `local-${this.invocations}`,
        functionArn: `arn:aws:lambda:local:000000000000:function:campus-chat-${this.options.source.handler}`,
        condition,
        approximateInvokeCount,
      },
      responseContext: condition === 'RetryAttemptsExhausted' ? { functionError: 'Unhandled' } : {},
      version: '1.0',
      timestamp: new Date().toISOString(),
      DDBStreamBatchInfo: {
        shardId,
        startSequenceNumber: first?.SequenceNumber ?? '',
        endSequenceNumber: last?.SequenceNumber ?? '',
        approximateArrivalOfFirstRecord: arrival(first?.ApproximateCreationDateTime),
        approximateArrivalOfLastRecord: arrival(last?.ApproximateCreationDateTime),
        batchSize: batch.length,
        streamArn: this.options.streamArn,
      },
    });
  }
}

/**
 * Index of the first record to retry, from a handler's reply; undefined when the batch succeeded.
 * Without ReportBatchItemFailures any reply is success. With it, an empty or absent list is
 * success, and an identifier that is not a sequence number of the batch fails all of it.
 */
function firstFailure(
  reply: unknown,
  batch: readonly DynamoDBRecord[],
  source: StreamEventSource,
): number | undefined {
  if (!source.reportBatchItemFailures) return undefined;
  const failures = (reply as { batchItemFailures?: unknown } | null | undefined)?.batchItemFailures;
  if (failures === undefined || failures === null) return undefined;
  if (!Array.isArray(failures)) return 0;
  if (failures.length === 0) return undefined;
  let first = batch.length;
  for (const failure of failures as { itemIdentifier?: unknown }[]) {
    const index = batch.findIndex(
      (record) => record.dynamodb?.SequenceNumber === failure?.itemIdentifier,
    );
    if (index < 0) return 0;
    first = Math.min(first, index);
  }
  return first;
}

/**
 * The record as Lambda hands it to a function: the stream record's fields, `eventSourceARN`, the
 * creation time in epoch seconds, and attribute values in their JSON form (binary as base64).
 */
export function lambdaRecord(record: _Record, streamArn: string, region: string): DynamoDBRecord {
  const change = record.dynamodb ?? {};
  const dynamodb: NonNullable<DynamoDBRecord['dynamodb']> = {};
  if (change.ApproximateCreationDateTime)
    dynamodb.ApproximateCreationDateTime = Math.floor(
      change.ApproximateCreationDateTime.getTime() / 1000,
    );
  if (change.Keys) dynamodb.Keys = jsonImage(change.Keys);
  if (change.NewImage) dynamodb.NewImage = jsonImage(change.NewImage);
  if (change.OldImage) dynamodb.OldImage = jsonImage(change.OldImage);
  if (change.SequenceNumber) dynamodb.SequenceNumber = change.SequenceNumber;
  if (change.SizeBytes !== undefined) dynamodb.SizeBytes = change.SizeBytes;
  if (change.StreamViewType) dynamodb.StreamViewType = change.StreamViewType;
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: record.eventSource ?? 'aws:dynamodb',
    awsRegion: record.awsRegion ?? region,
    dynamodb,
    eventSourceARN: streamArn,
    ...(record.userIdentity ? { userIdentity: { ...record.userIdentity } } : {}),
  };
}

type JsonAttribute = NonNullable<NonNullable<DynamoDBRecord['dynamodb']>['Keys']>[string];

function jsonImage(image: Record<string, AttributeValue>): Record<string, JsonAttribute> {
  return Object.fromEntries(Object.entries(image).map(([key, value]) => [key, jsonValue(value)]));
}

function jsonValue(value: AttributeValue): JsonAttribute {
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString('base64') };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  if (value.SS !== undefined) return { SS: value.SS };
  if (value.NS !== undefined) return { NS: value.NS };
  if (value.BS !== undefined) return { BS: value.BS.map((b) => Buffer.from(b).toString('base64')) };
  if (value.L !== undefined) return { L: value.L.map(jsonValue) };
  if (value.M !== undefined) return { M: jsonImage(value.M) };
  throw new Error('unknown attribute value type');
}
