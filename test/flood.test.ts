/**
 * A client flooding past the per-user message limit costs no database work once it is known to be
 * over it (found by `npm run bench:load`: every refused frame used to cost a read and a failing
 * send transaction, and the flood slowed everyone's sends down). The DynamoDB proxy counts the
 * requests.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type DynamoDbProxy, startDynamoDbProxy } from '../local/dynamodb-proxy';
import type { LocalStack } from '../local/local-stack';
import { connectAs, type Frame } from './support/chat-client';
import { startTestStack } from './support/test-stack';

let proxy: DynamoDbProxy;
let stack: LocalStack;

beforeAll(async () => {
  proxy = await startDynamoDbProxy({ target: inject('dynamodbEndpoint') });
  stack = await startTestStack({
    dynamodbEndpoint: proxy.endpoint,
    console: false,
    env: { SEND_RATE_LIMIT: '3', SEND_RATE_WINDOW_SECONDS: '60' },
  });
});

afterAll(async () => {
  await stack.stop();
  await proxy.stop();
});

describe('a sender over the message limit', () => {
  it('is refused without a DynamoDB round trip until the window ends', async () => {
    // Prepare: the limit is used up, the fourth send is refused by DynamoDB's counter.
    const flooder = await connectAs(stack, 'flooder');
    const send = (id: string) =>
      flooder.request({ action: 'sendmessage', id, conversationId: 'support:flooder', text: id });
    for (const id of ['m1', 'm2', 'm3']) expect((await send(id)).type).toBe('ack');
    const fourth = await send('m4');
    proxy.reset();
    // Act
    const flood: Frame[] = [];
    for (let i = 5; i < 25; i++) flood.push(await send(`m${i}`));
    // Assess
    expect(fourth).toMatchObject({ type: 'error', code: 'RATE_LIMITED' });
    for (const reply of flood) {
      expect(reply).toMatchObject({ type: 'error', code: 'RATE_LIMITED' });
      expect(reply.retryAfterMs).toBeGreaterThan(0);
      expect(reply.retryAfterMs).toBeLessThanOrEqual(60_000);
    }
    expect(proxy.calls().map((c) => c.operation)).toEqual([]);
    await flooder.close();
  });

  it('does not hold back anybody else', async () => {
    // Prepare
    const other = await connectAs(stack, 'bystander');
    // Act
    const reply = await other.request({
      action: 'sendmessage',
      id: 'b1',
      conversationId: 'support:bystander',
      text: 'still fine',
    });
    // Assess
    expect(reply).toMatchObject({ type: 'ack', message: { text: 'still fine' } });
    await other.close();
  });
});
