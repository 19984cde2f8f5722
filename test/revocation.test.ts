/**
 * Rights end when they are revoked (docs/protocol.md "When rights end"), end to end over real
 * WebSockets: blocking closes the user's open connections and refuses new ones, $connect takes the
 * role from ADMINS rather than from the token or an old user record, and a warm function's cached
 * identity expires so a block reaches a connection nothing closed.
 */
import {
  DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../local/local-stack';
import {
  ChatTestClient,
  connectAs,
  type Frame,
  HandshakeRefused,
  login,
} from './support/chat-client';
import { startTestStack } from './support/test-stack';

let stack: LocalStack;
let db: DynamoDBClient;
const open: ChatTestClient[] = [];

beforeAll(async () => {
  stack = await startTestStack({ env: { IDENTITY_CACHE_SECONDS: '1' } });
  db = new DynamoDBClient({ endpoint: stack.dynamodbEndpoint, region: 'us-east-1' });
});

afterAll(async () => {
  await Promise.all(open.map((c) => c.close()));
  await stack.stop();
  db.destroy();
});

async function connectWith(token: string): Promise<ChatTestClient> {
  const c = await ChatTestClient.connect(
    `${stack.urls.websocket}?token=${encodeURIComponent(token)}`,
  );
  open.push(c);
  return c;
}

async function handshakeStatus(token: string): Promise<number> {
  try {
    const c = await connectWith(token);
    await c.close();
    return 101;
  } catch (error) {
    if (error instanceof HandshakeRefused) return error.status;
    throw error;
  }
}

async function loginStatus(name: string): Promise<number> {
  const response = await fetch(stack.urls.login, {
    method: 'POST',
    body: JSON.stringify({ code: `dev-${name}` }),
  });
  return response.status;
}

describe('blocking a user', () => {
  it('closes every open connection of theirs and refuses them until unblocked', async () => {
    // Prepare: alice on two devices, the desk.
    const { token } = await login(stack, 'alice');
    const phone = await connectWith(token);
    const laptop = await connectWith(token);
    await phone.request({ action: 'conversations' });
    const desk = await connectAs(stack, 'admin');
    open.push(desk);

    // Act
    const blocked = await desk.request({ action: 'block', userId: 'alice', blocked: true });
    const closes = await Promise.all([phone.waitClosed(), laptop.waitClosed()]);
    const refused = [await handshakeStatus(token), await loginStatus('alice')];
    const unblocked = await desk.request({ action: 'block', userId: 'alice', blocked: false });
    const restored = [await loginStatus('alice'), await handshakeStatus(token)];

    // Assess
    expect(blocked).toMatchObject({ type: 'blocked', userId: 'alice', blocked: true, closed: 2 });
    expect(closes).toHaveLength(2);
    expect(refused).toEqual([403, 403]);
    expect(unblocked).toMatchObject({ type: 'blocked', blocked: false, closed: 0 });
    expect(restored).toEqual([200, 101]);
  });

  it('is for admins only, not for oneself, and not for users who never logged in', async () => {
    const student = await connectAs(stack, 'bea');
    const desk = await connectAs(stack, 'admin2');
    open.push(student, desk);

    const replies = await Promise.all([
      student.request({ action: 'block', userId: 'admin2', blocked: true }),
      desk.request({ action: 'block', userId: 'admin2', blocked: true }),
      desk.request({ action: 'block', userId: 'nobody-ever', blocked: true }),
    ]);

    expect(replies.map((r) => r.code)).toEqual(['FORBIDDEN', 'BAD_REQUEST', 'NOT_FOUND']);
    expect(student.closed).toBeUndefined();
  });
});

describe('the role comes from ADMINS', () => {
  it('treats an admin removed from ADMINS as a student at $connect, whatever the token says', async () => {
    // Prepare: "ex" logged in while listed in ADMINS: the user record and token say admin.
    await db.send(
      new PutItemCommand({
        TableName: stack.tables.users,
        Item: {
          userId: { S: 'ex' },
          name: { S: 'Ex Admin' },
          role: { S: 'admin' },
          blocked: { BOOL: false },
          createdAt: { N: '1' },
          lastLoginAt: { N: '1' },
        },
      }),
    );
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ name: 'Ex Admin', role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('ex')
      .setIssuer('campus-chat')
      .setAudience('campus-chat')
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + 600)
      .sign(new TextEncoder().encode(process.env.JWT_SECRET));
    const ex = await connectWith(token);

    // Act
    const create = await ex.request({ action: 'createroom', title: 'Not any more' });
    const list = await ex.request({ action: 'conversations' });

    // Assess
    expect(create).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
    expect((list.conversations as Frame[]).map((c) => c.id)).toEqual(['support:ex']);
  });
});

describe('an admin removed from ADMINS', () => {
  it('gets no more support traffic and is disconnected, even on a connection that only pings', async () => {
    // Prepare: dee's connection is subscribed to the admins topic, as a desk connection opened
    // while dee was listed in ADMINS is; ADMINS no longer names dee. dee never sends a frame.
    const dee = await connectAs(stack, 'dee');
    open.push(dee);
    const { Items } = await db.send(
      new QueryCommand({
        TableName: stack.tables.connections,
        IndexName: 'byUser',
        KeyConditionExpression: 'userId = :u',
        ExpressionAttributeValues: { ':u': { S: 'dee' } },
      }),
    );
    const connectionId = Items?.[0]?.connectionId?.S ?? '';
    await db.send(
      new PutItemCommand({
        TableName: stack.tables.subscriptions,
        Item: {
          topic: { S: 'admins' },
          connectionId: { S: connectionId },
          userId: { S: 'dee' },
          expiresAt: { N: String(Math.floor(Date.now() / 1000) + 3600) },
        },
      }),
    );
    const desk = await connectAs(stack, 'admin');
    const student = await connectAs(stack, 'eli');
    open.push(desk, student);

    // Act
    await student.request({
      action: 'sendmessage',
      conversationId: 'support:eli',
      text: 'for the desk only',
    });
    await desk.next(
      (f) => f.type === 'message' && (f.message as Frame).text === 'for the desk only',
    );
    const closed = await dee.waitClosed();

    // Assess
    expect(connectionId).not.toBe('');
    expect(closed).toBeDefined();
    expect(dee.frames.filter((f) => f.type === 'message')).toEqual([]);
  });
});

describe("a warm function's cached identity", () => {
  it('expires, so a block that closed nothing ends the connection on a later frame', async () => {
    // Prepare: carl's identity is cached by the rooms function.
    const carl = await connectAs(stack, 'carl');
    open.push(carl);
    expect((await carl.request({ action: 'rooms' })).type).toBe('rooms');

    // Act: carl is blocked in the users table (as by another region of the product, or a block
    // whose close did not reach this connection); he keeps sending frames.
    await db.send(
      new UpdateItemCommand({
        TableName: stack.tables.users,
        Key: { userId: { S: 'carl' } },
        UpdateExpression: 'SET blocked = :yes',
        ExpressionAttributeValues: { ':yes': { BOOL: true } },
      }),
    );
    const replies: Frame[] = [];
    while (!carl.closed && replies.length < 100) {
      replies.push(await carl.request({ action: 'rooms' }).catch(() => ({ type: 'none' })));
      await new Promise((resolve) => setTimeout(resolve, 200));
    }

    // Assess: refused and closed, not served with the rights he had.
    await carl.waitClosed();
    expect(replies.at(-1)).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
  });
});
