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
    // The stream poller's GetRecords would be counted with the sends; notifications are not
    // what this suite measures (test/notify.test.ts is).
    streams: false,
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

    // Act: a flood of sends (not waiting for replies), then time for them to be handled.
    const before = flooder.frames.length;
    for (let i = 5; i < 25; i++) {
      flooder.send({
        action: 'sendmessage',
        id: `m${i}`,
        conversationId: 'support:flooder',
        text: `m${i}`,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const flood: Frame[] = flooder.frames.slice(before);
    // Assess: the first refusal says when to retry; the rest of the window gets no reply at all
    // (one RATE_LIMITED per window), and none of it touched DynamoDB.
    expect(fourth).toMatchObject({ type: 'error', code: 'RATE_LIMITED' });
    expect(fourth.retryAfterMs).toBeGreaterThan(0);
    expect(fourth.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(flood).toEqual([]);
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
