/**
 * A room join racing a new connection of the same user, with DynamoDB's indexes lagging as they do
 * on AWS (members.byUser and connections.byUser are eventually consistent; DynamoDB Local is not,
 * so the DynamoDB proxy's `lagIndexes` fault mode stands in). Whichever runs second must see the
 * other, or the new connection misses the room's messages until it reconnects.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type DynamoDbProxy, startDynamoDbProxy } from '../local/dynamodb-proxy';
import type { LocalStack } from '../local/local-stack';
import { type ChatTestClient, connectAs } from './support/chat-client';
import { startTestStack } from './support/test-stack';

let proxy: DynamoDbProxy;
let stack: LocalStack;
let admin: ChatTestClient;

beforeAll(async () => {
  proxy = await startDynamoDbProxy({ target: inject('dynamodbEndpoint'), record: false });
  stack = await startTestStack({ dynamodbEndpoint: proxy.endpoint });
  admin = await connectAs(stack, 'admin');
});

afterAll(async () => {
  proxy.lagIndexes(false);
  await admin.close();
  await stack.stop();
  await proxy.stop();
});

async function newRoom(title: string): Promise<string> {
  const created = await admin.request({ action: 'createroom', title });
  return (created.conversation as { id: string }).id;
}

async function post(roomId: string, text: string): Promise<void> {
  const ack = await admin.request({ action: 'sendmessage', conversationId: roomId, text });
  expect(ack.type).toBe('ack');
}

const received = (client: ChatTestClient, roomId: string, text: string) =>
  client.next(
    (f) =>
      f.type === 'message' &&
      (f.message as { conversationId: string; text: string }).conversationId === roomId &&
      (f.message as { text: string }).text === text,
    10_000,
    `"${text}" in ${roomId}`,
  );

describe('join racing $connect, with lagging indexes', () => {
  it('subscribes a connection the join could not see in the index yet', async () => {
    const roomId = await newRoom('Race A');
    const first = await connectAs(stack, 'rhea');
    proxy.lagIndexes(true);
    // The new connection is not in connections.byUser yet when the join on the first one reads it.
    const second = await connectAs(stack, 'rhea');
    const joined = await first.request({ action: 'join', conversationId: roomId });
    await post(roomId, 'to both');

    expect(joined.type).toBe('joined');
    await expect(received(first, roomId, 'to both')).resolves.toBeDefined();
    await expect(received(second, roomId, 'to both')).resolves.toBeDefined();
    proxy.lagIndexes(false);
    await first.close();
    await second.close();
  });

  it('subscribes a new connection to a room joined just before, not yet in the index', async () => {
    const roomId = await newRoom('Race B');
    const first = await connectAs(stack, 'ravi');
    proxy.lagIndexes(true);
    // The membership is not in members.byUser yet when the new connection's $connect reads it.
    const joined = await first.request({ action: 'join', conversationId: roomId });
    const second = await connectAs(stack, 'ravi');
    await post(roomId, 'to the newcomer');

    expect(joined.type).toBe('joined');
    await expect(received(second, roomId, 'to the newcomer')).resolves.toBeDefined();
    proxy.lagIndexes(false);
    await first.close();
    await second.close();
  });
});
