/**
 * Overload shedding: with the send gate's per-conversation limit at 1 (a test stack setting), a
 * second send to a conversation while the first is still being stored is refused at once with
 * BUSY and a retryAfterMs, nothing stored; the same frame sent again afterwards is stored. A send
 * that keeps losing the seq race is shed with BUSY after SEND_SEQ_ATTEMPTS tries (not INTERNAL
 * after seconds of retries), and its resend is stored once.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type DynamoDbProxy, startDynamoDbProxy } from '../local/dynamodb-proxy';
import type { LocalStack } from '../local/local-stack';
import { type ChatTestClient, connectAs, type Frame } from './support/chat-client';
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

/** The resend, as the outbox does it: after each BUSY, wait its retryAfterMs (bounded tries). */
const resendWhileBusy = (frame: Record<string, unknown>, answer: Frame): Promise<Frame> =>
  admin.requestHonouringBusy(frame, 20, answer);

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
    const again = await resendWhileBusy(
      { action: 'sendmessage', conversationId: roomId, text: 'two' },
      second,
    );

    // Assess
    expect(second).toMatchObject({ type: 'error', code: 'BUSY' });
    expect(second.retryAfterMs).toBeGreaterThan(0);
    expect(firstAck).toMatchObject({ type: 'ack', message: { seq: 1, text: 'one' } });
    expect(again).toMatchObject({ type: 'ack', message: { seq: 2, text: 'two' } });
  });

  it('answers BUSY with retryAfterMs after a few lost seq races, and the resend is stored once', async () => {
    // Prepare: every message transaction is cancelled as a lost race (another transaction held
    // one of its items), the way a crowded room answers.
    const created = await admin.request({ action: 'createroom', title: 'Contended room' });
    const roomId = (created.conversation as { id: string }).id;
    let transactions = 0;
    proxy.setInterceptor((request) => {
      if (request.operation !== 'TransactWriteItems') return Promise.resolve(undefined);
      transactions++;
      return Promise.resolve({
        status: 400,
        headers: { 'content-type': 'application/x-amz-json-1.0' },
        body: JSON.stringify({
          __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
          message: 'Transaction cancelled, please refer cancellation reasons for specific reasons',
          CancellationReasons: [{ Code: 'TransactionConflict' }],
        }),
      });
    });
    const frame = { action: 'sendmessage', conversationId: roomId, text: 'contended', id: 'c-1' };

    // Act
    const shed = await admin.request(frame);
    const tried = transactions;
    proxy.setInterceptor(undefined);
    // Resends say so, as the outbox marks them (protocol.md, `resend`).
    const resend = { ...frame, resend: true };
    const resent = await admin.request(resend);
    // The first send's handler may still hold the gate (ack before delivery): BUSY is allowed.
    const again = await resendWhileBusy(resend, await admin.request(resend));
    const history = await admin.request({ action: 'sync', conversationId: roomId, after: 0 });

    // Assess: 4 tries at the seq the room's counter gave (SEND_SEQ_ATTEMPTS' default), then
    // BUSY, that seq filled as `skipped`; the resends are one message, at the next seq.
    expect(shed).toMatchObject({ type: 'error', code: 'BUSY' });
    expect(shed.retryAfterMs).toBeGreaterThan(0);
    expect(tried).toBe(4);
    expect(resent).toMatchObject({ type: 'ack', message: { seq: 2, text: 'contended' } });
    expect(again).toMatchObject({ type: 'ack', message: { seq: 2, text: 'contended' } });
    expect(
      (history.messages as { seq: number; kind?: string; text: string }[]).map((m) => [
        m.seq,
        m.kind ?? m.text,
      ]),
    ).toEqual([
      [1, 'skipped'],
      [2, 'contended'],
    ]);
  });
});
