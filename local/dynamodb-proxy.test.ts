import { randomBytes } from 'node:crypto';
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  capacityOf,
  consumedCapacity,
  type DynamoDbProxy,
  startDynamoDbProxy,
  tablesOf,
} from './dynamodb-proxy';

const table = `proxy-${randomBytes(4).toString('hex')}`;
let proxy: DynamoDbProxy;
let client: DynamoDBClient;

function clientFor(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
}

beforeAll(async () => {
  proxy = await startDynamoDbProxy({ target: inject('dynamodbEndpoint') });
  client = clientFor(proxy.endpoint);
  await client.send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'N' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    }),
  );
});

afterAll(async () => {
  client.destroy();
  await proxy.stop();
});

describe('DynamoDB proxy', () => {
  it('forwards requests and records operation, tables, timing and consumed capacity', async () => {
    // Prepare
    proxy.reset();
    // Act
    await client.send(
      new PutItemCommand({
        TableName: table,
        Item: { pk: { S: 'a' }, sk: { N: '1' }, v: { S: 'x'.repeat(3000) } },
      }),
    );
    const got = await client.send(
      new GetItemCommand({
        TableName: table,
        Key: { pk: { S: 'a' }, sk: { N: '1' } },
        ConsistentRead: true,
      }),
    );
    // Assess: the item went through, and the caller got ConsumedCapacity it never asked for.
    expect(got.Item?.v?.S).toHaveLength(3000);
    expect(got.ConsumedCapacity?.CapacityUnits).toBeGreaterThan(0);
    const calls = proxy.calls();
    expect(calls.map((c) => [c.operation, c.kind, c.tables])).toEqual([
      ['PutItem', 'write', [table]],
      ['GetItem', 'read', [table]],
    ]);
    // A ~3 KB item costs 3 write units and, read strongly consistent, 1 read unit.
    expect(calls.map((c) => c.capacityUnits)).toEqual([3, 1]);
    for (const call of calls) {
      expect(call.status).toBe(200);
      expect(call.injected).toBe(false);
      expect(call.endedAt).toBeGreaterThanOrEqual(call.startedAt);
    }
    expect(calls[1]?.seq).toBe((calls[0]?.seq ?? 0) + 1);
    expect(calls.map((c) => c.capacityByTable)).toEqual([{ [table]: 3 }, { [table]: 1 }]);
    expect(proxy.totals()).toEqual({
      PutItem: { count: 1, capacityUnits: 3, errors: 0 },
      GetItem: { count: 1, capacityUnits: 1, errors: 0 },
    });
  });

  it('sums capacity across the tables of a transaction and records its error type', async () => {
    // Prepare
    proxy.reset();
    const put = (sk: string) => ({
      Put: {
        TableName: table,
        Item: { pk: { S: 'tx' }, sk: { N: sk } },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
    // Act
    const written = await client.send(
      new TransactWriteItemsCommand({ TransactItems: [put('1'), put('2')] }),
    );
    const failed = client.send(new TransactWriteItemsCommand({ TransactItems: [put('1')] }));
    // Assess
    await expect(failed).rejects.toMatchObject({ name: 'TransactionCanceledException' });
    const [ok, cancelled] = proxy.calls();
    expect(ok?.operation).toBe('TransactWriteItems');
    // What DynamoDB returned, summed over the list. (DynamoDB Local reports 1 unit per small
    // item here; AWS bills transactional writes at 2: the bench's cost model applies that.)
    const returned = (written.ConsumedCapacity ?? []).reduce(
      (s, c) => s + (c.CapacityUnits ?? 0),
      0,
    );
    expect(returned).toBeGreaterThan(0);
    expect(ok?.capacityUnits).toBe(returned);
    expect(cancelled?.status).toBe(400);
    expect(cancelled?.errorType).toBe('TransactionCanceledException');
    expect(proxy.totals().TransactWriteItems?.errors).toBe(1);
  });

  it('keeps INDEXES when the caller asked for it', async () => {
    // Prepare
    proxy.reset();
    // Act
    const answer = await client.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: 'tx' } },
        ReturnConsumedCapacity: 'INDEXES',
      }),
    );
    // Assess
    expect(answer.Count).toBe(2);
    expect(answer.ConsumedCapacity?.Table?.CapacityUnits).toBeGreaterThan(0);
    expect(proxy.calls()[0]?.capacityUnits).toBe(answer.ConsumedCapacity?.CapacityUnits);
  });

  it('lets an intercept hook answer instead of DynamoDB (the fault-injection hook point)', async () => {
    // Prepare
    proxy.reset();
    proxy.setInterceptor((request) =>
      request.operation === 'PutItem'
        ? {
            status: 400,
            body: JSON.stringify({
              __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
              message: 'injected',
            }),
          }
        : undefined,
    );
    try {
      // Act
      const put = client.send(
        new PutItemCommand({ TableName: table, Item: { pk: { S: 'never' }, sk: { N: '1' } } }),
      );
      // Assess: the SDK sees DynamoDB's throttling error, and nothing was written.
      await expect(put).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException' });
      const read = await client.send(
        new GetItemCommand({ TableName: table, Key: { pk: { S: 'never' }, sk: { N: '1' } } }),
      );
      expect(read.Item).toBeUndefined();
      expect(proxy.calls().map((c) => [c.operation, c.injected, c.errorType])).toEqual([
        ['PutItem', true, 'ProvisionedThroughputExceededException'],
        ['GetItem', false, undefined],
      ]);
    } finally {
      proxy.setInterceptor(undefined);
    }
  });

  it('applies a request and loses its answer when the hook asks for it after forwarding', async () => {
    // Prepare: the crash-after-store case, as a caller sees it.
    proxy.reset();
    proxy.setInterceptor((request) =>
      request.operation === 'PutItem'
        ? {
            status: 500,
            afterForwarding: true,
            body: JSON.stringify({ __type: 'InternalServerError', message: 'injected' }),
          }
        : undefined,
    );
    try {
      // Act
      const put = client.send(
        new PutItemCommand({ TableName: table, Item: { pk: { S: 'applied' }, sk: { N: '1' } } }),
      );
      // Assess: the caller saw a failure, yet the item is stored.
      await expect(put).rejects.toMatchObject({ $metadata: { httpStatusCode: 500 } });
      const read = await client.send(
        new GetItemCommand({ TableName: table, Key: { pk: { S: 'applied' }, sk: { N: '1' } } }),
      );
      expect(read.Item?.pk?.S).toBe('applied');
      expect(proxy.calls()[0]).toMatchObject({ injected: true, forwarded: true, status: 500 });
    } finally {
      proxy.setInterceptor(undefined);
    }
  });

  it('resets the connection without an answer for a drop, before or after forwarding', async () => {
    // Prepare
    proxy.reset();
    proxy.setInterceptor((request) => {
      if (request.operation !== 'PutItem') return undefined;
      const pk = (request.body.Item as { pk: { S: string } }).pk.S;
      return { drop: true, afterForwarding: pk === 'dropped-after' };
    });
    try {
      // Act
      const before = client.send(
        new PutItemCommand({ TableName: table, Item: { pk: { S: 'dropped' }, sk: { N: '1' } } }),
      );
      const after = client.send(
        new PutItemCommand({
          TableName: table,
          Item: { pk: { S: 'dropped-after' }, sk: { N: '1' } },
        }),
      );
      // Assess: both callers saw a network failure; only the second write happened.
      await expect(before).rejects.toThrow();
      await expect(after).rejects.toThrow();
      proxy.setInterceptor(undefined);
      const get = (pk: string) =>
        client.send(
          new GetItemCommand({ TableName: table, Key: { pk: { S: pk }, sk: { N: '1' } } }),
        );
      expect((await get('dropped')).Item).toBeUndefined();
      expect((await get('dropped-after')).Item?.pk?.S).toBe('dropped-after');
      const puts = proxy.calls().filter((c) => c.operation === 'PutItem');
      expect(puts.map((c) => [c.status, c.errorType, c.forwarded]).sort()).toEqual([
        [0, 'ConnectionDropped', false],
        [0, 'ConnectionDropped', true],
      ]);
      expect(proxy.totals().PutItem?.errors).toBe(2);
    } finally {
      proxy.setInterceptor(undefined);
    }
  });

  it('keeps totals but no call list while recording is off', async () => {
    // Prepare
    proxy.reset();
    proxy.setRecording(false);
    try {
      // Act
      await client.send(
        new GetItemCommand({ TableName: table, Key: { pk: { S: 'a' }, sk: { N: '1' } } }),
      );
      // Assess
      expect(proxy.calls()).toEqual([]);
      expect(proxy.totals().GetItem?.count).toBe(1);
    } finally {
      proxy.setRecording(true);
    }
  });
});

describe('request and response parsing', () => {
  it('names the tables of single, batch and transaction requests', () => {
    expect(tablesOf({ TableName: 'a' })).toEqual(['a']);
    expect(tablesOf({ RequestItems: { a: {}, b: {} } })).toEqual(['a', 'b']);
    expect(
      tablesOf({ TransactItems: [{ Put: { TableName: 'a' } }, { Update: { TableName: 'c' } }] }),
    ).toEqual(['a', 'c']);
    expect(tablesOf({})).toEqual([]);
  });

  it('splits ConsumedCapacity by table', () => {
    expect(
      consumedCapacity(
        Buffer.from(
          '{"ConsumedCapacity":[{"TableName":"a","CapacityUnits":2},{"TableName":"b","CapacityUnits":6},{"TableName":"a","CapacityUnits":1}]}',
        ),
      ),
    ).toEqual({ capacityUnits: 9, capacityByTable: { a: 3, b: 6 } });
  });

  it('sums ConsumedCapacity given as an object or a list, and ignores what is not JSON', () => {
    expect(capacityOf(Buffer.from('{"ConsumedCapacity":{"CapacityUnits":2.5}}'))).toBe(2.5);
    expect(
      capacityOf(
        Buffer.from('{"ConsumedCapacity":[{"CapacityUnits":1},{"CapacityUnits":0.5},{}]}'),
      ),
    ).toBe(1.5);
    expect(capacityOf(Buffer.from('not json'))).toBe(0);
    expect(capacityOf(Buffer.alloc(0))).toBe(0);
  });
});
