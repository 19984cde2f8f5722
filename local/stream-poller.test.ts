/**
 * The local stream poller against DynamoDB Local's Streams API: the event it delivers has the
 * shape of a published Lambda event (aws-lambda-go's dynamodb-event.json), the mapping's filter
 * criteria decide what is delivered, and failures are retried, bisected and finally recorded as
 * Lambda does for stream sources.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventSource, type StreamEventSource } from '../functions/event-sources';
import { latestStreamArn } from './create-tables';
import { type StreamFailureRecord, StreamPoller } from './stream-poller';

const endpoint = inject('dynamodbEndpoint');
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const db = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials });
const streams = new DynamoDBStreamsClient({ endpoint, region: 'us-east-1', credentials });

const sample = JSON.parse(
  readFileSync(
    new URL('../test/fixtures/events/aws/lambda-go-dynamodb.json', import.meta.url),
    'utf8',
  ),
) as { Records: Record<string, unknown>[] };

let tableName: string;
let streamArn: string;

beforeAll(async () => {
  tableName = `stream-${randomBytes(4).toString('hex')}`;
  await db.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'conversationId', AttributeType: 'S' },
        { AttributeName: 'seq', AttributeType: 'N' },
      ],
      KeySchema: [
        { AttributeName: 'conversationId', KeyType: 'HASH' },
        { AttributeName: 'seq', KeyType: 'RANGE' },
      ],
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
    }),
  );
  streamArn = await latestStreamArn(db, tableName);
});

afterAll(() => {
  db.destroy();
  streams.destroy();
});

let seq = 0;
function message(conversationId: string, senderRole: string, extra: Record<string, unknown> = {}) {
  seq += 1;
  return db.send(
    new PutItemCommand({
      TableName: tableName,
      Item: {
        conversationId: { S: conversationId },
        seq: { N: String(seq) },
        senderRole: { S: senderRole },
        text: { S: `m${seq}` },
        ...(extra as Record<string, never>),
      },
    }),
  );
}

interface Harness {
  readonly poller: StreamPoller;
  readonly events: DynamoDBStreamEvent[];
  readonly failures: StreamFailureRecord[];
}

async function startPoller(
  reply: (event: DynamoDBStreamEvent, call: number) => unknown,
  settings: Partial<StreamEventSource> = {},
): Promise<Harness> {
  const events: DynamoDBStreamEvent[] = [];
  const failures: StreamFailureRecord[] = [];
  const poller = new StreamPoller({
    client: streams,
    streamArn,
    region: 'us-east-1',
    source: { ...eventSource('notify'), ...settings },
    invoke: async (event) => {
      events.push(structuredClone(event));
      return reply(event, events.length);
    },
    onFailure: (record) => failures.push(record),
    idlePollMs: 20,
    retryDelayMs: 1,
  });
  await poller.start();
  return { poller, events, failures };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 20));
  expect(condition()).toBe(true);
}

const seqsOf = (event: DynamoDBStreamEvent) =>
  event.Records.map((r) => Number(r.dynamodb?.NewImage?.seq?.N));

/** The attribute value without the Go serializer's null members. */
function typeTags(value: Record<string, unknown>): string[] {
  return Object.entries(value)
    .filter(([, v]) => v !== null)
    .map(([k]) => k);
}

describe('the event the poller delivers', () => {
  it('has every key of the published Lambda sample, with the same types', async () => {
    const { poller, events } = await startPoller(() => ({ batchItemFailures: [] }));
    await message('support:s1', 'admin', {
      flag: { BOOL: true },
      blob: { B: Buffer.from([0, 1, 42, 65]) },
      list: { L: [{ S: 'Cookies' }, { N: '3.14159' }] },
    });
    await until(() => events.length === 1);
    await poller.stop();

    const delivered = events[0]?.Records[0] as DynamoDBRecord & Record<string, unknown>;
    // TTL deletions alone carry userIdentity (the sample's first record is one); inserts do not.
    const expected = sample.Records[1] as Record<string, unknown>;
    expect(Object.keys(delivered).sort()).toEqual(Object.keys(expected).sort());
    for (const key of Object.keys(expected)) {
      expect(typeof delivered[key], key).toBe(typeof expected[key]);
    }
    const change = delivered.dynamodb as Record<string, unknown>;
    const expectedChange = expected.dynamodb as Record<string, unknown>;
    expect(Object.keys(change).sort()).toEqual(Object.keys(expectedChange).sort());
    for (const key of Object.keys(expectedChange)) {
      expect(typeof change[key], key).toBe(typeof expectedChange[key]);
    }
    expect(delivered.eventSource).toBe(expected.eventSource);
    expect(delivered.eventVersion).toBe(expected.eventVersion);
    expect(delivered.eventName).toBe('INSERT');
    expect(delivered.eventSourceARN).toBe(streamArn);
    expect(change.StreamViewType).toBe('NEW_IMAGE');
    expect(Number.isInteger(change.ApproximateCreationDateTime)).toBe(true);
    expect(change.SequenceNumber).toMatch(/^\d+$/);

    // Attribute values in their JSON form, as in the sample: binary as base64, nested L and M.
    const sampleImage = expectedChange.NewImage as Record<string, Record<string, unknown>>;
    const image = change.NewImage as Record<string, Record<string, unknown>>;
    expect(image.blob).toEqual({ B: sampleImage.Binary?.B });
    expect(typeTags(sampleImage.Boolean ?? {})).toEqual(Object.keys(image.flag ?? {}));
    expect(image.list).toEqual({ L: [{ S: 'Cookies' }, { N: '3.14159' }] });
    expect(change.Keys).toEqual({ conversationId: { S: 'support:s1' }, seq: image.seq });
  });
});

describe('filter criteria', () => {
  it('delivers support-conversation inserts by admins and students, and nothing else', async () => {
    const { poller, events } = await startPoller(() => ({ batchItemFailures: [] }), {
      maxBatchingWindowSeconds: 0,
    });
    const first = seq + 1;
    await message('room:r1', 'admin');
    await message('support:s2', 'admin');
    await message('supportish:s3', 'student');
    await message('support:s3', 'student');
    await message('support:s4', 'system');
    await until(() => events.flatMap(seqsOf).includes(first + 3));
    await poller.stop();
    expect(events.flatMap(seqsOf)).toEqual([first + 1, first + 3]);
  });
});

/** Settings that read the stream from its start, delivering only one conversation's records. */
function fromStart(conversationId: string): Partial<StreamEventSource> {
  return {
    startingPosition: 'TRIM_HORIZON',
    filters: [{ dynamodb: { NewImage: { conversationId: { S: [conversationId] } } } }],
  };
}

describe('failures', () => {
  it('retries from the first failed record of a partial failure', async () => {
    const first = seq + 1;
    let failOnce = true;
    await message('support:f1', 'admin');
    await message('support:f1', 'admin');
    await message('support:f1', 'admin');
    const { poller, events } = await startPoller((event) => {
      const failed = event.Records.find((r) => Number(r.dynamodb?.NewImage?.seq?.N) === first + 1);
      if (failed && failOnce) {
        failOnce = false;
        return { batchItemFailures: [{ itemIdentifier: failed.dynamodb?.SequenceNumber }] };
      }
      return { batchItemFailures: [] };
    }, fromStart('support:f1'));
    await until(() => events.flatMap(seqsOf).filter((s) => s === first + 2).length === 2);
    await poller.stop();
    const delivered = events.flatMap(seqsOf);
    // The first record is never delivered again; the failed one and the one after it are.
    expect(delivered.filter((s) => s === first)).toHaveLength(1);
    expect(delivered.filter((s) => s === first + 1)).toHaveLength(2);
  });

  it('bisects a failing batch, retries the bad record a bounded number of times, then records it', async () => {
    const bad = seq + 2;
    await message('support:b1', 'admin');
    await message('support:b1', 'admin');
    await message('support:b1', 'admin');
    const { poller, events, failures } = await startPoller(
      (event) => {
        if (seqsOf(event).includes(bad)) throw new Error('handler crashed');
        return { batchItemFailures: [] };
      },
      { retryAttempts: 2, ...fromStart('support:b1') },
    );
    await until(() => failures.length === 1);
    await message('support:b1', 'admin');
    await until(() => events.flatMap(seqsOf).includes(bad + 2));
    await poller.stop();

    const alone = events.filter((e) => e.Records.length === 1 && seqsOf(e)[0] === bad);
    expect(alone).toHaveLength(3); // the first try of the single record and its 2 retries
    expect(failures[0]?.requestContext.condition).toBe('RetryAttemptsExhausted');
    expect(failures[0]?.DDBStreamBatchInfo.batchSize).toBe(1);
    expect(failures[0]?.DDBStreamBatchInfo.streamArn).toBe(streamArn);
    // The good records around it were delivered, and the shard moved on past it.
    const succeeded = events.flatMap(seqsOf).filter((s) => s !== bad);
    expect(new Set(succeeded)).toEqual(new Set([bad - 1, bad + 1, bad + 2]));
  });

  it('treats an unknown itemIdentifier as a failure of the whole batch', async () => {
    const first = seq + 1;
    const { poller, events } = await startPoller((_event, call) =>
      call === 1 ? { batchItemFailures: [{ itemIdentifier: 'not-a-sequence-number' }] } : {},
    );
    await message('support:u1', 'admin');
    await until(() => events.length >= 2);
    await poller.stop();
    expect(seqsOf(events[1] as DynamoDBStreamEvent)).toEqual([first]);
  });
});
