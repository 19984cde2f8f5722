/**
 * A room member's later sends skip the read before the seq (functions/domain/known-members.ts):
 * the seq's increment and the message's transaction are the only requests before the ack, and the
 * transaction's conditions still decide. A resend (`resend: true`, as the outbox marks every try
 * after the first) reads first, so a stored id costs no seq; a member who left since is refused
 * with the same FORBIDDEN as before, at the cost of one filled seq, once.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type DynamoDbProxy, startDynamoDbProxy } from '../local/dynamodb-proxy';
import type { LocalStack } from '../local/local-stack';
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
  await Promise.all(open.map((c) => c.close()));
  await stack.stop();
  await proxy.stop();
});

async function client(name: string): Promise<ChatTestClient> {
  const c = await connectAs(stack, name);
  open.push(c);
  return c;
}

async function roomWith(title: string, ...names: string[]) {
  const admin = await client('admin');
  const created = await admin.request({ action: 'createroom', title });
  const roomId = (created.conversation as { id: string }).id;
  const members = [];
  for (const name of names) {
    const member = await client(name);
    expect((await member.request({ action: 'join', conversationId: roomId })).type).toBe('joined');
    members.push(member);
  }
  return { roomId, members };
}

/** The send path's own tables; the fan-out's subscription reads and the stream poller are not. */
const SEND_PATH = /-(conversations|members|messages|idempotency)$/;

/**
 * The DynamoDB operations one request made on the send path's tables, in order. The previous
 * send's fan-out (a Query on subscriptions) and the stream poller may land in the same window.
 */
async function operationsOf(request: () => Promise<Frame>): Promise<[Frame, string[]]> {
  proxy.reset();
  const answer = await request();
  const calls = proxy
    .calls()
    .filter((c) => c.operation !== 'GetRecords' && c.tables.some((t) => SEND_PATH.test(t)));
  return [answer, calls.map((c) => c.operation)];
}

const view = (page: Frame) =>
  (page.messages as Frame[]).map((m) => [m.seq, m.kind ?? m.text] as const);

describe('room sends of a known member', () => {
  it('take the seq without a read once the member passed the check; a resend reads first', async () => {
    // Prepare
    const { roomId, members } = await roomWith('Known room', 'gao', 'hu');
    const [gao, hu] = members as [ChatTestClient, ChatTestClient];
    const send =
      (id: string, text: string, extra: Record<string, unknown> = {}) =>
      () =>
        gao.request({ action: 'sendmessage', id, conversationId: roomId, text, ...extra });

    // Act
    const [first, firstOps] = await operationsOf(send('k-1', '第一条'));
    const [second, secondOps] = await operationsOf(send('k-2', '第二条'));
    const [resent, resentOps] = await operationsOf(send('k-2', '第二条', { resend: true }));
    const history = await hu.request({ action: 'sync', conversationId: roomId, after: 0 });

    // Assess: the first send read (conversation, member, idempotency key) before its seq; the
    // second went straight to the increment and the transaction; the resend read, found the id
    // and replayed its ack without taking a seq.
    expect(first).toMatchObject({ type: 'ack', message: { seq: 1 } });
    expect(firstOps).toEqual(['BatchGetItem', 'UpdateItem', 'TransactWriteItems']);
    expect(second).toMatchObject({ type: 'ack', message: { seq: 2, text: '第二条' } });
    expect(secondOps).toEqual(['UpdateItem', 'TransactWriteItems']);
    expect(resent).toEqual(second);
    expect(resentOps).toEqual(['BatchGetItem', 'GetItem']);
    expect(view(history)).toEqual([
      [1, '第一条'],
      [2, '第二条'],
    ]);
  });

  it('answer an unmarked repeat of a stored id with its original ack, stored once', async () => {
    // Prepare: a client that resends without saying so (an older app).
    const { roomId, members } = await roomWith('Repeat room', 'jin', 'kong');
    const [jin, kong] = members as [ChatTestClient, ChatTestClient];
    const frame = { action: 'sendmessage', conversationId: roomId };
    await jin.request({ ...frame, id: 'r-1', text: '先来一条' });
    const original = await jin.request({ ...frame, id: 'r-2', text: '只存一次' });

    // Act
    const repeated = await jin.request({ ...frame, id: 'r-2', text: '只存一次' });
    const next = await jin.request({ ...frame, id: 'r-3', text: '下一条' });
    const history = await kong.request({ action: 'sync', conversationId: roomId, after: 0 });

    // Assess: the original ack; the message once; the seq the repeat took is a filler (hidden
    // by clients), and seqs stay gap-free.
    expect(repeated).toEqual(original);
    expect(next).toMatchObject({ type: 'ack', message: { seq: 4 } });
    expect(view(history)).toEqual([
      [1, '先来一条'],
      [2, '只存一次'],
      [3, 'skipped'],
      [4, '下一条'],
    ]);
  });

  it('refuse a member who left since with FORBIDDEN, filling one seq once', async () => {
    // Prepare: lin is known to sendmessage, then leaves from another device.
    const { roomId, members } = await roomWith('Left room', 'lin', 'ma');
    const [lin, ma] = members as [ChatTestClient, ChatTestClient];
    const other = await client('lin');
    const frame = { action: 'sendmessage', conversationId: roomId };
    await lin.request({ ...frame, id: 'l-1', text: '我在' });
    expect((await other.request({ action: 'leave', conversationId: roomId })).type).toBe('left');

    // Act
    const [refused, refusedOps] = await operationsOf(() =>
      lin.request({ ...frame, id: 'l-2', text: '还在吗' }),
    );
    const [again, againOps] = await operationsOf(() =>
      lin.request({ ...frame, id: 'l-3', text: '还在吗' }),
    );
    const history = await ma.request({ action: 'sync', conversationId: roomId, after: 0 });

    // Assess: the same refusal as a send that read first; the first took a seq (filled at once),
    // the second read first and took none.
    expect(refused).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
    expect(refusedOps.slice(0, 3)).toEqual(['UpdateItem', 'TransactWriteItems', 'PutItem']);
    expect(refusedOps.at(-1)).toBe('BatchGetItem');
    expect(again).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
    expect(againOps).toEqual(['BatchGetItem']);
    expect(view(history)).toEqual([
      [1, '我在'],
      [2, 'skipped'],
    ]);
  });
});
