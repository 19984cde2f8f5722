/**
 * Protocol v1 over real WebSockets to the local stack (gateway + real handlers + DynamoDB Local):
 * students and the desk chatting, offline catch-up, idempotent sends, ordering, typing, read
 * marks, rooms and presence.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../local/local-stack';
import { type ChatTestClient, connectAs, type Frame, nextId } from './support/chat-client';
import { startTestStack } from './support/test-stack';

let stack: LocalStack;
const open: ChatTestClient[] = [];

async function client(name: string): Promise<ChatTestClient> {
  const c = await connectAs(stack, name);
  open.push(c);
  return c;
}

function messageOf(frame: Frame): Frame {
  return frame.message as Frame;
}

async function send(c: ChatTestClient, conversationId: string, text: string, id = nextId('m')) {
  // Concurrent senders may be shed with BUSY (docs/protocol.md "Errors"): resent as clients must.
  const reply = await c.requestHonouringBusy({ action: 'sendmessage', id, conversationId, text });
  expect(reply.type, JSON.stringify(reply)).toBe('ack');
  return messageOf(reply);
}

async function history(
  c: ChatTestClient,
  conversationId: string,
  extra: Record<string, unknown> = {},
) {
  const reply = await c.request({ action: 'sync', conversationId, after: 0, limit: 200, ...extra });
  expect(reply.type, JSON.stringify(reply)).toBe('history');
  return reply;
}

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await Promise.all(open.map((c) => c.close()));
  await stack.stop();
});

describe('students and the desk', () => {
  it('delivers a student message to every admin and an admin reply to the student, not to others', async () => {
    // Prepare
    const alice = await client('alice');
    const bob = await client('bob');
    const admin = await client('admin');
    const admin2 = await client('admin2');

    // Act
    const sent = await send(alice, 'support:alice', 'Is room 3F open tonight?');
    const atAdmin = await admin.next((f) => f.type === 'message' && messageOf(f).id === sent.id);
    const atAdmin2 = await admin2.next((f) => f.type === 'message' && messageOf(f).id === sent.id);
    const replied = await send(admin, 'support:alice', 'Yes, until 22:00.');
    const atAlice = await alice.next((f) => f.type === 'message' && messageOf(f).id === replied.id);
    await admin2.next((f) => f.type === 'message' && messageOf(f).id === replied.id);

    // Assess
    expect(sent).toMatchObject({
      conversationId: 'support:alice',
      seq: 1,
      senderId: 'alice',
      senderRole: 'student',
      text: 'Is room 3F open tonight?',
    });
    expect(messageOf(atAdmin)).toEqual(sent);
    expect(messageOf(atAdmin2)).toEqual(sent);
    expect(messageOf(atAlice)).toMatchObject({ seq: 2, senderId: 'admin', senderRole: 'admin' });
    // The sending connection gets the ack, not a copy; bob belongs to neither conversation.
    expect(alice.messages('support:alice').map((f) => messageOf(f).seq)).toEqual([2]);
    expect(admin.messages('support:alice').map((f) => messageOf(f).seq)).toEqual([1]);
    expect(bob.frames.filter((f) => f.type === 'message')).toEqual([]);
  });

  it("sends a user's message to their other connections but not back to the sending one", async () => {
    const phone = await client('carol');
    const laptop = await client('carol');

    const sent = await send(phone, 'support:carol', 'from my phone');
    const copy = await laptop.next((f) => f.type === 'message' && messageOf(f).id === sent.id);

    expect(messageOf(copy)).toEqual(sent);
    expect(phone.messages('support:carol')).toEqual([]);
  });

  it('keeps messages for an offline student and hands them over with sync, in seq order', async () => {
    // Prepare: dave has logged in once (so the desk can find him) and is offline.
    const first = await client('dave');
    await send(first, 'support:dave', 'hello?');
    await first.close();
    const admin = await client('admin');

    // Act
    for (const text of ['one', 'two', 'three']) await send(admin, 'support:dave', text);
    const dave = await client('dave');
    const list = await dave.request({ action: 'conversations' });
    const page1 = await history(dave, 'support:dave', { limit: 2 });
    const page2 = await history(dave, 'support:dave', { after: 2, limit: 2 });

    // Assess
    const support = (list.conversations as Frame[]).find((c) => c.id === 'support:dave');
    expect(support).toMatchObject({ kind: 'support', lastSeq: 4, readSeq: 1, unread: 3 });
    expect(support?.title).toBe('自习室服务台');
    expect((page1.messages as Frame[]).map((m) => m.text)).toEqual(['hello?', 'one']);
    expect(page1.hasMore).toBe(true);
    expect((page2.messages as Frame[]).map((m) => [m.seq, m.text])).toEqual([
      [3, 'two'],
      [4, 'three'],
    ]);
    expect(page2.hasMore).toBe(false);
  });

  it('pages backwards with before, newest first page, ascending within it', async () => {
    const erin = await client('erin');
    for (let i = 1; i <= 5; i++) await send(erin, 'support:erin', `m${i}`);

    const newest = await history(erin, 'support:erin', { before: 6, limit: 2 });
    const older = await history(erin, 'support:erin', { before: 4, limit: 2 });
    const oldest = await history(erin, 'support:erin', { before: 2, limit: 2 });

    expect((newest.messages as Frame[]).map((m) => m.seq)).toEqual([4, 5]);
    expect(newest.hasMore).toBe(true);
    expect((older.messages as Frame[]).map((m) => m.seq)).toEqual([2, 3]);
    expect((oldest.messages as Frame[]).map((m) => m.seq)).toEqual([1]);
    expect(oldest.hasMore).toBe(false);
  });
});

describe('exactly once', () => {
  it('answers a resent id with the same ack and stores and delivers nothing twice', async () => {
    const frank = await client('frank');
    const admin = await client('admin');
    const id = nextId('once');

    const first = await send(frank, 'support:frank', 'only once', id);
    const again = await send(frank, 'support:frank', 'only once', id);
    const marker = await send(frank, 'support:frank', 'marker');
    await admin.next((f) => f.type === 'message' && messageOf(f).id === marker.id);
    const stored = await history(admin, 'support:frank');

    expect(again).toEqual(first);
    expect((stored.messages as Frame[]).filter((m) => m.clientId === id)).toHaveLength(1);
    expect(
      admin.messages('support:frank').filter((f) => messageOf(f).clientId === id),
    ).toHaveLength(1);
    expect(marker.seq).toBe((first.seq as number) + 1);
  });

  it('stores one message when two identical sends race', async () => {
    const gina = await client('gina');
    const id = nextId('race');
    const frame = { action: 'sendmessage', id, conversationId: 'support:gina', text: 'racing' };

    const acks = gina.waitNew(() => gina.frames.filter((f) => f.id === id).length >= 2, 10_000);
    gina.send(frame);
    gina.send(frame);
    await acks;
    const replies = gina.frames.filter((f) => f.id === id);
    const stored = await history(gina, 'support:gina');

    expect(replies.map((r) => r.type)).toEqual(['ack', 'ack']);
    expect(messageOf(replies[0] as Frame)).toEqual(messageOf(replies[1] as Frame));
    expect(stored.messages).toHaveLength(1);
  });

  it('numbers concurrent senders 1..N without gaps or duplicates, and every member sees all', async () => {
    // Prepare: a room with an admin and two students.
    const admin = await client('admin');
    const hana = await client('hana');
    const ivan = await client('ivan');
    const room = await admin.request({ action: 'createroom', title: 'Concurrency lab' });
    const roomId = (room.conversation as Frame).id as string;
    await hana.request({ action: 'join', conversationId: roomId });
    await ivan.request({ action: 'join', conversationId: roomId });
    const senders = [admin, hana, ivan];
    const perSender = 6;

    // Act: every sender fires all its messages at once.
    const acks = await Promise.all(
      senders.flatMap((c, s) =>
        Array.from({ length: perSender }, (_, i) => send(c, roomId, `s${s}-${i}`)),
      ),
    );
    const total = senders.length * perSender;
    await Promise.all(
      senders.map((c) =>
        c.next(
          () => new Set(c.messages(roomId).map((f) => messageOf(f).seq)).size === total - perSender,
          15_000,
          'all messages of the others',
        ),
      ),
    );
    const stored = await history(hana, roomId);

    // Assess
    const seqs = acks.map((m) => m.seq as number).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect((stored.messages as Frame[]).map((m) => m.seq)).toEqual(seqs);
    const bySeq = new Map(acks.map((m) => [m.seq, m.text]));
    expect((stored.messages as Frame[]).map((m) => m.text)).toEqual(seqs.map((s) => bySeq.get(s)));
    for (const c of senders) {
      const seen = c.messages(roomId).map((f) => messageOf(f).seq);
      expect(new Set(seen).size).toBe(seen.length);
    }
  });
});

describe('typing and read marks', () => {
  it('forwards typing to the other side only', async () => {
    const jack = await client('jack');
    const admin = await client('admin');

    jack.send({ action: 'typing', conversationId: 'support:jack', typing: true });
    const seen = await admin.next((f) => f.type === 'typing' && f.userId === 'jack');
    await send(jack, 'support:jack', 'done typing');

    expect(seen).toEqual({
      type: 'typing',
      conversationId: 'support:jack',
      userId: 'jack',
      name: 'jack',
      typing: true,
    });
    expect(jack.frames.some((f) => f.type === 'typing')).toBe(false);
  });

  it('moves read positions forward only, tells the other side, and drives unread counts', async () => {
    const kate = await client('kate');
    const admin = await client('admin');
    await send(kate, 'support:kate', 'first');
    await send(kate, 'support:kate', 'second');

    const before = await admin.request({ action: 'conversations' });
    admin.send({ action: 'read', conversationId: 'support:kate', seq: 99 });
    const mark = await kate.next((f) => f.type === 'read');
    admin.send({ action: 'read', conversationId: 'support:kate', seq: 1 });
    const after = await admin.request({ action: 'conversations' });

    const find = (list: Frame) =>
      (list.conversations as Frame[]).find((c) => c.id === 'support:kate') as Frame;
    expect(find(before)).toMatchObject({ lastSeq: 2, unread: 2, online: true, studentId: 'kate' });
    // Clamped to the last message; the later, lower mark changes nothing.
    expect(mark).toEqual({ type: 'read', conversationId: 'support:kate', userId: 'admin', seq: 2 });
    expect(find(after)).toMatchObject({ readSeq: 2, unread: 0 });
    expect(kate.frames.filter((f) => f.type === 'read')).toHaveLength(1);
  });
});

describe('rooms and presence', () => {
  it('lets an admin open a room that students join, chat in and leave', async () => {
    // Prepare
    const admin = await client('admin');
    const lena = await client('lena');

    // Act
    const created = await admin.request({ action: 'createroom', title: '  Library 3F  ' });
    const roomId = (created.conversation as Frame).id as string;
    const listed = await lena.request({ action: 'rooms' });
    const joined = await lena.request({ action: 'join', conversationId: roomId });
    const presence = await admin.next((f) => f.type === 'presence' && f.conversationId === roomId);
    const hello = await send(lena, roomId, 'hi all');
    await admin.next((f) => f.type === 'message' && messageOf(f).id === hello.id);
    const lenaList = await lena.request({ action: 'conversations' });
    const left = await lena.request({ action: 'leave', conversationId: roomId });
    const leftNotice = await admin.next((f) => f.type === 'presence' && f.event === 'left');
    const after = await lena.request({
      action: 'sendmessage',
      conversationId: roomId,
      text: 'still here?',
    });

    // Assess
    expect(created.type).toBe('room');
    expect(created.conversation).toMatchObject({
      kind: 'room',
      title: 'Library 3F',
      memberCount: 1,
      joined: true,
      lastSeq: 0,
    });
    expect((listed.rooms as Frame[]).find((r) => r.id === roomId)).toMatchObject({ joined: false });
    expect(joined).toMatchObject({ type: 'joined', online: 2 });
    expect(joined.conversation).toMatchObject({ id: roomId, memberCount: 2, joined: true });
    expect(presence).toMatchObject({ userId: 'lena', event: 'joined', online: 2 });
    expect((lenaList.conversations as Frame[]).map((c) => c.id)).toContain(roomId);
    expect(left).toEqual({ type: 'left', id: left.id, conversationId: roomId });
    expect(leftNotice).toMatchObject({ userId: 'lena', conversationId: roomId, online: 1 });
    expect(after).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
  });

  it("subscribes a member's later connections to their rooms", async () => {
    const admin = await client('admin');
    const mia = await client('mia');
    const created = await admin.request({ action: 'createroom', title: 'Quiet corner' });
    const roomId = (created.conversation as Frame).id as string;
    await mia.request({ action: 'join', conversationId: roomId });
    await mia.close();

    const miaAgain = await client('mia');
    const sent = await send(admin, roomId, 'welcome back');
    const got = await miaAgain.next((f) => f.type === 'message' && messageOf(f).id === sent.id);

    expect(messageOf(got).text).toBe('welcome back');
  });

  it('tells admins when a student comes online and when their last connection goes', async () => {
    const admin = await client('admin');

    const nina = await connectAs(stack, 'nina');
    const online = await admin.next((f) => f.type === 'presence' && f.userId === 'nina');
    await nina.close();
    const offline = await admin.next(
      (f) => f.type === 'presence' && f.event === 'offline' && f.userId === 'nina',
    );

    expect(online).toMatchObject({ conversationId: 'support:nina', event: 'online' });
    expect(offline).toMatchObject({ conversationId: 'support:nina', event: 'offline' });
  });

  it('lists the desk inbox newest first for admins', async () => {
    const olga = await client('olga');
    const paul = await client('paul');
    await send(olga, 'support:olga', 'older');
    await send(paul, 'support:paul', 'newer');
    const admin = await client('admin');

    const list = await admin.request({ action: 'conversations' });
    const support = (list.conversations as Frame[]).filter((c) => c.kind === 'support');
    const order = support.map((c) => c.id);

    expect(order.indexOf('support:paul')).toBeLessThan(order.indexOf('support:olga'));
    const times = support.map((c) => Date.parse(c.lastActivityAt as string));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(support.find((c) => c.id === 'support:paul')?.lastMessage).toMatchObject({
      seq: 1,
      senderId: 'paul',
      text: 'newer',
    });
  });
});
