/**
 * Connection records and deliveries under DynamoDB failures (found by the chaos suite and by
 * review): API Gateway runs $disconnect once, and a refused $connect is never undone by anyone
 * else, so both retry within their time budget, and a close that fails part way leaves the
 * record, never an orphaned subscription; a stored and acked send stays acked when its recipient
 * lookup fails. The DynamoDB proxy's intercept hook makes DynamoDB fail for longer than the SDK's
 * own five attempts.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  type DynamoDbProxy,
  INTERNAL_SERVER_ERROR as SERVER_ERROR,
  startDynamoDbProxy,
} from '../local/dynamodb-proxy';
import { freePort } from '../local/free-port';
import type { LocalStack } from '../local/local-stack';
import { createDocumentClient } from '../functions/adapters/dynamo-client';
import { createDynamoConnectionRegistry } from '../functions/adapters/dynamo-connections';
import { ChatTestClient, connectAs, HandshakeRefused, login } from './support/chat-client';
import { startTestStack } from './support/test-stack';

let proxy: DynamoDbProxy;
let stack: LocalStack;
let db: DynamoDBDocumentClient;
const invoked: { routeKey: string; connectionId: string }[] = [];

beforeAll(async () => {
  proxy = await startDynamoDbProxy({ target: inject('dynamodbEndpoint') });
  stack = await startTestStack({
    dynamodbEndpoint: proxy.endpoint,
    console: false,
    onError: () => undefined,
  });
  stack.gateway.on('invocation', ({ routeKey, connectionId }) =>
    invoked.push({ routeKey, connectionId }),
  );
  db = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: inject('dynamodbEndpoint') }));
});

afterAll(async () => {
  proxy.setInterceptor(undefined);
  await stack.stop();
  await proxy.stop();
  db.destroy();
});

/** Fails the next `count` requests `matching`, then lets everything through. */
function failNext(
  count: number,
  matching: (operation: string, tables: readonly string[]) => boolean,
) {
  let left = count;
  proxy.setInterceptor(({ operation, tables }) => {
    if (left > 0 && matching(operation, tables)) {
      left--;
      return SERVER_ERROR;
    }
    return undefined;
  });
  return () => left;
}

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function leftovers(connectionId: string, topics: readonly string[]) {
  const { Item } = await db.send(
    new GetCommand({
      TableName: stack.tables.connections,
      Key: { connectionId },
      ConsistentRead: true,
    }),
  );
  const subscriptions: unknown[] = [];
  for (const topic of topics) {
    const { Items } = await db.send(
      new QueryCommand({
        TableName: stack.tables.subscriptions,
        KeyConditionExpression: 'topic = :t AND connectionId = :c',
        ExpressionAttributeValues: { ':t': topic, ':c': connectionId },
        ConsistentRead: true,
      }),
    );
    subscriptions.push(...(Items ?? []));
  }
  return { record: Item, subscriptions };
}

/** Polls until nothing of the connection is left, or 10 s passed; returns what is left. */
async function settledLeftovers(connectionId: string, topics: readonly string[]) {
  const deadline = Date.now() + 10_000;
  let left = await leftovers(connectionId, topics);
  while ((left.record || left.subscriptions.length > 0) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    left = await leftovers(connectionId, topics);
  }
  return left;
}

describe('connection records when DynamoDB fails', () => {
  it('$disconnect retries through a DynamoDB failure longer than the SDK retries', async () => {
    // Prepare
    const before = new Set(stack.gateway.connectionIds());
    const client = await connectAs(stack, 'brownout-a');
    const connectionId = stack.gateway.connectionIds().find((id) => !before.has(id)) as string;
    // More failures than the SDK's 5 attempts, on every write to the connection tables.
    const remaining = failNext(
      8,
      (operation, tables) =>
        operation !== 'GetItem' &&
        operation !== 'Query' &&
        tables.some((t) => t === stack.tables.connections || t === stack.tables.subscriptions),
    );
    try {
      // Act
      await client.close();
      await waitFor(() => remaining() === 0, 'the injected failures');
      // Assess: the record and its subscription are gone.
      expect(await settledLeftovers(connectionId, ['support:brownout-a'])).toEqual({
        record: undefined,
        subscriptions: [],
      });
    } finally {
      proxy.setInterceptor(undefined);
    }
  });

  it('a $connect that fails after registering removes what it registered', async () => {
    // Prepare: the record and its subscription are written, then reading the user's rooms fails
    // (past the SDK retries) for the whole handshake.
    const { token } = await login(stack, 'brownout-b');
    proxy.setInterceptor(({ operation, tables }) =>
      operation === 'Query' && tables.includes(stack.tables.members) ? SERVER_ERROR : undefined,
    );
    try {
      // Act
      const attempt = ChatTestClient.connect(
        `${stack.urls.websocket}?token=${encodeURIComponent(token)}`,
      );
      // Assess: refused, and nothing of the connection is left.
      await expect(attempt).rejects.toEqual(new HandshakeRefused(500));
      const connectionId = invoked.filter((i) => i.routeKey === '$connect').at(-1)?.connectionId;
      expect(connectionId).toBeDefined();
      expect(await leftovers(connectionId as string, ['support:brownout-b'])).toEqual({
        record: undefined,
        subscriptions: [],
      });
    } finally {
      proxy.setInterceptor(undefined);
    }
  });

  it('a close that fails part way leaves the record listing what remains, and a retry finishes it', async () => {
    // Prepare: a connection with two subscriptions, registered through the proxy.
    const registry = createDynamoConnectionRegistry(
      createDocumentClient({ endpoint: proxy.endpoint, region: 'us-east-1' }),
      stack.tables,
    );
    const connectionId = `half-closed-${Date.now()}`;
    const topics = ['support:half', 'room:half'];
    await registry.open(
      {
        connectionId,
        userId: 'half',
        name: 'Half',
        role: 'student',
        connectedAt: Date.now(),
        topics,
      },
      Math.floor(Date.now() / 1000) + 3600,
    );
    // Every subscription delete fails (past the SDK's retries) during the first close.
    proxy.setInterceptor(({ operation, body }) =>
      operation === 'BatchWriteItem' && JSON.stringify(body.RequestItems).includes('DeleteRequest')
        ? SERVER_ERROR
        : undefined,
    );
    // Act
    const first = registry.close(connectionId);
    await expect(first).rejects.toBeDefined();
    proxy.setInterceptor(undefined);
    const afterFailure = await leftovers(connectionId, topics);
    const second = await registry.close(connectionId);
    // Assess: the failed close deleted nothing it could not find again; the retry removed all.
    expect(afterFailure.record?.topics).toEqual(new Set(topics));
    expect([...(second?.topics ?? [])].sort()).toEqual([...topics].sort());
    expect(await leftovers(connectionId, topics)).toEqual({ record: undefined, subscriptions: [] });
  });
});

describe('a presence notice that fails', () => {
  it('does not refuse the student: the handshake succeeds and the record stays', async () => {
    // Prepare: the lookup of the desk's connections fails past the SDK's retries.
    const before = new Set(stack.gateway.connectionIds());
    const remaining = failNext(
      20,
      (operation, tables) => operation === 'Query' && tables.includes(stack.tables.subscriptions),
    );
    try {
      // Act
      const student = await connectAs(stack, 'presence-fails');
      proxy.setInterceptor(undefined);
      const connectionId = stack.gateway.connectionIds().find((id) => !before.has(id)) as string;
      const conversations = await student.request({ action: 'conversations' });

      // Assess
      expect(remaining()).toBeLessThanOrEqual(15);
      expect(conversations.type).toBe('conversations');
      expect((await leftovers(connectionId, ['support:presence-fails'])).record).toBeDefined();
      await student.close();
    } finally {
      proxy.setInterceptor(undefined);
    }
  });
});

describe('a send whose recipient lookup fails', () => {
  it('is acked once and never answered with an error; the others get it through sync', async () => {
    // Prepare: the desk is online, so the send has someone to look up.
    const student = await connectAs(stack, 'lookup-fails');
    const desk = await connectAs(stack, 'admin');
    // More failures than the SDK's five attempts at each of the two lookups (the conversation's
    // topic and the desk's), on the subscriptions table only.
    const remaining = failNext(
      20,
      (operation, tables) => operation === 'Query' && tables.includes(stack.tables.subscriptions),
    );
    try {
      // Act
      const ack = await student.request({
        action: 'sendmessage',
        id: 'lookup-1',
        conversationId: 'support:lookup-fails',
        text: 'stored, then the lookup fails',
      });
      await waitFor(() => remaining() <= 10, 'the lookups to fail past the SDK retries');
      proxy.setInterceptor(undefined);
      // The handler is done once the connection answers a later request; an error for the send
      // would have been posted before that answer.
      await student.request({ action: 'conversations' });
      const synced = await desk.request({
        action: 'sync',
        conversationId: 'support:lookup-fails',
        after: 0,
      });

      // Assess
      expect(ack.type).toBe('ack');
      expect(student.frames.filter((f) => f.id === 'lookup-1').map((f) => f.type)).toEqual(['ack']);
      expect((synced.messages as { text: string }[]).map((m) => m.text)).toEqual([
        'stored, then the lookup fails',
      ]);
    } finally {
      proxy.setInterceptor(undefined);
      await student.close();
      await desk.close();
    }
  });
});

describe('starting the local stack while DynamoDB fails', () => {
  it('releases the port when start-up fails, so a retry on the same port succeeds', async () => {
    // Prepare: every DynamoDB request fails while the stack starts (a restarted gateway meeting
    // a DynamoDB outage, as in the chaos suite).
    const port = await freePort();
    const options = {
      dynamodbEndpoint: proxy.endpoint,
      console: false as const,
      tablePrefix: process.env.TABLE_PREFIX,
      port,
    };
    proxy.setInterceptor(() => SERVER_ERROR);
    let failed: unknown;
    try {
      // Act
      await startTestStack(options).catch((error: unknown) => {
        failed = error;
      });
    } finally {
      proxy.setInterceptor(undefined);
    }
    const retried = await startTestStack(options);
    // Assess
    try {
      expect(failed).toBeInstanceOf(Error);
      expect(retried.port).toBe(port);
    } finally {
      await retried.stop();
    }
  });
});
