/**
 * Scan to log in (扫码登录), end to end over HTTP and real WebSockets against the local stack: the
 * console's ticket and poll (HTTP), the mini-program's view and answer (WebSocket frames, identity
 * from the connection), the console token's connection, and each way it must fail.
 */
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../local/local-stack';
import { WEB_LOGIN_QR_PREFIX } from '../protocol/web-login';
import {
  ChatTestClient,
  connectAs,
  type Frame,
  HandshakeRefused,
  nextId,
} from './support/chat-client';
import { startTestStack } from './support/test-stack';

let stack: LocalStack;
let db: DynamoDBClient;
let desk: ChatTestClient;
const open: ChatTestClient[] = [];

const CHROME_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

beforeAll(async () => {
  stack = await startTestStack({
    console: false,
    env: { WEB_LOGIN_TICKETS_PER_MINUTE: '8', CONSOLE_TOKEN_TTL_SECONDS: '3600' },
  });
  db = new DynamoDBClient({ endpoint: stack.dynamodbEndpoint, region: 'us-east-1' });
  desk = await connectAs(stack, 'admin');
  open.push(desk);
});

afterAll(async () => {
  await Promise.all(open.map((c) => c.close()));
  await stack.stop();
  db.destroy();
});

interface Ticket {
  ticket: string;
  pollSecret: string;
  expiresAt: string;
  code: { kind: string; text?: string };
}

async function newTicket(): Promise<Ticket> {
  const response = await fetch(`${stack.urls.http}/weblogin`, {
    method: 'POST',
    headers: { 'user-agent': CHROME_UA },
  });
  expect(response.status).toBe(201);
  return (await response.json()) as Ticket;
}

async function poll(ticket: string, secret: string | undefined) {
  const response = await fetch(`${stack.urls.http}/weblogin/${ticket}`, {
    headers: secret !== undefined ? { authorization: `Bearer ${secret}` } : {},
  });
  return { status: response.status, body: (await response.json()) as Frame };
}

function answer(client: ChatTestClient, ticket: string, approve: boolean) {
  return client.request({ action: 'webloginanswer', id: nextId('w'), ticket, approve });
}

async function connectWith(token: string): Promise<ChatTestClient> {
  const client = await ChatTestClient.connect(
    `${stack.urls.websocket}?token=${encodeURIComponent(token)}`,
  );
  open.push(client);
  return client;
}

describe('scan to log in', () => {
  it('logs the console in as the approving staff member, once', async () => {
    // Prepare
    const ticket = await newTicket();

    // Act
    const before = await poll(ticket.ticket, ticket.pollSecret);
    const viewed = await desk.request({
      action: 'webloginview',
      id: nextId('w'),
      ticket: ticket.ticket,
    });
    const scanned = await poll(ticket.ticket, ticket.pollSecret);
    const approved = await answer(desk, ticket.ticket, true);
    const collected = await poll(ticket.ticket, ticket.pollSecret);
    const again = await poll(ticket.ticket, ticket.pollSecret);
    const console = await connectWith(String(collected.body.token));
    const inbox = await console.request({ action: 'conversations', id: nextId('c') });

    // Assess
    expect(ticket.code).toEqual({ kind: 'qr', text: `${WEB_LOGIN_QR_PREFIX}${ticket.ticket}` });
    expect(ticket.code.text).not.toContain(ticket.pollSecret);
    expect(before.body).toEqual({ status: 'pending' });
    expect(viewed).toMatchObject({
      type: 'weblogin',
      status: 'scanned',
      requester: { browser: 'Chrome 131 · Windows', network: '127.0.0.*' },
    });
    expect(scanned.body).toEqual({ status: 'scanned' });
    expect(approved).toMatchObject({ type: 'webloginanswered', approved: true });
    expect(collected.body).toMatchObject({
      status: 'approved',
      user: { id: 'admin', role: 'admin' },
    });
    // Shorter-lived than a phone's 24 h token: CONSOLE_TOKEN_TTL_SECONDS.
    const lifetime = Date.parse(String(collected.body.expiresAt)) - Date.now();
    expect(lifetime).toBeLessThanOrEqual(3600_000);
    expect(again.body).toEqual({ status: 'used' });
    expect(inbox.type).toBe('conversations');
  });

  it('gives nothing to a poller without the secret, and the same answer as for no ticket', async () => {
    // Prepare
    const ticket = await newTicket();
    await answer(desk, ticket.ticket, true);

    // Act
    const wrong = await poll(ticket.ticket, 'not-the-secret');
    const none = await poll(ticket.ticket, undefined);
    const unknown = await poll('AAAAAAAAAAAAAAAAAAAAAA', ticket.pollSecret);
    const right = await poll(ticket.ticket, ticket.pollSecret);

    // Assess
    expect(wrong).toEqual({ status: 404, body: unknown.body });
    expect(none.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(right.body.status).toBe('approved');
  });

  it('refuses an answer to an expired ticket, and the poller learns it expired', async () => {
    // Prepare: the ticket's validity ends (as 120 s later).
    const ticket = await newTicket();
    await db.send(
      new UpdateItemCommand({
        TableName: stack.tables.webLogins,
        Key: { ticket: { S: ticket.ticket } },
        UpdateExpression: 'SET validUntil = :past',
        ExpressionAttributeValues: { ':past': { N: String(Date.now() - 1) } },
      }),
    );

    // Act
    const answered = await answer(desk, ticket.ticket, true);
    const polled = await poll(ticket.ticket, ticket.pollSecret);

    // Assess
    expect(answered).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
    expect(polled.body).toEqual({ status: 'expired' });
  });

  it('answers a ticket once: a refusal stands, and a second answer is refused', async () => {
    // Prepare
    const ticket = await newTicket();

    // Act
    const refused = await answer(desk, ticket.ticket, false);
    const second = await answer(desk, ticket.ticket, true);
    const polled = await poll(ticket.ticket, ticket.pollSecret);

    // Assess
    expect(refused).toMatchObject({ type: 'webloginanswered', approved: false });
    expect(second).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
    expect(polled.body).toEqual({ status: 'refused' });
  });

  it('lets only the desk approve: a student scanning a code gets FORBIDDEN', async () => {
    // Prepare
    const student = await connectAs(stack, 'wl-student');
    open.push(student);
    const ticket = await newTicket();

    // Act
    const viewed = await student.request({
      action: 'webloginview',
      id: nextId('w'),
      ticket: ticket.ticket,
    });
    const answered = await answer(student, ticket.ticket, true);
    const polled = await poll(ticket.ticket, ticket.pollSecret);

    // Assess
    expect(viewed).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
    expect(answered).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
    expect(polled.body).toEqual({ status: 'pending' });
  });

  it('signs a web session out from the phone: its connection closes and its token is refused', async () => {
    // Prepare
    const ticket = await newTicket();
    await answer(desk, ticket.ticket, true);
    const { body } = await poll(ticket.ticket, ticket.pollSecret);
    const token = String(body.token);
    const console = await connectWith(token);
    const listed = await desk.request({ action: 'websessions', id: nextId('w') });
    const session = (listed.sessions as Frame[])[0] as Frame;

    // Act
    const signedOut = await desk.request({
      action: 'websignout',
      id: nextId('w'),
      sessionId: String(session.sessionId),
    });
    const closed = await console.waitClosed();
    const reconnect = await connectWith(token).then(
      () => 0,
      (error: unknown) => (error instanceof HandshakeRefused ? error.status : -1),
    );
    const after = await desk.request({ action: 'websessions', id: nextId('w') });

    // Assess
    expect(session).toMatchObject({ requester: { browser: 'Chrome 131 · Windows' } });
    expect(signedOut).toMatchObject({ type: 'websignedout', closed: 1 });
    expect(closed.code).toBeGreaterThan(0);
    expect(reconnect).toBe(401);
    expect((after.sessions as Frame[]).map((s) => s.sessionId)).not.toContain(session.sessionId);
  });

  it("cannot sign out someone else's session", async () => {
    // Prepare
    const other = await connectAs(stack, 'wl-other');
    open.push(other);
    const ticket = await newTicket();
    await answer(desk, ticket.ticket, true);
    await poll(ticket.ticket, ticket.pollSecret);
    const listed = await desk.request({ action: 'websessions', id: nextId('w') });
    const session = (listed.sessions as Frame[])[0] as Frame;

    // Act
    const attempt = await other.request({
      action: 'websignout',
      id: nextId('w'),
      sessionId: String(session.sessionId),
    });
    const still = await desk.request({ action: 'websessions', id: nextId('w') });

    // Assess
    expect(attempt).toMatchObject({ type: 'error', code: 'NOT_FOUND' });
    expect((still.sessions as Frame[]).map((s) => s.sessionId)).toContain(session.sessionId);
  });

  it('limits new tickets per address (429 with Retry-After)', async () => {
    // Act: more than WEB_LOGIN_TICKETS_PER_MINUTE (8) in a row; earlier tests took some.
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 9; i++) {
      const response = await fetch(`${stack.urls.http}/weblogin`, { method: 'POST' });
      statuses.push(response.status);
      if (response.status === 429) retryAfter = response.headers.get('retry-after');
      await response.body?.cancel();
    }

    // Assess
    expect(statuses).toContain(429);
    expect(statuses.indexOf(429)).toBeLessThanOrEqual(8);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(Number(retryAfter)).toBeLessThanOrEqual(60);
  });
});
