/**
 * No reply outgrows what the socket carries (docs/protocol.md "Frame size"): a conversation full
 * of maximum-size, maximum-escape messages and an inbox of long previews and long names page
 * through completely, every frame under SERVER_FRAME_BUDGET_BYTES, over real WebSockets to the
 * local stack (whose @connections answers 413 over 128 KB, as API Gateway does).
 *
 * Messages of 4000 × U+0001 (6 bytes each once JSON-escaped) can no longer be sent, but history
 * written before the text rules may hold them: they are written straight into DynamoDB Local, with
 * the real SDK, the way the send transaction stores them.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVER_FRAME_BUDGET_BYTES } from '../protocol/limits';
import type { LocalStack } from '../local/local-stack';
import { type ChatTestClient, connectAs, type Frame } from './support/chat-client';
import { startTestStack } from './support/test-stack';

let stack: LocalStack;
let db: DynamoDBDocumentClient;
const open: ChatTestClient[] = [];
/** Every frame's size in bytes, as received. */
const sizes: number[] = [];

async function client(name: string): Promise<ChatTestClient> {
  const c = await connectAs(stack, name);
  c.ws.on('message', (data: Buffer) => sizes.push(data.byteLength));
  open.push(c);
  return c;
}

beforeAll(async () => {
  stack = await startTestStack({
    env: { MESSAGE_BURST: '40', SEND_RATE_LIMIT: '100', FRAME_BURST: '200' },
  });
  db = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: stack.dynamodbEndpoint, region: 'us-east-1' }),
  );
});

afterAll(async () => {
  await Promise.all(open.map((c) => c.close()));
  await stack.stop();
});

async function batchPut(table: string, items: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    await db.send(
      new BatchWriteCommand({
        RequestItems: { [table]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) },
      }),
    );
  }
}

const WORST_ESCAPE = '\u0001'.repeat(4000);
const WIDEST_ALLOWED = '😀'.repeat(4000);
const LONG_NAME = '😀'.repeat(32);

describe('history pages under the byte budget', () => {
  it('pages through a conversation of maximum-size, maximum-escape messages, both ways', async () => {
    // Prepare: 12 sends of 4000 emoji (16 KB each, the widest text the rules allow) ...
    const writer = await client('wanda');
    for (let i = 0; i < 12; i++) {
      const ack = await writer.request({
        action: 'sendmessage',
        conversationId: 'support:wanda',
        text: WIDEST_ALLOWED,
      });
      expect(ack.type, JSON.stringify(ack).slice(0, 200)).toBe('ack');
    }
    // ... then 10 stored messages of 4000 × U+0001 (24 KB each on the wire), seq 13..22.
    const conversationId = 'support:wanda';
    const legacy = Array.from({ length: 10 }, (_, i) => ({
      id: `legacy-${i}`,
      clientId: `legacy-${i}`,
      conversationId,
      seq: 13 + i,
      senderId: 'wanda',
      senderName: LONG_NAME,
      senderRole: 'student',
      text: WORST_ESCAPE,
      sentAt: new Date().toISOString(),
    }));
    await batchPut(stack.tables.messages, legacy);
    await db.send(
      new PutCommand({
        TableName: stack.tables.conversations,
        Item: {
          conversationId,
          kind: 'support',
          title: LONG_NAME,
          studentId: 'wanda',
          lastSeq: 22,
          lastActivityAt: Date.now(),
          createdAt: Date.now(),
        },
      }),
    );
    const reader = await client('admin');

    // Act: catch up from 0, then scroll up from the end, as the client core does.
    const forward: number[] = [];
    let after = 0;
    let pages = 0;
    for (;;) {
      const page = await reader.request({ action: 'sync', conversationId, after, limit: 200 });
      expect(page.type, JSON.stringify(page).slice(0, 200)).toBe('history');
      const seqs = (page.messages as Frame[]).map((m) => m.seq as number);
      forward.push(...seqs);
      pages++;
      if (!page.hasMore) break;
      after = seqs[seqs.length - 1] as number;
    }
    const backward: number[] = [];
    let before = Number.MAX_SAFE_INTEGER;
    for (;;) {
      const page = await reader.request({ action: 'sync', conversationId, before, limit: 200 });
      const seqs = (page.messages as Frame[]).map((m) => m.seq as number);
      backward.unshift(...seqs);
      if (!page.hasMore) break;
      before = seqs[0] as number;
    }

    // Assert: every message exactly once, in order, in more than one page, each under budget.
    const all = Array.from({ length: 22 }, (_, i) => i + 1);
    expect(forward).toEqual(all);
    expect(backward).toEqual(all);
    expect(pages).toBeGreaterThan(1);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(SERVER_FRAME_BUDGET_BYTES);
  });
});

describe('lists under the byte budget', () => {
  it('pages the desk inbox of long previews and long names through to its end, rooms included', async () => {
    // Prepare: 150 support conversations with 32-emoji names and 140 × U+0001 previews, 120 rooms.
    const now = Date.now();
    const preview = {
      seq: 1,
      senderId: 'x',
      senderName: LONG_NAME,
      senderRole: 'student',
      text: '\u0001'.repeat(140),
      sentAt: new Date(now).toISOString(),
    };
    const support = Array.from({ length: 150 }, (_, i) => ({
      conversationId: `support:s${i}`,
      kind: 'support',
      title: LONG_NAME,
      studentId: `s${i}`,
      lastSeq: 1,
      // Some share a timestamp, so the cursor must break ties.
      lastActivityAt: now - Math.floor(i / 3),
      createdAt: now - 1000,
      lastMessage: { ...preview, senderId: `s${i}` },
    }));
    const rooms = Array.from({ length: 120 }, (_, i) => ({
      conversationId: `room:r${i}`,
      kind: 'room',
      title: '😀'.repeat(80),
      lastSeq: 1,
      lastActivityAt: now - Math.floor(i / 4),
      createdAt: now - 1000,
      memberCount: 1,
      lastMessage: preview,
    }));
    await batchPut(stack.tables.conversations, [...support, ...rooms]);
    const desk = await client('admin2');
    const student = await client('sara');

    // Act: the inbox with the largest page a frame may ask for, and the room directory.
    const inbox: string[] = [];
    let cursor: string | undefined;
    let inboxPages = 0;
    do {
      const page = await desk.request({
        action: 'conversations',
        limit: 200,
        ...(cursor ? { cursor } : {}),
      });
      expect(page.type, JSON.stringify(page).slice(0, 200)).toBe('conversations');
      inbox.push(...(page.conversations as Frame[]).map((c) => c.id as string));
      cursor = page.cursor as string | undefined;
      inboxPages++;
    } while (cursor !== undefined);
    const directory: Frame[] = [];
    cursor = undefined;
    do {
      const page = await student.request({ action: 'rooms', ...(cursor ? { cursor } : {}) });
      expect(page.type, JSON.stringify(page).slice(0, 200)).toBe('rooms');
      directory.push(...(page.rooms as Frame[]));
      cursor = page.cursor as string | undefined;
    } while (cursor !== undefined);

    // Assert: everything once (the stored ones and wanda's from the other test), under budget.
    const expected = [...support, ...rooms].map((c) => c.conversationId);
    expect(new Set(inbox).size).toBe(inbox.length);
    expect(inbox).toEqual(expect.arrayContaining(expected));
    expect(inboxPages).toBeGreaterThan(1);
    expect(directory.map((r) => r.id).sort()).toEqual(rooms.map((r) => r.conversationId).sort());
    expect(Math.max(...sizes)).toBeLessThanOrEqual(SERVER_FRAME_BUDGET_BYTES);
    // A room's content is for its members: sara joined none, so she sees no last message.
    expect(directory.every((r) => r.lastMessage === null && r.unread === 0)).toBe(true);
  });

  it("pages a student's own list of many joined rooms through to its end", async () => {
    // Prepare: rita is a member of the 120 rooms of the previous test (member items as join
    // writes them); their titles are 80 emoji and their previews 140 × U+0001.
    const rooms = Array.from({ length: 120 }, (_, i) => `room:r${i}`);
    await batchPut(
      stack.tables.members,
      rooms.map((conversationId) => ({
        conversationId,
        userId: 'rita',
        readSeq: 0,
        joinedAt: Date.now(),
      })),
    );
    const rita = await client('rita');

    // Act
    const listed: Frame[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await rita.request({ action: 'conversations', ...(cursor ? { cursor } : {}) });
      expect(page.type, JSON.stringify(page).slice(0, 200)).toBe('conversations');
      listed.push(...(page.conversations as Frame[]));
      cursor = page.cursor as string | undefined;
      pages++;
    } while (cursor !== undefined);

    // Assess: her support conversation and every room once; as a member she sees the previews.
    expect(listed.map((c) => c.id).sort()).toEqual(['support:rita', ...rooms].sort());
    expect(pages).toBeGreaterThan(1);
    expect(listed.filter((c) => c.kind === 'room').every((c) => c.lastMessage !== null)).toBe(true);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(SERVER_FRAME_BUDGET_BYTES);
  });

  it('answers a cursor it did not issue with BAD_REQUEST, never INTERNAL', async () => {
    const desk = await client('admin');
    const student = await client('sven');
    const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

    const replies = await Promise.all([
      desk.request({ action: 'conversations', cursor: 'not a cursor!' }),
      desk.request({ action: 'conversations', cursor: forged({ kind: 7, lastActivityAt: 'x' }) }),
      desk.request({ action: 'conversations', cursor: forged({ p: 'support', at: -1, id: 'a' }) }),
      desk.request({ action: 'rooms', cursor: forged({ p: 'support' }) }),
      student.request({ action: 'conversations', cursor: forged({ p: 'room' }) }),
      student.request({ action: 'rooms', cursor: 'e30' }),
    ]);

    expect(replies.map((r) => [r.type, r.code])).toEqual(
      replies.map(() => ['error', 'BAD_REQUEST']),
    );
  });
});
