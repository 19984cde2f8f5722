/**
 * Rooms take their seqs from a counter (functions/domain/room-send.ts): 20 members sending at the
 * same moment get seqs 1..20 with no cancelled transaction at DynamoDB (the optimistic scheme
 * needed about N rounds for N senders); a send that dies after taking its seq leaves a hole that
 * a `sync` fills once it is SEQ_HOLE_AGE_MS old, and never before. The seq's increment writes the
 * room's preview too (one write per send besides the message's transaction), and a filled seq's
 * preview goes back to the newest message stored below it.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  type DynamoDbProxy,
  INTERNAL_SERVER_ERROR,
  startDynamoDbProxy,
} from '../local/dynamodb-proxy';
import type { LocalStack } from '../local/local-stack';
import { SEQ_HOLE_AGE_MS } from '../protocol/limits';
import { type ChatTestClient, connectAs, type Frame } from './support/chat-client';
import { startTestStack } from './support/test-stack';

let proxy: DynamoDbProxy;
let stack: LocalStack;
const open: ChatTestClient[] = [];

beforeAll(async () => {
  proxy = await startDynamoDbProxy({ target: inject('dynamodbEndpoint') });
  stack = await startTestStack({ dynamodbEndpoint: proxy.endpoint });
});

afterAll(async () => {
  proxy.setInterceptor(undefined);
  await Promise.all(open.map((c) => c.close()));
  await stack.stop();
  await proxy.stop();
});

async function member(name: string, roomId: string): Promise<ChatTestClient> {
  const client = await connectAs(stack, name);
  open.push(client);
  const joined = await client.request({ action: 'join', conversationId: roomId });
  expect(joined.type).toBe('joined');
  return client;
}

async function newRoom(title: string): Promise<string> {
  const admin = await connectAs(stack, 'admin');
  open.push(admin);
  const created = await admin.request({ action: 'createroom', title });
  return (created.conversation as { id: string }).id;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The room's last-message preview as `member`'s room list shows it (seq and text). */
async function previewOf(member: ChatTestClient, roomId: string) {
  const list = await member.request({ action: 'rooms' });
  const room = (list.rooms as Frame[]).find((r) => r.id === roomId);
  const last = room?.lastMessage as Frame | null | undefined;
  return last ? [last.seq, last.text] : last;
}

describe('room seqs from a counter', () => {
  it('numbers 20 simultaneous senders 1..20 without a cancelled transaction', async () => {
    // Prepare: 20 members, each with one message ready.
    const roomId = await newRoom('Crowded room');
    const members = await Promise.all(
      Array.from({ length: 20 }, (_, i) => member(`crowd${i}`, roomId)),
    );
    proxy.reset();

    // Act: everyone sends at once.
    const acks = await Promise.all(
      members.map((m, i) =>
        m.request({ action: 'sendmessage', conversationId: roomId, text: `hi ${i}` }),
      ),
    );
    const calls = [...proxy.calls()];
    const history = await members[0]?.request({
      action: 'sync',
      conversationId: roomId,
      after: 0,
      limit: 50,
    });

    // Assess: 20 acks at distinct seqs 1..20; DynamoDB cancelled none of the sends' transactions.
    expect(acks.map((a) => a.type)).toEqual(Array(20).fill('ack'));
    const seqs = acks.map((a) => (a.message as { seq: number }).seq).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const transactions = calls.filter((c) => c.operation === 'TransactWriteItems');
    expect(transactions).toHaveLength(20);
    expect(transactions.filter((c) => c.errorType !== undefined)).toEqual([]);
    // The increments carried the previews: no write per send besides them and the transactions.
    const updates = calls.filter((c) => c.operation === 'UpdateItem');
    expect(updates).toHaveLength(20);
    expect(updates.filter((c) => c.errorType !== undefined)).toEqual([]);
    const twentieth = acks.find((a) => (a.message as { seq: number }).seq === 20)?.message as Frame;
    expect(await previewOf(members[0] as ChatTestClient, roomId)).toEqual([20, twentieth.text]);
    expect((history?.messages as Frame[]).map((m) => m.text).sort()).toEqual(
      members.map((_, i) => `hi ${i}`).sort(),
    );
  });

  it('fills the seq of a send that died once it is old, not before, and the resend takes the next', async () => {
    // Prepare: ann's send fails after taking seq 1, and so does her filler (a crashed function).
    const roomId = await newRoom('Hole room');
    const ann = await member('ann', roomId);
    const ben = await member('ben', roomId);
    let dying = true;
    proxy.setInterceptor((request) => {
      const body = JSON.stringify(request.body);
      const failing =
        dying &&
        ((request.operation === 'TransactWriteItems' && body.includes('lost words')) ||
          (request.operation === 'PutItem' && body.includes('skipped')));
      return failing ? INTERNAL_SERVER_ERROR : undefined;
    });
    const lostFrame = {
      action: 'sendmessage',
      conversationId: roomId,
      text: 'lost words',
      id: 'l-1',
    };

    // Act
    const failed = await ann.request(lostFrame);
    dying = false;
    const after = await ben.request({
      action: 'sendmessage',
      conversationId: roomId,
      text: 'next',
    });
    const young = await ben.request({ action: 'sync', conversationId: roomId, after: 0 });
    await sleep(SEQ_HOLE_AGE_MS + 200);
    proxy.reset();
    const old = await ben.request({ action: 'sync', conversationId: roomId, after: 0 });
    const repairCalls = [...proxy.calls()];
    // Resends say so, as the outbox's do (client/outbox-sender.ts).
    const resent = await ann.request({ ...lostFrame, resend: true });
    const again = await ann.request({ ...lostFrame, resend: true });
    const final = await ben.request({ action: 'sync', conversationId: roomId, after: 0 });

    // Assess: the young hole stays (its send may still be on its way); the old one is filled;
    // the resend is stored once, at seq 3; seqs 1..3 with no gap.
    const view = (page: Frame) => (page.messages as Frame[]).map((m) => [m.seq, m.kind ?? m.text]);
    expect(failed).toMatchObject({ type: 'error', code: 'INTERNAL' });
    expect(after).toMatchObject({ type: 'ack', message: { seq: 2 } });
    expect(view(young)).toEqual([[2, 'next']]);
    expect(view(old)).toEqual([
      [1, 'skipped'],
      [2, 'next'],
    ]);
    expect(resent).toMatchObject({ type: 'ack', message: { seq: 3, text: 'lost words' } });
    expect(again).toMatchObject({ type: 'ack', message: { seq: 3 } });
    expect(view(final)).toEqual([
      [1, 'skipped'],
      [2, 'next'],
      [3, 'lost words'],
    ]);
    // The preview was ben's (seq 2), not the hole's: the repair wrote the filler and left the
    // conversation item alone.
    expect(repairCalls.filter((c) => c.operation === 'PutItem').map((c) => c.tables)).toEqual([
      [stack.tables.messages],
    ]);
    expect(
      repairCalls.filter(
        (c) => c.tables.includes(stack.tables.conversations) && c.kind === 'write',
      ),
    ).toEqual([]);
    const skipped = (final.messages as Frame[])[0];
    expect([skipped?.senderId, skipped?.text, skipped?.clientId]).toEqual(['', '', '']);
  });

  it('fills the seq of a send refused after allocation at once (the sender left the room)', async () => {
    // Prepare: cara's member item is gone by the time her message is written (she left from
    // another device between the send's read and its write).
    const roomId = await newRoom('Leaving room');
    const cara = await member('cara', roomId);
    const dan = await member('dan', roomId);
    await dan.request({ action: 'sendmessage', conversationId: roomId, text: 'welcome' });
    proxy.setInterceptor((request) => {
      // Cara's seq increment (it carries her preview).
      if (request.operation !== 'UpdateItem' || !JSON.stringify(request.body).includes('"bye"')) {
        return undefined;
      }
      proxy.setInterceptor(undefined);
      return cara.request({ action: 'leave', conversationId: roomId }).then(() => undefined);
    });

    // Act
    const refused = await cara.request({
      action: 'sendmessage',
      conversationId: roomId,
      text: 'bye',
    });
    const history = await dan.request({ action: 'sync', conversationId: roomId, after: 0 });

    // Assess: refused as a non-member; seq 2 is a filler straight away, with no wait; the room's
    // preview is dan's message again, not the refused one.
    expect(refused).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
    expect((history.messages as Frame[]).map((m) => [m.seq, m.kind ?? m.text])).toEqual([
      [1, 'welcome'],
      [2, 'skipped'],
    ]);
    expect(await previewOf(dan, roomId)).toEqual([1, 'welcome']);
  });

  it("puts a dead send's preview back when a sync fills its seq", async () => {
    // Prepare: eve writes seq 1; fay's send takes seq 2 and dies, filler and all.
    const roomId = await newRoom('Preview room');
    const eve = await member('eve', roomId);
    const fay = await member('fay', roomId);
    await eve.request({ action: 'sendmessage', conversationId: roomId, text: 'first' });
    proxy.setInterceptor((request) => {
      const body = JSON.stringify(request.body);
      const failing =
        (request.operation === 'TransactWriteItems' && body.includes('gone')) ||
        (request.operation === 'PutItem' && body.includes('skipped'));
      return failing ? INTERNAL_SERVER_ERROR : undefined;
    });
    const failed = await fay.request({
      action: 'sendmessage',
      conversationId: roomId,
      text: 'gone',
    });
    proxy.setInterceptor(undefined);

    // Act
    const during = await previewOf(eve, roomId);
    await sleep(SEQ_HOLE_AGE_MS + 200);
    const history = await eve.request({ action: 'sync', conversationId: roomId, after: 0 });
    const after = await previewOf(eve, roomId);

    // Assess: while the seq was a hole the preview was the send's (written with its seq, like
    // lastSeq); the sync filled the hole and the preview is eve's message again.
    expect(failed).toMatchObject({ type: 'error', code: 'INTERNAL' });
    expect(during).toEqual([2, 'gone']);
    expect((history.messages as Frame[]).map((m) => [m.seq, m.kind ?? m.text])).toEqual([
      [1, 'first'],
      [2, 'skipped'],
    ]);
    expect(after).toEqual([1, 'first']);
  });
});
