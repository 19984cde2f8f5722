/**
 * Message search over real WebSockets against the local stack (docs/protocol.md "Search"): a
 * Chinese phrase found without word splitting, access as `sync` has it (a student never sees
 * another's messages or a room they are not in), taken-down messages never match, and the bounds:
 * query length, results per page and messages scanned per request, each resumed by a cursor.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../functions/adapters/dynamo-client';
import type { LocalStack } from '../local/local-stack';
import { MAX_SEARCH_CHARS, SEARCH_QUERY_BUDGET, SEARCH_SCAN_BUDGET } from '../protocol/search';
import { type ChatTestClient, connectAs, type Frame, nextId } from './support/chat-client';
import { seedHistory } from './support/seed-history';
import { startTestStack } from './support/test-stack';

let stack: LocalStack;
let db: ReturnType<typeof createDocumentClient>;
const open: ChatTestClient[] = [];

beforeAll(async () => {
  stack = await startTestStack({
    env: {
      ADMINS: 'admin',
      SEND_RATE_LIMIT: '1000',
      MESSAGE_BURST: '1000',
      FRAME_BURST: '1000',
      FRAME_PER_SECOND: '1000',
    },
  });
  db = createDocumentClient({ endpoint: stack.dynamodbEndpoint, region: 'us-east-1' });
});

afterAll(async () => {
  await Promise.all(open.map((c) => c.close()));
  await stack.stop();
  db.destroy();
});

async function connect(name: string): Promise<ChatTestClient> {
  const client = await connectAs(stack, name);
  open.push(client);
  return client;
}

async function say(client: ChatTestClient, conversationId: string, text: string) {
  const ack = await client.request({ action: 'sendmessage', conversationId, text });
  expect(ack.type).toBe('ack');
  return ack.message as Frame & { seq: number };
}

interface Result {
  conversationId: string;
  seq: number;
  snippet: string;
  matchStart: number;
  matchLength: number;
  sentAt: string;
  senderName: string;
}

async function search(client: ChatTestClient, frame: Record<string, unknown>) {
  const reply = await client.request({ action: 'search', ...frame });
  expect(reply.type).toBe('searchresults');
  return reply as Frame & { results: Result[]; cursor?: string; scanned: number };
}

describe('search', () => {
  it('finds a Chinese phrase inside a longer text, for the desk and for the student', async () => {
    const student = nextId('s');
    const [desk, alice] = await Promise.all([connect('admin'), connect(student)]);
    const conversationId = `support:${student}`;
    await say(alice, conversationId, '老师好');
    const asked = await say(alice, conversationId, '我想预约三楼的自习室，明天下午可以吗？');
    await say(desk, conversationId, '可以的');

    const byDesk = await search(desk, { query: ' 预约 ' });
    const hit = byDesk.results.find((r) => r.conversationId === conversationId);
    expect(hit).toMatchObject({
      seq: asked.seq,
      sentAt: asked.sentAt,
      senderName: asked.senderName,
    });
    expect(
      Array.from(hit?.snippet ?? '')
        .slice(hit?.matchStart, (hit?.matchStart ?? 0) + 2)
        .join(''),
    ).toBe('预约');
    expect(hit?.matchLength).toBe(2);

    const byStudent = await search(alice, { query: '三楼的自习' });
    expect(byStudent.results.map((r) => [r.conversationId, r.seq])).toEqual([
      [conversationId, asked.seq],
    ]);
    // NFKC and case: full-width letters and upper case find the plain form.
    await say(alice, conversationId, 'Room B2 is booked');
    const folded = await search(alice, { query: 'ＲＯＯＭ b2' });
    expect(folded.results.map((r) => r.snippet)).toEqual(['Room B2 is booked']);
  });

  it('never shows a student another student’s messages or a room they have not joined', async () => {
    const [aliceId, bobId] = [nextId('a'), nextId('b')];
    const [desk, alice, bob] = await Promise.all([
      connect('admin'),
      connect(aliceId),
      connect(bobId),
    ]);
    const marker = `暗号${nextId('x').slice(-6)}`;
    const own = await say(alice, `support:${aliceId}`, `我的${marker}在这里`);
    const room = await desk.request({ action: 'createroom', title: `room ${nextId()}` });
    const roomId = (room.conversation as Frame).id as string;
    const inRoom = await say(desk, roomId, `房间里的${marker}`);

    expect((await search(bob, { query: marker })).results).toEqual([]);
    const forbidden = await bob.request({
      action: 'search',
      query: marker,
      conversationId: `support:${aliceId}`,
    });
    expect(forbidden).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
    const notJoined = await bob.request({
      action: 'search',
      query: marker,
      conversationId: roomId,
    });
    expect(notJoined).toMatchObject({ type: 'error', code: 'FORBIDDEN' });

    // Alice finds her own message; the room's only once she joined it.
    expect((await search(alice, { query: marker })).results.map((r) => r.seq)).toEqual([own.seq]);
    await alice.request({ action: 'join', conversationId: roomId });
    const joined = await search(alice, { query: marker });
    expect(joined.results.map((r) => [r.conversationId, r.seq]).sort()).toEqual(
      [
        [`support:${aliceId}`, own.seq],
        [roomId, inRoom.seq],
      ].sort(),
    );
    await alice.request({ action: 'leave', conversationId: roomId });
    expect((await search(alice, { query: marker })).results.map((r) => r.conversationId)).toEqual([
      `support:${aliceId}`,
    ]);
    // The desk reads every support conversation and its rooms.
    const byDesk = await search(desk, { query: marker });
    expect(byDesk.results.map((r) => r.conversationId).sort()).toEqual(
      [`support:${aliceId}`, roomId].sort(),
    );
  });

  it('never matches a recalled or removed message', async () => {
    const student = nextId('s');
    const [desk, alice] = await Promise.all([connect('admin'), connect(student)]);
    const conversationId = `support:${student}`;
    const marker = `撤回${nextId('x').slice(-6)}`;
    const recalled = await say(alice, conversationId, `发错了${marker}`);
    const removed = await say(alice, conversationId, `不当内容${marker}`);
    const kept = await say(alice, conversationId, `保留${marker}`);
    expect((await search(desk, { query: marker })).results).toHaveLength(3);

    const recall = await alice.request({ action: 'recall', conversationId, seq: recalled.seq });
    expect(recall.type).toBe('recalled');
    const remove = await desk.request({ action: 'remove', conversationId, seq: removed.seq });
    expect(remove.type).toBe('recalled');

    for (const client of [desk, alice]) {
      const after = await search(client, { query: marker });
      expect(after.results.map((r) => r.seq)).toEqual([kept.seq]);
    }
  });

  it('checks the query length after normalisation and refuses a cursor it did not issue', async () => {
    const alice = await connect(nextId('s'));
    for (const query of ['a', '   b   ', 'ｘ', 'x'.repeat(MAX_SEARCH_CHARS + 1)]) {
      const reply = await alice.request({ action: 'search', query });
      expect(reply).toMatchObject({ type: 'error', code: 'BAD_REQUEST' });
    }
    const edge = await alice.request({ action: 'search', query: 'x'.repeat(MAX_SEARCH_CHARS) });
    expect(edge.type).toBe('searchresults');
    const forged = await alice.request({ action: 'search', query: '预约', cursor: 'bm90LW91cnM' });
    expect(forged).toMatchObject({ type: 'error', code: 'BAD_REQUEST' });
  });

  it('pages results newest first with a cursor, each once', async () => {
    const [desk] = await Promise.all([connect('admin')]);
    const room = await desk.request({ action: 'createroom', title: `room ${nextId()}` });
    const roomId = (room.conversation as Frame).id as string;
    const marker = `分页${nextId('x').slice(-6)}`;
    const sent: number[] = [];
    for (let i = 0; i < 5; i++) {
      sent.push((await say(desk, roomId, `第${i}条 ${marker}`)).seq);
      await say(desk, roomId, `无关的话 ${i}`);
    }
    const pages: Result[][] = [];
    let cursor: string | undefined;
    do {
      const page = await search(desk, {
        query: marker,
        conversationId: roomId,
        limit: 2,
        ...(cursor ? { cursor } : {}),
      });
      pages.push(page.results);
      cursor = page.cursor;
      expect(pages.length).toBeLessThan(6);
    } while (cursor);
    expect(pages.slice(0, 3).map((p) => p.length)).toEqual([2, 2, 1]);
    expect(pages.flat().map((r) => r.seq)).toEqual([...sent].reverse());

    // A cursor continues only the search it came from.
    const first = await search(desk, { query: marker, conversationId: roomId, limit: 2 });
    const other = await desk.request({
      action: 'search',
      query: '别的词',
      conversationId: roomId,
      cursor: first.cursor,
    });
    expect(other).toMatchObject({ type: 'error', code: 'BAD_REQUEST' });
  });

  it('reads at most the scan budget per request and goes on from its cursor', async () => {
    const desk = await connect('admin');
    const room = await desk.request({ action: 'createroom', title: `room ${nextId()}` });
    const roomId = (room.conversation as Frame).id as string;
    const marker = `很久以前${nextId('x').slice(-6)}`;
    const first = await say(desk, roomId, `最早的一条 ${marker}`);
    const filler = Array.from({ length: SEARCH_SCAN_BUDGET + 300 }, (_, i) => `普通消息 ${i}`);
    await seedHistory(db, stack.tables, roomId, first.seq, filler, () => ({
      senderId: 'admin',
      senderName: 'admin',
      senderRole: 'admin',
    }));

    const page1 = await search(desk, { query: marker, conversationId: roomId });
    expect(page1.results).toEqual([]);
    expect(page1.scanned).toBe(SEARCH_SCAN_BUDGET);
    expect(page1.cursor).toBeDefined();
    const page2 = await search(desk, {
      query: marker,
      conversationId: roomId,
      cursor: page1.cursor,
    });
    expect(page2.results.map((r) => r.seq)).toEqual([first.seq]);
    expect(page2.scanned).toBe(301);
    expect(page2.cursor).toBeUndefined();
  });

  it('bounds the history queries per request too: many short conversations', async () => {
    // Prepare: the oldest of many students who each wrote once holds the word.
    const marker = `很多会话${nextId('x').slice(-6)}`;
    const students = Array.from({ length: SEARCH_QUERY_BUDGET + 5 }, () => nextId('m'));
    for (const [i, student] of students.entries()) {
      const client = await connect(student);
      await say(client, `support:${student}`, i === 0 ? `我问过${marker}` : '在吗');
      await client.close();
    }
    const desk = await connect('admin');

    // Act: page through to the end.
    const pages: { scanned: number; seqs: string[] }[] = [];
    let cursor: string | undefined;
    do {
      const page = await search(desk, { query: marker, ...(cursor ? { cursor } : {}) });
      pages.push({ scanned: page.scanned, seqs: page.results.map((r) => r.conversationId) });
      cursor = page.cursor;
      expect(pages.length).toBeLessThan(20);
    } while (cursor);

    // Assess: the first page stopped at the query bound (one message per conversation), and the
    // word was found once, later.
    expect(pages[0]).toEqual({ scanned: SEARCH_QUERY_BUDGET, seqs: [] });
    expect(pages.flatMap((p) => p.seqs)).toEqual([`support:${students[0]}`]);
  });
});
