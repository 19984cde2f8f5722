/**
 * Concurrent resends of one message (the same sender and `id`) from several connections at once,
 * while DynamoDB loses responses of applied writes (the crash-after-store case) and fails others:
 * every ack names the same stored message (same seq, same message id), and it is stored once,
 * with no gap in the conversation's seqs.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type DynamoDbProxy, startDynamoDbProxy } from '../local/dynamodb-proxy';
import type { LocalStack } from '../local/local-stack';
import { seededRandom } from '../client/testing/fake-clock';
import { type ChatTestClient, connectAs } from './support/chat-client';
import { startTestStack } from './support/test-stack';

let proxy: DynamoDbProxy;
let stack: LocalStack;
let admin: ChatTestClient;

const injected = (status: number, type: string) => ({
  status,
  body: JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message: 'test' }),
});

beforeAll(async () => {
  proxy = await startDynamoDbProxy({ target: inject('dynamodbEndpoint'), record: false });
  stack = await startTestStack({ dynamodbEndpoint: proxy.endpoint });
  admin = await connectAs(stack, 'admin');
});

afterAll(async () => {
  proxy.setInterceptor(undefined);
  await admin.close();
  await stack.stop();
  await proxy.stop();
});

describe('concurrent resends of one id under faults', () => {
  it('acks every resend with the same stored message, stored once, seqs gap-free', async () => {
    // Prepare: a room with other senders' traffic, and six connections of one sender.
    const created = await admin.request({ action: 'createroom', title: 'Resend race' });
    const roomId = (created.conversation as { id: string }).id;
    const devices = await Promise.all(Array.from({ length: 6 }, () => connectAs(stack, 'rhea')));
    await devices[0]?.request({ action: 'join', conversationId: roomId });
    const random = seededRandom(18);
    proxy.setInterceptor((request) => {
      if (request.operation !== 'TransactWriteItems') return Promise.resolve(undefined);
      const roll = random();
      // Applied, answer lost; or refused outright.
      if (roll < 0.3)
        return Promise.resolve({ ...injected(500, 'InternalServerError'), afterForwarding: true });
      if (roll < 0.4) return Promise.resolve(injected(500, 'InternalServerError'));
      return Promise.resolve(undefined);
    });
    const frame = {
      action: 'sendmessage',
      conversationId: roomId,
      id: 'rhea-resend-1',
      text: 'once',
    };

    // Act: every device sends the same frame at once, and resends it until acked.
    const others = Array.from({ length: 6 }, (_, i) =>
      admin.request({ action: 'sendmessage', conversationId: roomId, text: `other ${i}` }),
    );
    const acks = await Promise.all(
      devices.map(async (device) => {
        for (let tries = 0; tries < 20; tries++) {
          const reply = await device.request(frame, 20_000);
          if (reply.type === 'ack') return reply;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        throw new Error('never acked');
      }),
    );
    await Promise.allSettled(others);
    proxy.setInterceptor(undefined);
    const history = await admin.request({ action: 'sync', conversationId: roomId, after: 0 });

    // Assess
    const acked = acks.map((a) => a.message as { seq: number; id: string });
    expect(new Set(acked.map((m) => `${m.seq}/${m.id}`)).size).toBe(1);
    const stored = history.messages as { seq: number; clientId: string; id: string }[];
    expect(stored.filter((m) => m.clientId === 'rhea-resend-1').map((m) => m.id)).toEqual([
      acked[0]?.id,
    ]);
    expect(stored.map((m) => m.seq)).toEqual(stored.map((_, i) => i + 1));
    for (const device of devices) await device.close();
  });
});
