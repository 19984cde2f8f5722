/**
 * Overload shedding: with the send gate's per-conversation limit at 1 (a test stack setting), a
 * second send to a conversation while the first is still being stored is refused at once with
 * BUSY and a retryAfterMs, nothing stored; the same frame sent again afterwards is stored.
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
  stack = await startTestStack({
    dynamodbEndpoint: proxy.endpoint,
    env: { SEND_MAX_IN_FLIGHT_PER_CONVERSATION: '1' },
  });
  admin = await connectAs(stack, 'admin');
});

afterAll(async () => {
  proxy.setInterceptor(undefined);
  await admin.close();
  await stack.stop();
  await proxy.stop();
});

describe('send gate', () => {
  it('answers BUSY with retryAfterMs while the conversation is full, and the resend is stored', async () => {
    // Prepare: the first send's transaction is held until the second send has been answered.
    const created = await admin.request({ action: 'createroom', title: 'Busy room' });
    const roomId = (created.conversation as { id: string }).id;
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let reached: () => void = () => undefined;
    const storing = new Promise<void>((resolve) => (reached = resolve));
    proxy.setInterceptor(async (request) => {
      if (request.operation === 'TransactWriteItems') {
        reached();
        await held;
      }
      return undefined;
    });

    // Act
    const first = admin.request({ action: 'sendmessage', conversationId: roomId, text: 'one' });
    // The first send is inside the gate (its transaction is held) before the second is sent.
    await storing;
    const second = await admin.request({
      action: 'sendmessage',
      conversationId: roomId,
      text: 'two',
    });
    release();
    proxy.setInterceptor(undefined);
    const firstAck = await first;
    // The resend, as the outbox does it: after each BUSY, wait its retryAfterMs (bounded tries).
    let again = second;
    for (let tries = 0; again.code === 'BUSY' && tries < 20; tries++) {
      await new Promise((resolve) => setTimeout(resolve, Number(again.retryAfterMs)));
      again = await admin.request({ action: 'sendmessage', conversationId: roomId, text: 'two' });
    }

    // Assess
    expect(second).toMatchObject({ type: 'error', code: 'BUSY' });
    expect(second.retryAfterMs).toBeGreaterThan(0);
    expect(firstAck).toMatchObject({ type: 'ack', message: { seq: 1, text: 'one' } });
    expect(again).toMatchObject({ type: 'ack', message: { seq: 2, text: 'two' } });
  });
});
