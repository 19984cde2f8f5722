/**
 * The desk's workflow over real WebSockets against the local stack (docs/protocol.md "The desk's
 * workflow"): two staff racing to claim (exactly one owner, the other told who), a student's
 * message reopening a resolved conversation, transfer only to a current admin, what a student may
 * see and do, the inbox filter with waiting-since and counts, and the record of every change.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../functions/adapters/dynamo-client';
import type { LocalStack } from '../local/local-stack';
import { ChatTestClient, type Frame, login, nextId } from './support/chat-client';
import { startTestStack } from './support/test-stack';

let stack: LocalStack;
let db: ReturnType<typeof createDocumentClient>;
const open: ChatTestClient[] = [];

beforeAll(async () => {
  stack = await startTestStack({
    env: { ADMINS: 'admin,wang,li,zhao', SEND_RATE_LIMIT: '1000', MESSAGE_BURST: '1000' },
  });
  db = createDocumentClient({ endpoint: stack.dynamodbEndpoint, region: 'us-east-1' });
});

afterAll(async () => {
  await Promise.all(open.map((c) => c.close()));
  await stack.stop();
  db.destroy();
});

async function connect(name: string, displayName?: string): Promise<ChatTestClient> {
  const { token } = await login(stack, name, displayName);
  const client = await ChatTestClient.connect(
    `${stack.urls.websocket}?token=${encodeURIComponent(token)}`,
  );
  open.push(client);
  return client;
}

/** A fresh student who wrote once: their support conversation exists, waiting for the desk. */
async function studentWithConversation(): Promise<{ student: ChatTestClient; id: string }> {
  const name = `stu${nextId('s').replace(/\W/g, '')}`;
  const student = await connect(name, '小明');
  const id = `support:${name}`;
  const ack = await student.request({
    action: 'sendmessage',
    conversationId: id,
    text: '三楼开门吗',
  });
  expect(ack.type).toBe('ack');
  return { student, id };
}

async function conversationItem(conversationId: string) {
  const { Item } = await db.send(
    new GetCommand({
      TableName: stack.tables.conversations,
      Key: { conversationId },
      ConsistentRead: true,
    }),
  );
  return Item ?? {};
}

async function deskEvents(conversationId: string) {
  const { Items } = await db.send(
    new QueryCommand({
      TableName: stack.tables.deskEvents,
      KeyConditionExpression: 'conversationId = :c',
      ExpressionAttributeValues: { ':c': conversationId },
      ConsistentRead: true,
    }),
  );
  return Items ?? [];
}

describe('claiming', () => {
  it('two staff claiming at once: exactly one owner, the other is told who by name', async () => {
    const wang = await connect('wang', '王老师');
    const li = await connect('li', '李老师');
    const { id } = await studentWithConversation();
    const [a, b] = await Promise.all([
      wang.request({ action: 'claim', conversationId: id }),
      li.request({ action: 'claim', conversationId: id }),
    ]);
    const results = [a, b];
    const won = results.filter((r) => r.type === 'deskstate');
    const lost = results.filter((r) => r.type === 'error');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const winner = won[0] as Frame;
    expect(winner.state).toBe('claimed');
    expect(lost[0]?.code).toBe('CONFLICT');
    expect(lost[0]?.ownerName).toBe(winner.ownerName);
    expect(['王老师', '李老师']).toContain(winner.ownerName);
    const item = await conversationItem(id);
    expect(item.deskState).toBe('claimed');
    expect(item.ownerId).toBe(winner.ownerId);
    // Exactly one claim was recorded.
    expect((await deskEvents(id)).filter((e) => e.change === 'claim')).toHaveLength(1);
  });

  it('every admin connection hears of a claim live; the student sees the name, never the id', async () => {
    const wang = await connect('wang', '王老师');
    const zhao = await connect('zhao', '赵老师');
    const { student, id } = await studentWithConversation();
    // The claim's own announcement: the student's send announces the conversation's state too
    // (its waiting time), and may arrive after the claim, already showing it claimed.
    const seenByZhao = zhao.waitNew(
      (f) =>
        f.type === 'deskstate' &&
        f.conversationId === id &&
        f.state === 'claimed' &&
        f.change === 'claim',
    );
    const seenByStudent = student.waitNew((f) => f.type === 'deskstate' && f.state === 'claimed');
    const answer = await wang.request({ action: 'claim', conversationId: id });
    expect(answer).toMatchObject({
      type: 'deskstate',
      state: 'claimed',
      ownerId: 'wang',
      change: 'claim',
    });
    expect(answer.counts).toMatchObject({ claimed: expect.any(Number) });
    expect(await seenByZhao).toMatchObject({
      ownerName: '王老师',
      ownerId: 'wang',
      byName: '王老师',
    });
    const toStudent = await seenByStudent;
    expect(toStudent).toMatchObject({ conversationId: id, ownerName: '王老师' });
    expect(JSON.stringify(toStudent)).not.toContain('wang');
    const list = await student.request({ action: 'conversations' });
    const mine = (list.conversations as Frame[]).find((c) => c.id === id) as Frame;
    expect(mine).toMatchObject({ deskState: 'claimed', ownerName: '王老师' });
    expect(mine.ownerId).toBeUndefined();
    expect(JSON.stringify(list)).not.toContain('"wang"');
  });

  it('a student cannot claim, release, transfer, resolve or filter the inbox', async () => {
    const { student, id } = await studentWithConversation();
    for (const frame of [
      { action: 'claim', conversationId: id },
      { action: 'release', conversationId: id },
      { action: 'resolve', conversationId: id },
      { action: 'transfer', conversationId: id, to: 'wang' },
      { action: 'conversations', desk: { state: 'open' } },
    ]) {
      const answer = await student.request(frame);
      expect(answer, frame.action).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
    }
    expect((await conversationItem(id)).deskState).toBe('open');
  });

  it('only the owner releases; a release puts it back in the queue', async () => {
    const wang = await connect('wang', '王老师');
    const li = await connect('li', '李老师');
    const { id } = await studentWithConversation();
    await wang.request({ action: 'claim', conversationId: id });
    const refused = await li.request({ action: 'release', conversationId: id });
    expect(refused).toMatchObject({ type: 'error', code: 'CONFLICT', ownerName: '王老师' });
    const released = await wang.request({ action: 'release', conversationId: id });
    expect(released).toMatchObject({ type: 'deskstate', state: 'open', change: 'release' });
    expect(released.ownerId).toBeUndefined();
    const item = await conversationItem(id);
    expect(item.deskState).toBe('open');
    expect(item.ownerId).toBeUndefined();
  });
});

describe('resolving and reopening', () => {
  it("a student's new message reopens a resolved conversation and sets it waiting", async () => {
    const wang = await connect('wang', '王老师');
    const { student, id } = await studentWithConversation();
    await wang.request({ action: 'claim', conversationId: id });
    await wang.request({ action: 'sendmessage', conversationId: id, text: '开到22点' });
    expect((await conversationItem(id)).waitingSince).toBeUndefined();
    const resolved = await wang.request({ action: 'resolve', conversationId: id });
    expect(resolved).toMatchObject({ type: 'deskstate', state: 'resolved', ownerName: '王老师' });

    const reopened = wang.waitNew(
      (f) => f.type === 'deskstate' && f.conversationId === id && f.change === 'reopen',
    );
    const ack = await student.request({
      action: 'sendmessage',
      conversationId: id,
      text: '谢谢，还有一个问题',
    });
    const frame = await reopened;
    expect(frame).toMatchObject({ state: 'open', waitingSince: (ack.message as Frame).sentAt });
    expect(frame.ownerId).toBeUndefined();
    const item = await conversationItem(id);
    expect(item).toMatchObject({
      deskState: 'open',
      waitingSince: Date.parse(String((ack.message as Frame).sentAt)),
    });
    expect(item.ownerId).toBeUndefined();
    // The staff reply that answered the waiting student is on the record too (response times).
    expect((await deskEvents(id)).map((e) => e.change)).toEqual([
      'new',
      'claim',
      'reply',
      'resolve',
      'reopen',
    ]);
  });

  it('waiting-since is the oldest unanswered student message, cleared by a staff reply', async () => {
    const wang = await connect('wang', '王老师');
    const { student, id } = await studentWithConversation();
    const first = Number((await conversationItem(id)).waitingSince);
    await student.request({ action: 'sendmessage', conversationId: id, text: '在吗' });
    expect((await conversationItem(id)).waitingSince).toBe(first);
    await wang.request({ action: 'sendmessage', conversationId: id, text: '在' });
    expect((await conversationItem(id)).waitingSince).toBeUndefined();
    const again = await student.request({
      action: 'sendmessage',
      conversationId: id,
      text: '好的',
    });
    expect((await conversationItem(id)).waitingSince).toBe(
      Date.parse(String((again.message as Frame).sentAt)),
    );
  });
});

describe('transfer', () => {
  it('hands a conversation to a current admin, who is named to the student', async () => {
    const wang = await connect('wang', '王老师');
    const li = await connect('li', '李老师');
    const { student, id } = await studentWithConversation();
    await wang.request({ action: 'claim', conversationId: id });
    const toStudent = student.waitNew((f) => f.type === 'deskstate' && f.ownerName === '李老师');
    const liHears = li.waitNew(
      (f) => f.type === 'deskstate' && f.conversationId === id && f.change === 'transfer',
    );
    const moved = await wang.request({ action: 'transfer', conversationId: id, to: 'li' });
    expect(moved).toMatchObject({
      type: 'deskstate',
      state: 'claimed',
      ownerId: 'li',
      ownerName: '李老师',
    });
    expect(await liHears).toMatchObject({ byName: '王老师' });
    expect(await toStudent).not.toHaveProperty('ownerId');
  });

  it('refuses a transfer to someone who is not a current admin, or by a non-owner', async () => {
    const wang = await connect('wang', '王老师');
    const zhao = await connect('zhao', '赵老师');
    const { id } = await studentWithConversation();
    await connect('outsider', '路人');
    await wang.request({ action: 'claim', conversationId: id });
    for (const to of ['outsider', 'nobody-ever-logged-in']) {
      const refused = await wang.request({ action: 'transfer', conversationId: id, to });
      expect(refused).toMatchObject({ type: 'error', code: 'BAD_REQUEST' });
    }
    const notOwner = await zhao.request({ action: 'transfer', conversationId: id, to: 'zhao' });
    expect(notOwner).toMatchObject({ type: 'error', code: 'CONFLICT', ownerName: '王老师' });
    expect((await conversationItem(id)).ownerId).toBe('wang');
  });
});

describe('the inbox', () => {
  it('filters by state and owner, longest waiting first, with counts per state', async () => {
    const wang = await connect('wang', '王老师');
    const li = await connect('li', '李老师');
    const older = await studentWithConversation();
    const newer = await studentWithConversation();
    const claimed = await studentWithConversation();
    await li.request({ action: 'claim', conversationId: claimed.id });

    const unassigned = await wang.request({
      action: 'conversations',
      desk: { state: 'open', owner: 'unassigned' },
      limit: 200,
    });
    const ids = (unassigned.conversations as Frame[]).map((c) => c.id);
    expect(ids).toContain(older.id);
    expect(ids.indexOf(older.id)).toBeLessThan(ids.indexOf(newer.id));
    expect(ids).not.toContain(claimed.id);
    const waits = (unassigned.conversations as Frame[]).map((c) =>
      Date.parse(String(c.waitingSince)),
    );
    expect([...waits].sort((a, b) => a - b)).toEqual(waits);
    expect(unassigned.deskCounts).toMatchObject({
      open: expect.any(Number),
      claimed: expect.any(Number),
      resolved: expect.any(Number),
    });

    const liMine = await li.request({
      action: 'conversations',
      desk: { state: 'claimed', owner: 'mine' },
    });
    const liIds = (liMine.conversations as Frame[]).map((c) => c.id);
    expect(liIds).toContain(claimed.id);
    expect((liMine.conversations as Frame[]).every((c) => c.ownerId === 'li')).toBe(true);
    const wangMine = await wang.request({
      action: 'conversations',
      desk: { state: 'claimed', owner: 'mine' },
    });
    expect((wangMine.conversations as Frame[]).map((c) => c.id)).not.toContain(claimed.id);
  });

  it('pages with a cursor that only this filter accepts', async () => {
    const wang = await connect('wang', '王老师');
    await studentWithConversation();
    await studentWithConversation();
    const first = await wang.request({
      action: 'conversations',
      desk: { state: 'open' },
      limit: 1,
    });
    expect(first.conversations).toHaveLength(1);
    expect(typeof first.cursor).toBe('string');
    const second = await wang.request({
      action: 'conversations',
      desk: { state: 'open' },
      limit: 1,
      cursor: first.cursor,
    });
    expect(second.conversations).toHaveLength(1);
    expect((second.conversations as Frame[])[0]?.id).not.toBe(
      (first.conversations as Frame[])[0]?.id,
    );
    const wrongFilter = await wang.request({
      action: 'conversations',
      desk: { state: 'resolved' },
      cursor: first.cursor,
    });
    expect(wrongFilter).toMatchObject({ type: 'error', code: 'BAD_REQUEST' });
  });
});
