/**
 * Content security over real WebSockets against the local stack, with the WeChat stand-in for
 * msgSecCheck v2 and stable_token: a risky text is never stored or delivered, `review` is
 * delivered to the desk only, an outage fails closed with a retryable UNAVAILABLE, token refresh
 * and quota behave, names at login and room titles are checked, long texts in parts.
 */
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LocalStack } from '../local/local-stack';
import { type ChatTestClient, connectAs, type Frame, nextId } from './support/chat-client';
import { startTestStack } from './support/test-stack';

const RISKY = '违规测试词';
const REVIEW = '复核测试词';

let stack: LocalStack;
let db: DynamoDBClient;
const open: ChatTestClient[] = [];

async function client(name: string): Promise<ChatTestClient> {
  const c = await connectAs(stack, name);
  open.push(c);
  return c;
}

const sendFrame = (conversationId: string, text: string, id = nextId('m')) => ({
  action: 'sendmessage',
  id,
  conversationId,
  text,
});

/** Every text stored in a conversation, read straight from the messages table. */
async function storedTexts(conversationId: string): Promise<string[]> {
  const { Items = [] } = await db.send(
    new QueryCommand({
      TableName: stack.tables.messages,
      KeyConditionExpression: 'conversationId = :c',
      ExpressionAttributeValues: { ':c': { S: conversationId } },
      ConsistentRead: true,
    }),
  );
  return Items.map((item) => item.text?.S ?? '');
}

async function roomWith(admin: ChatTestClient, members: ChatTestClient[]): Promise<string> {
  const room = await admin.request({ action: 'createroom', title: `Room ${nextId('r')}` });
  const roomId = (room.conversation as Frame).id as string;
  for (const member of members) await member.request({ action: 'join', conversationId: roomId });
  return roomId;
}

async function loginReply(name: string, displayName: string) {
  const response = await fetch(stack.urls.login, {
    method: 'POST',
    body: JSON.stringify({ code: `dev-${name}`, name: displayName }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, never> };
}

beforeAll(async () => {
  stack = await startTestStack({ console: false });
  db = new DynamoDBClient({ endpoint: stack.dynamodbEndpoint, region: 'us-east-1' });
});

afterAll(async () => {
  await Promise.all(open.map((c) => c.close()));
  db.destroy();
  await stack.stop();
});

beforeEach(() => {
  stack.wechat.reset();
});

describe('messages', () => {
  it('refuses a risky message with CONTENT_REJECTED and its label; it is never stored or delivered', async () => {
    // Prepare
    const admin = await client('admin');
    const amy = await client('amy');
    const ben = await client('ben');
    const roomId = await roomWith(admin, [amy, ben]);

    // Act
    const refused = await amy.request(sendFrame(roomId, `meet me, ${RISKY}`));
    const next = await amy.request(sendFrame(roomId, 'see you at 3F'));
    const atBen = await ben.next((f) => f.type === 'message');

    // Assert
    expect(refused).toMatchObject({ type: 'error', code: 'CONTENT_REJECTED', label: 'crime' });
    expect(JSON.stringify(refused)).not.toContain(RISKY);
    expect(next.type).toBe('ack');
    expect((atBen.message as Frame).text).toBe('see you at 3F');
    expect((atBen.message as Frame).seq).toBe(1);
    expect(ben.messages(roomId)).toHaveLength(1);
    expect(await storedTexts(roomId)).toEqual(['see you at 3F']);
  });

  it('checks with the author’s openid, scene 2 (comment) and version 2', async () => {
    // Prepare
    const cleo = await client('cleo');

    // Act
    const acked = await cleo.request(sendFrame('support:cleo', 'Is 3F open tonight?'));

    // Assert
    expect(acked.type).toBe('ack');
    expect(stack.wechat.calls.msgSecCheck).toEqual([
      { content: 'Is 3F open tonight?', scene: 2, openid: 'cleo', version: 2 },
    ]);
  });

  it('delivers a `review` message in a support conversation to the desk, refuses it in a room', async () => {
    // Prepare
    const admin = await client('admin');
    const dora = await client('dora');
    const eli = await client('eli');
    const roomId = await roomWith(admin, [dora, eli]);

    // Act
    const toDesk = await dora.request(sendFrame('support:dora', `question: ${REVIEW}`));
    const atDesk = await admin.next(
      (f) => f.type === 'message' && (f.message as Frame).conversationId === 'support:dora',
    );
    const inRoom = await dora.request(sendFrame(roomId, `question: ${REVIEW}`));

    // Assert
    expect(toDesk.type).toBe('ack');
    expect((atDesk.message as Frame).text).toBe(`question: ${REVIEW}`);
    expect(inRoom).toMatchObject({ type: 'error', code: 'CONTENT_REJECTED', label: 'other' });
    expect(await storedTexts(roomId)).toEqual([]);
    expect(eli.messages(roomId)).toEqual([]);
  });

  it('fails closed when WeChat is down: UNAVAILABLE with retryAfterMs, nothing stored; the same id succeeds later', async () => {
    // Prepare
    const fay = await client('fay');
    const id = nextId('m');
    stack.wechat.failNext('msg_sec_check', -1, 3);

    // Act
    const down = await fay.request(sendFrame('support:fay', 'hello desk', id));
    const storedWhileDown = await storedTexts('support:fay');
    const retried = await fay.request(sendFrame('support:fay', 'hello desk', id));

    // Assert
    expect(down).toMatchObject({ type: 'error', code: 'UNAVAILABLE' });
    expect(down.retryAfterMs).toBeGreaterThan(0);
    expect(storedWhileDown).toEqual([]);
    expect(retried.type).toBe('ack');
    expect(await storedTexts('support:fay')).toEqual(['hello desk']);
  });

  it('refreshes a token WeChat calls invalid (40001) and retries once: the send is acked', async () => {
    // Prepare
    const gus = await client('gus');
    await gus.request(sendFrame('support:gus', 'first'));
    stack.wechat.reset();
    stack.wechat.failNext('msg_sec_check', 40001);

    // Act
    const acked = await gus.request(sendFrame('support:gus', 'second'));

    // Assert
    expect(acked.type).toBe('ack');
    expect(stack.wechat.calls.msgSecCheck).toHaveLength(2);
    expect(stack.wechat.calls.stableToken.at(-1)).toEqual({ forceRefresh: true });
  });

  it('reports a spent quota (45009) as UNAVAILABLE after one call, without retrying in a loop', async () => {
    // Prepare
    const hal = await client('hal');
    stack.wechat.failNext('msg_sec_check', 45009, 10);

    // Act
    const refused = await hal.request(sendFrame('support:hal', 'hello'));

    // Assert
    expect(refused).toMatchObject({ type: 'error', code: 'UNAVAILABLE', retryAfterMs: 60_000 });
    expect(stack.wechat.calls.msgSecCheck).toHaveLength(1);
    expect(await storedTexts('support:hal')).toEqual([]);
  });

  it('checks a text longer than 2500 characters in overlapping parts, a word on the boundary included', async () => {
    // Prepare: the risky word straddles the 2500th character
    const ivy = await client('ivy');
    const long = 'a'.repeat(2498) + RISKY + 'b'.repeat(1400);
    const clean = 'c'.repeat(3999);

    // Act
    const refused = await ivy.request(sendFrame('support:ivy', long));
    const partsOfRefused = stack.wechat.calls.msgSecCheck.length;
    const acked = await ivy.request(sendFrame('support:ivy', clean));

    // Assert
    expect(refused).toMatchObject({ type: 'error', code: 'CONTENT_REJECTED' });
    expect(partsOfRefused).toBe(2);
    expect(acked.type).toBe('ack');
    expect(stack.wechat.calls.msgSecCheck.map((c) => [...c.content].length)).toEqual([
      2500, 1453, 2500, 1549,
    ]);
    expect(await storedTexts('support:ivy')).toEqual([clean]);
  });

  it('spends no check on a send the rules refuse first (blank text, another student’s conversation)', async () => {
    // Prepare
    const jon = await client('jon');

    // Act
    const blank = await jon.request(sendFrame('support:jon', '   '));
    const foreign = await jon.request(sendFrame('support:ivy', 'hi'));

    // Assert
    expect([blank.code, foreign.code]).toEqual(['BAD_REQUEST', 'FORBIDDEN']);
    expect(stack.wechat.calls.msgSecCheck).toEqual([]);
  });
});

describe('display names and room titles', () => {
  it('refuses a risky name at login (CONTENT_REJECTED with its label) and keeps the previous one', async () => {
    // Prepare
    const first = await loginReply('kim', 'Kim');

    // Act
    const refused = await loginReply('kim', `Kim ${RISKY}`);
    const again = await loginReply('kim', 'Kim');

    // Assert
    expect(first.status).toBe(200);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: { code: 'CONTENT_REJECTED', label: 'crime' } });
    expect(again.body).toMatchObject({ user: { name: 'Kim' } });
    expect(stack.wechat.calls.msgSecCheck.map((c) => [c.content, c.scene, c.openid])).toEqual([
      ['Kim', 1, 'kim'],
      [`Kim ${RISKY}`, 1, 'kim'],
    ]);
  });

  it('refuses a `review` name too (everyone sees names), and answers 503 UNAVAILABLE when WeChat is down', async () => {
    // Act
    const review = await loginReply('lou', `Lou ${REVIEW}`);
    stack.wechat.failNext('msg_sec_check', -1, 3);
    const down = await loginReply('lou', 'Lou');

    // Assert
    expect(review.body).toMatchObject({ error: { code: 'CONTENT_REJECTED', label: 'other' } });
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ error: { code: 'UNAVAILABLE' } });
  });

  it('refuses a risky room title; no room is created', async () => {
    // Prepare
    const admin = await client('admin');

    // Act
    const refused = await admin.request({ action: 'createroom', title: `Hall ${RISKY}` });
    const rooms = await admin.request({ action: 'rooms' });

    // Assert
    expect(refused).toMatchObject({ type: 'error', code: 'CONTENT_REJECTED', label: 'crime' });
    expect(JSON.stringify(rooms)).not.toContain(RISKY);
    expect(stack.wechat.calls.msgSecCheck.at(0)).toMatchObject({ scene: 3, openid: 'admin' });
  });
});
