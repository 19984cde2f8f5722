import { randomBytes } from 'node:crypto';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type DynamoDbProxy, startDynamoDbProxy } from './dynamodb-proxy';
import { productTableKeys } from './index-lag';

const table = `lag-${randomBytes(4).toString('hex')}`;
let proxy: DynamoDbProxy;
let client: DynamoDBClient;
const keys = (name: string) => (name === table ? ['id'] : undefined);

beforeAll(async () => {
  proxy = await startDynamoDbProxy({ target: inject('dynamodbEndpoint') });
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
      AttributeDefinitions: [
        { AttributeName: 'id', AttributeType: 'S' },
        { AttributeName: 'owner', AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byOwner',
          KeySchema: [{ AttributeName: 'owner', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  );
});

afterAll(async () => {
  client.destroy();
  await proxy.stop();
});

const item = (id: string) => ({ id: { S: id }, owner: { S: 'ann' } });

async function indexIds(): Promise<string[]> {
  const { Items = [], Count } = await client.send(
    new QueryCommand({
      TableName: table,
      IndexName: 'byOwner',
      KeyConditionExpression: '#o = :o',
      ExpressionAttributeNames: { '#o': 'owner' },
      ExpressionAttributeValues: { ':o': { S: 'ann' } },
    }),
  );
  expect(Count).toBe(Items.length);
  return Items.map((i) => String(i.id?.S)).sort();
}

describe('index lag', () => {
  it('hides items put since it began from index queries only, until it is lifted', async () => {
    await client.send(new PutItemCommand({ TableName: table, Item: item('before') }));
    proxy.lagIndexes(true, keys);
    await client.send(new PutItemCommand({ TableName: table, Item: item('put') }));
    await client.send(
      new TransactWriteItemsCommand({
        TransactItems: [{ Put: { TableName: table, Item: item('txn') } }],
      }),
    );
    await client.send(
      new BatchWriteItemCommand({
        RequestItems: { [table]: [{ PutRequest: { Item: item('batch') } }] },
      }),
    );

    const lagging = await indexIds();
    const direct = await client.send(
      new GetItemCommand({ TableName: table, Key: { id: { S: 'put' } }, ConsistentRead: true }),
    );
    proxy.lagIndexes(false);
    const caughtUp = await indexIds();

    expect(lagging).toEqual(['before']);
    expect(direct.Item?.id?.S).toBe('put');
    expect(caughtUp).toEqual(['batch', 'before', 'put', 'txn']);
  });

  it("knows the product tables' keys under any prefix", () => {
    expect(productTableKeys('t1234-campus-chat-connections')).toEqual(['connectionId']);
    expect(productTableKeys('campus-chat-members')).toEqual(['conversationId', 'userId']);
    expect(productTableKeys('something-else')).toBeUndefined();
  });
});
