import { randomBytes } from 'node:crypto';
import {
  CreateTableCommand,
  DynamoDBClient,
  PutItemCommand,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type DynamoDbProxy, startDynamoDbProxy } from '../../local/dynamodb-proxy';
import { contentionPer100, OutcomeCounter } from './dynamo-outcomes';

const table = `outcomes-${randomBytes(4).toString('hex')}-campus-chat-conversations`;
let proxy: DynamoDbProxy;
let client: DynamoDBClient;
const counter = new OutcomeCounter();

beforeAll(async () => {
  proxy = await startDynamoDbProxy({ target: inject('dynamodbEndpoint'), record: false });
  proxy.on('call', (call) => counter.note(call));
  client = new DynamoDBClient({
    endpoint: proxy.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  await client.send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    }),
  );
});

afterAll(async () => {
  client.destroy();
  await proxy.stop();
});

/** A write of item `pk` that only succeeds while the item does not exist. */
const putNew = (pk: string) => ({
  Put: {
    TableName: table,
    Item: { pk: { S: pk } },
    ConditionExpression: 'attribute_not_exists(pk)',
  },
});

describe('DynamoDB outcome counter (real DynamoDB Local behind the proxy)', () => {
  it('counts what DynamoDB refused by operation and error type, while no call list is kept', async () => {
    // Prepare
    counter.reset();
    // Act: a transaction that succeeds, the same again (its condition now fails: cancelled),
    // and a single-item conditional put that fails.
    await client.send(new TransactWriteItemsCommand({ TransactItems: [putNew('a')] }));
    await expect(
      client.send(new TransactWriteItemsCommand({ TransactItems: [putNew('a')] })),
    ).rejects.toThrow();
    await expect(client.send(new PutItemCommand(putNew('a').Put))).rejects.toThrow();
    // Assert
    const outcomes = counter.snapshot();
    expect(outcomes.TransactWriteItems).toEqual({
      requests: 2,
      errors: { TransactionCanceledException: 1 },
    });
    expect(outcomes.PutItem).toEqual({
      requests: 1,
      errors: { ConditionalCheckFailedException: 1 },
      conditionalByTable: { conversations: 1 },
    });
    expect(proxy.calls()).toHaveLength(0);
  });

  it('gives the refusals and write requests per 100 sends, previews kept apart', () => {
    const figures = contentionPer100(
      {
        TransactWriteItems: { requests: 6, errors: { TransactionCanceledException: 2 } },
        // Two refused updates: one a conversation's preview (kept by design), one elsewhere.
        UpdateItem: {
          requests: 4,
          errors: { ConditionalCheckFailedException: 2 },
          conditionalByTable: { conversations: 1, members: 1 },
        },
        // A refused filler put on the messages table is a failed condition, not a preview.
        PutItem: {
          requests: 2,
          errors: { ConditionalCheckFailedException: 1 },
          conditionalByTable: { conversations: 0, messages: 1 },
        },
        Query: { requests: 4, errors: {} },
      },
      4,
    );
    expect(figures).toEqual({
      cancelledTransactions: 50,
      conditionalFailures: 50,
      previewsKept: 25,
      writeRequests: 300,
      requests: 400,
    });
    expect(contentionPer100({}, 0).cancelledTransactions).toBe(0);
  });
});
