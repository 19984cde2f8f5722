/**
 * Every protocol error code, produced by real frames over a real connection: the error is the
 * documented one, echoes the frame id, never closes the connection, and never changes stored data.
 */
import { DeleteItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../local/local-stack';
import { type ChatTestClient, connectAs, type Frame } from './support/chat-client';
import { startTestStack } from './support/test-stack';

let stack: LocalStack;
const open: ChatTestClient[] = [];

async function client(name: string): Promise<ChatTestClient> {
  const c = await connectAs(stack, name);
  open.push(c);
  return c;
}

beforeAll(async () => {
  stack = await startTestStack({
    env: {
      SEND_RATE_LIMIT: '5',
      SEND_RATE_WINDOW_SECONDS: '600',
      TYPING_BURST: '3',
      FRAME_BURST: '30',
      FRAME_PER_SECOND: '0.001',
      TYPING_PER_SECOND: '0.001',
    },
  });
});

afterAll(async () => {
  await Promise.all(open.map((c) => c.close()));
  await stack.stop();
});

function errorOf(reply: Frame): { code: unknown; id: unknown } {
  expect(reply.type, JSON.stringify(reply)).toBe('error');
  expect(typeof reply.message).toBe('string');
  // Never a stack trace or an internal detail.
  expect(reply.message as string).not.toMatch(/\n\s+at |Exception|dynamodb/i);
  return { code: reply.code, id: reply.id };
}

describe('BAD_REQUEST and UNKNOWN_ACTION', () => {
  it('answers malformed frames with a documented error and keeps the connection and data intact', async () => {
    // Prepare
    const amy = await client('amy');
    const before = await amy.request({
      action: 'sendmessage',
      conversationId: 'support:amy',
      text: 'kept',
    });
    const cases: [string, unknown, string, string | undefined][] = [
      ['not JSON', 'hello there', 'BAD_REQUEST', undefined],
      ['a JSON array', '[1,2,3]', 'BAD_REQUEST', undefined],
      ['a JSON string', '"sendmessage"', 'BAD_REQUEST', undefined],
      ['no action', { id: 'b1', text: 'x' }, 'BAD_REQUEST', 'b1'],
      ['a numeric action', { id: 'b2', action: 7 }, 'BAD_REQUEST', 'b2'],
      ['an unknown action', { id: 'b3', action: 'teleport' }, 'UNKNOWN_ACTION', 'b3'],
      [
        'sendmessage without id',
        { action: 'sendmessage', conversationId: 'support:amy', text: 'x' },
        'BAD_REQUEST',
        undefined,
      ],
      [
        'an over-long id',
        { action: 'sendmessage', id: 'i'.repeat(65), conversationId: 'support:amy', text: 'x' },
        'BAD_REQUEST',
        undefined,
      ],
      [
        'a numeric conversationId',
        { action: 'sendmessage', id: 'b4', conversationId: 42, text: 'x' },
        'BAD_REQUEST',
        'b4',
      ],
      [
        'text missing',
        { action: 'sendmessage', id: 'b5', conversationId: 'support:amy' },
        'BAD_REQUEST',
        'b5',
      ],
      [
        'blank text',
        { action: 'sendmessage', id: 'b6', conversationId: 'support:amy', text: ' \n\t ' },
        'BAD_REQUEST',
        'b6',
      ],
      [
        'a lone surrogate',
        '{"action":"sendmessage","id":"b7","conversationId":"support:amy","text":"a\\ud800b"}',
        'BAD_REQUEST',
        'b7',
      ],
      [
        'a negative seq',
        { action: 'read', id: 'b8', conversationId: 'support:amy', seq: -1 },
        'BAD_REQUEST',
        'b8',
      ],
      [
        'a fractional after',
        { action: 'sync', id: 'b9', conversationId: 'support:amy', after: 1.5 },
        'BAD_REQUEST',
        'b9',
      ],
      [
        'before not after after',
        { action: 'sync', id: 'b10', conversationId: 'support:amy', after: 5, before: 5 },
        'BAD_REQUEST',
        'b10',
      ],
      [
        'typing not boolean',
        { action: 'typing', id: 'b11', conversationId: 'support:amy', typing: 'yes' },
        'BAD_REQUEST',
        'b11',
      ],
    ];

    // Act and assess, frame by frame
    for (const [what, frame, code, id] of cases) {
      const reply = amy.waitNew((f) => f.type === 'error', 10_000, `error for ${what}`);
      amy.send(frame);
      const error = errorOf(await reply);
      expect(error, what).toEqual({ code, id });
    }
    const reused = await amy.request({
      action: 'sendmessage',
      id: before.id,
      conversationId: 'support:zed',
      text: 'x',
    });
    const after = await amy.request({ action: 'sync', conversationId: 'support:amy' });

    expect(errorOf(reused).code).toBe('FORBIDDEN');
    expect(amy.closed).toBeUndefined();
    expect(after.messages).toEqual([before.message]);
  });

  it('refuses an id already used for another conversation', async () => {
    const admin = await client('admin');
    const bea = await client('bea');
    await bea.request({ action: 'sendmessage', conversationId: 'support:bea', text: 'hi' });
    const room = await admin.request({ action: 'createroom', title: 'Reuse test' });
    const roomId = (room.conversation as Frame).id as string;
    await bea.request({ action: 'join', conversationId: roomId });

    const first = await bea.request({
      action: 'sendmessage',
      id: 'same',
      conversationId: 'support:bea',
      text: 'a',
    });
    const second = await bea.request({
      action: 'sendmessage',
      id: 'same',
      conversationId: roomId,
      text: 'b',
    });
    const roomHistory = await bea.request({ action: 'sync', conversationId: roomId });

    expect(first.type).toBe('ack');
    expect(errorOf(second)).toEqual({ code: 'BAD_REQUEST', id: 'same' });
    expect(roomHistory.messages).toEqual([]);
  });
});

describe('FORBIDDEN and NOT_FOUND', () => {
  it("keeps students out of each other's conversations and out of rooms they did not join", async () => {
    const cleo = await client('cleo');
    const dina = await client('dina');
    const admin = await client('admin');
    await dina.request({ action: 'sendmessage', conversationId: 'support:dina', text: 'private' });
    const room = await admin.request({ action: 'createroom', title: 'Members only' });
    const roomId = (room.conversation as Frame).id as string;

    const replies = await Promise.all([
      cleo.request({ action: 'sync', conversationId: 'support:dina' }),
      cleo.request({ action: 'sendmessage', conversationId: 'support:dina', text: 'hi' }),
      cleo.request({ action: 'sync', conversationId: 'support:nobody-ever' }),
      cleo.request({ action: 'sync', conversationId: roomId }),
      cleo.request({ action: 'createroom', title: 'My room' }),
      cleo.request({ action: 'join', conversationId: 'support:cleo' }),
    ]);
    const dinaHistory = await dina.request({ action: 'sync', conversationId: 'support:dina' });

    expect(replies.map((r) => errorOf(r).code)).toEqual([
      'FORBIDDEN',
      'FORBIDDEN',
      'FORBIDDEN',
      'FORBIDDEN',
      'FORBIDDEN',
      'FORBIDDEN',
    ]);
    expect((dinaHistory.messages as Frame[]).map((m) => m.text)).toEqual(['private']);
  });

  it('answers NOT_FOUND for ids that are not conversations', async () => {
    const emil = await client('emil');
    const admin = await client('admin');

    const replies = await Promise.all([
      emil.request({ action: 'sync', conversationId: 'room:does-not-exist' }),
      emil.request({ action: 'join', conversationId: 'room:does-not-exist' }),
      emil.request({ action: 'sendmessage', conversationId: 'lobby', text: 'x' }),
      admin.request({ action: 'sync', conversationId: 'support:never-wrote' }),
      admin.request({ action: 'sendmessage', conversationId: 'support:never-wrote', text: 'x' }),
    ]);

    expect(replies.map((r) => errorOf(r).code)).toEqual([
      'NOT_FOUND',
      'NOT_FOUND',
      'NOT_FOUND',
      'NOT_FOUND',
      'NOT_FOUND',
    ]);
  });
});

describe('TOO_LARGE', () => {
  it('takes 4000 characters, counting an emoji once, and refuses 4001', async () => {
    const finn = await client('finn');
    const emoji = '😀'.repeat(4000);

    const fits = await finn.request({
      action: 'sendmessage',
      conversationId: 'support:finn',
      text: emoji,
    });
    const over = await finn.request({
      action: 'sendmessage',
      conversationId: 'support:finn',
      text: `${emoji}x`,
    });
    const admin = await client('admin');
    const longTitle = await admin.request({ action: 'createroom', title: 't'.repeat(81) });
    const blankTitle = await admin.request({ action: 'createroom', title: ' \n ' });
    const stored = await finn.request({ action: 'sync', conversationId: 'support:finn' });

    expect(fits.type).toBe('ack');
    expect((fits.message as Frame).text).toBe(emoji);
    expect(errorOf(over).code).toBe('TOO_LARGE');
    expect(errorOf(longTitle).code).toBe('TOO_LARGE');
    expect(errorOf(blankTitle).code).toBe('BAD_REQUEST');
    expect((stored.messages as Frame[]).map((m) => m.text)).toEqual([emoji]);
  });
});

describe('RATE_LIMITED', () => {
  it('limits messages per user across connections, with a retry-after, and stores nothing extra', async () => {
    const gus = await client('gus');
    const gusAgain = await client('gus');

    const replies = [];
    for (let i = 0; i < 6; i++) {
      const via = i % 2 === 0 ? gus : gusAgain;
      replies.push(
        await via.request({ action: 'sendmessage', conversationId: 'support:gus', text: `m${i}` }),
      );
    }
    const stored = await gus.request({ action: 'sync', conversationId: 'support:gus' });
    const limited = replies[5] as Frame;

    expect(replies.slice(0, 5).map((r) => r.type)).toEqual(['ack', 'ack', 'ack', 'ack', 'ack']);
    expect(errorOf(limited).code).toBe('RATE_LIMITED');
    expect(limited.retryAfterMs).toBeGreaterThan(0);
    expect(limited.retryAfterMs).toBeLessThanOrEqual(600_000);
    expect(stored.messages).toHaveLength(5);
  });

  it('throttles any frames per connection once its burst is spent, answering the excess once', async () => {
    const flood = await client('ida');
    const ids = Array.from({ length: 40 }, (_, i) => `flood-${i}`);

    const served = flood.waitNew(
      () => flood.frames.filter((f) => f.type === 'rooms').length === 30,
    );
    const limitedOnce = flood.waitNew((f) => f.type === 'error');
    for (const id of ids) flood.send({ action: 'rooms', id });
    await Promise.all([served, limitedOnce]);
    // Give the other nine frames time to be handled (and, were they answered, to arrive).
    await new Promise((resolve) => setTimeout(resolve, 1500));

    const limited = flood.frames.filter((f) => f.type === 'error');
    expect(limited).toHaveLength(1);
    expect(limited[0]).toMatchObject({ code: 'RATE_LIMITED' });
    expect(limited[0]?.retryAfterMs).toBeGreaterThan(0);
    expect(flood.closed).toBeUndefined();
  });

  it('counts frames that are not JSON against the same per-connection burst', async () => {
    const flood = await client('ivy');
    const count = 40;

    const errors = () => flood.frames.filter((f) => f.type === 'error');
    const all = flood.waitNew(() => errors().length === 31);
    for (let i = 0; i < count; i++) flood.send(`not json ${i}`);
    await all;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const answered = errors();

    const codes = answered.map((f) => errorOf(f).code);
    expect(codes.filter((c) => c === 'BAD_REQUEST')).toHaveLength(30);
    expect(codes.filter((c) => c === 'RATE_LIMITED')).toHaveLength(1);
    expect(flood.closed).toBeUndefined();
  });

  it('throttles typing per user and conversation, however many connections the user opens', async () => {
    const hugo = await client('hugo');
    const hugoAgain = await client('hugo');
    const admin = await client('admin');

    // One at a time, each seen through by the desk, so the order is certain; alternating
    // connections, which per-connection buckets would have counted apart.
    for (let i = 0; i < 3; i++) {
      const seen = admin.waitNew((f) => f.type === 'typing' && f.userId === 'hugo');
      (i % 2 === 0 ? hugo : hugoAgain).send({
        action: 'typing',
        id: `t${i}`,
        conversationId: 'support:hugo',
        typing: i % 2 === 0,
      });
      await seen;
    }
    const limited = hugoAgain.waitNew((f) => f.type === 'error');
    hugoAgain.send({ action: 'typing', id: 't3', conversationId: 'support:hugo', typing: true });

    const error = await limited;
    expect(errorOf(error)).toEqual({ code: 'RATE_LIMITED', id: 't3' });
    expect(error.retryAfterMs).toBeGreaterThan(0);
    expect(hugoAgain.frames.filter((f) => f.type === 'error')).toHaveLength(1);
  });
});

describe('INTERNAL', () => {
  it('tells a connection whose record vanished to reconnect, and closes it so it can', async () => {
    const ivy = await client('ivy');
    const connectionId = stack.gateway.connectionIds().at(-1) as string;
    const db = new DynamoDBClient({ endpoint: stack.dynamodbEndpoint });
    await db.send(
      new DeleteItemCommand({
        TableName: stack.tables.connections,
        Key: { connectionId: { S: connectionId } },
      }),
    );
    db.destroy();

    const reply = await ivy.request({ action: 'conversations' });
    const closed = await ivy.waitClosed();

    expect(errorOf(reply).code).toBe('INTERNAL');
    expect(reply.message).toMatch(/reconnect/);
    expect(closed.code).toBe(1000);
  });
});
