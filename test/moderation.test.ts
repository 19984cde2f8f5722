/**
 * Recall, removal and reports over real WebSockets against the local stack (docs/protocol.md
 * "Recall and moderation"): a taken-down message keeps its seq and becomes a tombstone in history,
 * previews and unread counts for every member, including one who reconnects later; its text is
 * deleted from the messages table; the moderation table keeps who, when and why.
 */
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../functions/adapters/dynamo-client';
import type { LocalStack } from '../local/local-stack';
import { type ChatTestClient, connectAs, type Frame, nextId } from './support/chat-client';
import { startTestStack } from './support/test-stack';

let stack: LocalStack;
let db: ReturnType<typeof createDocumentClient>;
const open: ChatTestClient[] = [];

beforeAll(async () => {
  stack = await startTestStack({ env: { SEND_RATE_LIMIT: '1000', MESSAGE_BURST: '1000' } });
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

/** A room created by `admin` that `members` joined. */
async function roomWith(admin: ChatTestClient, members: ChatTestClient[]): Promise<string> {
  const room = await admin.request({ action: 'createroom', title: `room ${nextId()}` });
  const roomId = (room.conversation as Frame).id as string;
  for (const member of members) await member.request({ action: 'join', conversationId: roomId });
  return roomId;
}

async function say(client: ChatTestClient, conversationId: string, text: string) {
  const ack = await client.request({ action: 'sendmessage', conversationId, text });
  expect(ack.type).toBe('ack');
  return ack.message as Frame & { seq: number };
}

async function storedMessage(conversationId: string, seq: number) {
  const { Item } = await db.send(
    new GetCommand({ TableName: stack.tables.messages, Key: { conversationId, seq } }),
  );
  return Item;
}

async function moderationItems(conversationId: string, seq: number) {
  const { Items } = await db.send(
    new QueryCommand({
      TableName: stack.tables.moderation,
      KeyConditionExpression: 'messageKey = :k',
      ExpressionAttributeValues: { ':k': `${conversationId}#${seq}` },
    }),
  );
  return Items ?? [];
}

/** Moves a message's sentAt into the past (the recall window is measured against it). */
async function age(conversationId: string, seq: number, ms: number) {
  const item = await storedMessage(conversationId, seq);
  await db.send(
    new UpdateCommand({
      TableName: stack.tables.messages,
      Key: { conversationId, seq },
      UpdateExpression: 'SET sentAt = :at',
      ExpressionAttributeValues: {
        ':at': new Date(Date.parse(String(item?.sentAt)) - ms).toISOString(),
      },
    }),
  );
}

const isRecalled = (conversationId: string, seq: number) => (f: Frame) =>
  f.type === 'recalled' && f.conversationId === conversationId && f.seq === seq;

describe('recall', () => {
  it('turns the sender’s message into a tombstone for every member, now and after a reconnect', async () => {
    // Prepare: alice on two devices, bob, the desk; a room with three messages.
    const [desk, phone, laptop, bob] = await Promise.all([
      connect('admin'),
      connect('alice'),
      connect('alice'),
      connect('bob'),
    ]);
    const roomId = await roomWith(desk, [phone, bob]);
    await say(bob, roomId, 'first');
    const recalledOne = await say(phone, roomId, 'oops, wrong room');
    const bobSawIt = bob.next(
      (f) => f.type === 'message' && (f.message as Frame).seq === recalledOne.seq,
    );
    await bobSawIt;
    const laptopNotice = laptop.waitNew(isRecalled(roomId, recalledOne.seq));
    const bobNotice = bob.waitNew(isRecalled(roomId, recalledOne.seq));

    // Act
    const reply = await phone.request({
      action: 'recall',
      conversationId: roomId,
      seq: recalledOne.seq,
    });
    const again = await phone.request({
      action: 'recall',
      conversationId: roomId,
      seq: recalledOne.seq,
    });
    const notices = await Promise.all([laptopNotice, bobNotice]);
    await bob.close();
    const bobLater = await connect('bob');
    const history = await bobLater.request({ action: 'sync', conversationId: roomId, after: 0 });
    const list = await bobLater.request({ action: 'conversations' });
    const stored = await storedMessage(roomId, recalledOne.seq);
    const records = await moderationItems(roomId, recalledOne.seq);

    // Assess
    expect(reply).toMatchObject({
      type: 'recalled',
      conversationId: roomId,
      seq: recalledOne.seq,
      recalled: 'sender',
    });
    expect(again).toMatchObject({
      type: 'recalled',
      recalled: 'sender',
      recalledAt: reply.recalledAt,
    });
    for (const notice of notices) {
      expect(notice).toMatchObject({ recalled: 'sender' });
      expect(notice).not.toHaveProperty('id');
    }
    const messages = history.messages as Frame[];
    expect(messages.map((m) => m.seq)).toEqual([1, 2]);
    expect(messages[1]).toMatchObject({ seq: recalledOne.seq, text: '', recalled: 'sender' });
    expect(messages[0]).toMatchObject({ text: 'first' });
    const summary = (list.conversations as Frame[]).find((c) => c.id === roomId);
    expect(summary?.lastMessage).toMatchObject({
      seq: recalledOne.seq,
      text: '',
      recalled: 'sender',
    });
    // bob read up to his own message (seq 1); the tombstone still counts as one unread line.
    expect(summary).toMatchObject({ lastSeq: 2, unread: 1 });
    expect(stored).toBeDefined();
    expect(stored).not.toHaveProperty('text');
    expect(JSON.stringify(stored)).not.toContain('wrong room');
    expect(records).toEqual([
      expect.objectContaining({
        entry: 'takedown',
        by: 'sender',
        actorId: 'alice',
        senderId: 'alice',
      }),
    ]);
    expect(records[0]).not.toHaveProperty('removedText');
  });

  it('empties the preview of a conversation stored before lastMessageSeq (seq in the preview map)', async () => {
    // Prepare: a room whose conversation item has the older shape: the preview map holds the seq
    // and there is no lastMessageSeq beside it (as items written before it existed).
    const desk = await connect('admin');
    const gus = await connect('gus');
    const roomId = await roomWith(desk, [gus]);
    const said = await say(gus, roomId, 'from an older item');
    await db.send(
      new UpdateCommand({
        TableName: stack.tables.conversations,
        Key: { conversationId: roomId },
        UpdateExpression: 'SET lastMessage.seq = lastMessageSeq REMOVE lastMessageSeq',
      }),
    );
    const preview = async () =>
      (((await gus.request({ action: 'rooms' })).rooms as Frame[]).find((r) => r.id === roomId)
        ?.lastMessage ?? null) as Frame | null;
    const before = await preview();

    // Act
    const reply = await gus.request({ action: 'recall', conversationId: roomId, seq: said.seq });

    // Assess: the older item reads at its seq, and the recall empties its preview.
    expect(before).toMatchObject({ seq: said.seq, text: 'from an older item' });
    expect(reply).toMatchObject({ type: 'recalled', seq: said.seq });
    expect(await preview()).toMatchObject({ seq: said.seq, text: '', recalled: 'sender' });
  });

  it('refuses another’s message, a message older than 2 minutes, a non-member and a missing seq', async () => {
    // Prepare
    const [desk, carol, dan, eve] = await Promise.all([
      connect('admin'),
      connect('carol'),
      connect('dan'),
      connect('eve'),
    ]);
    const roomId = await roomWith(desk, [carol, dan]);
    const carols = await say(carol, roomId, 'mine');
    const old = await say(carol, roomId, 'said long ago');
    await age(roomId, old.seq, 121_000);
    const ownSupport = await say(eve, 'support:eve', 'help');
    const deskAnswer = await say(desk, 'support:eve', 'sure');

    // Act
    const outcomes = await Promise.all([
      dan.request({ action: 'recall', conversationId: roomId, seq: carols.seq }),
      carol.request({ action: 'recall', conversationId: roomId, seq: old.seq }),
      eve.request({ action: 'recall', conversationId: roomId, seq: carols.seq }),
      carol.request({ action: 'recall', conversationId: roomId, seq: 999 }),
      eve.request({ action: 'recall', conversationId: 'support:eve', seq: deskAnswer.seq }),
      dan.request({ action: 'recall', conversationId: 'support:eve', seq: ownSupport.seq }),
      carol.request({ action: 'recall', conversationId: roomId, seq: 0 }),
    ]);
    const untouched = await storedMessage(roomId, carols.seq);

    // Assess
    expect(outcomes.map((o) => o.code)).toEqual([
      'FORBIDDEN', // not the sender
      'FORBIDDEN', // past the 2-minute window
      'FORBIDDEN', // not a member of the room
      'NOT_FOUND',
      'FORBIDDEN', // the desk's message in one's own support conversation
      'FORBIDDEN', // another student's support conversation
      'BAD_REQUEST', // seq 0 is no message
    ]);
    expect(untouched).toMatchObject({ text: 'mine' });
  });
});

describe('remove', () => {
  it('lets an admin take down any message at any time and keeps the removed text for the desk', async () => {
    // Prepare: a room the removing admin never joined, a message well past the recall window.
    const [desk, desk2, fay, gus] = await Promise.all([
      connect('admin'),
      connect('admin2'),
      connect('fay'),
      connect('gus'),
    ]);
    const roomId = await roomWith(desk, [fay, gus]);
    const bad = await say(fay, roomId, 'something unlawful');
    await age(roomId, bad.seq, 3_600_000);
    const gusNotice = gus.waitNew(isRecalled(roomId, bad.seq));

    // Act
    const byStudent = await gus.request({ action: 'remove', conversationId: roomId, seq: bad.seq });
    const removed = await desk2.request({
      action: 'remove',
      conversationId: roomId,
      seq: bad.seq,
      reason: 'violates the campus rules',
    });
    const notice = await gusNotice;
    const history = await fay.request({ action: 'sync', conversationId: roomId, after: 0 });
    const records = await moderationItems(roomId, bad.seq);
    const missing = await desk2.request({ action: 'remove', conversationId: 'room:none', seq: 1 });

    // Assess
    expect(byStudent).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
    expect(removed).toMatchObject({ type: 'recalled', recalled: 'admin', seq: bad.seq });
    expect(notice).toMatchObject({ recalled: 'admin' });
    expect(history.messages).toEqual([expect.objectContaining({ text: '', recalled: 'admin' })]);
    expect(await storedMessage(roomId, bad.seq)).not.toHaveProperty('text');
    expect(records).toEqual([
      expect.objectContaining({
        entry: 'takedown',
        by: 'admin',
        actorId: 'admin2',
        senderId: 'fay',
        reason: 'violates the campus rules',
        removedText: 'something unlawful',
      }),
    ]);
    expect(missing).toMatchObject({ type: 'error', code: 'NOT_FOUND' });
  });
});

describe('reports', () => {
  it('reach the desk with the text as reported, and leave the list when removed or dismissed', async () => {
    // Prepare
    const [desk, hal, ivy, jon] = await Promise.all([
      connect('admin'),
      connect('hal'),
      connect('ivy'),
      connect('jon'),
    ]);
    const roomId = await roomWith(desk, [hal, ivy]);
    const rude = await say(hal, roomId, 'a rude remark');
    const spam = await say(hal, roomId, 'buy now');

    // Act
    const first = await ivy.request({
      action: 'report',
      conversationId: roomId,
      seq: rude.seq,
      reason: 'abuse',
    });
    const repeat = await ivy.request({
      action: 'report',
      conversationId: roomId,
      seq: rude.seq,
      reason: 'abuse',
    });
    const second = await ivy.request({
      action: 'report',
      conversationId: roomId,
      seq: spam.seq,
      reason: 'spam',
    });
    const refused = await Promise.all([
      hal.request({ action: 'report', conversationId: roomId, seq: rude.seq, reason: 'other' }),
      jon.request({ action: 'report', conversationId: roomId, seq: rude.seq, reason: 'other' }),
      ivy.request({ action: 'report', conversationId: roomId, seq: rude.seq, reason: 'nonsense' }),
      ivy.request({ action: 'reports' }),
      ivy.request({ action: 'dismissreport', reportId: first.reportId }),
    ]);
    // The sender recalls the rude remark; the report keeps what was said.
    await hal.request({ action: 'recall', conversationId: roomId, seq: rude.seq });
    const listed = await desk.request({ action: 'reports' });
    await desk.request({ action: 'remove', conversationId: roomId, seq: spam.seq });
    const dismissed = await desk.request({ action: 'dismissreport', reportId: first.reportId });
    const dismissedAgain = await desk.request({
      action: 'dismissreport',
      reportId: first.reportId,
    });
    const after = await desk.request({ action: 'reports' });
    const forged = await desk.request({ action: 'dismissreport', reportId: 'not-a-report' });

    // Assess
    expect(first).toMatchObject({ type: 'reported' });
    expect(repeat.reportId).toBe(first.reportId);
    expect(refused.map((r) => r.code)).toEqual([
      'BAD_REQUEST', // one's own message
      'FORBIDDEN', // not a member
      'BAD_REQUEST', // not one of the reasons
      'FORBIDDEN', // students do not see reports
      'FORBIDDEN',
    ]);
    const mine = (listed.reports as Frame[]).filter((r) => r.conversationId === roomId);
    expect(mine).toEqual([
      expect.objectContaining({
        reportId: second.reportId,
        seq: spam.seq,
        reason: 'spam',
        text: 'buy now',
      }),
      expect.objectContaining({
        reportId: first.reportId,
        seq: rude.seq,
        reporterId: 'ivy',
        senderId: 'hal',
        reason: 'abuse',
        status: 'open',
        text: 'a rude remark',
      }),
    ]);
    expect(dismissed).toMatchObject({ type: 'reportclosed', status: 'dismissed' });
    expect(dismissedAgain).toMatchObject({ type: 'reportclosed', status: 'dismissed' });
    expect((after.reports as Frame[]).filter((r) => r.conversationId === roomId)).toEqual([]);
    const spamReport = (await moderationItems(roomId, spam.seq)).find(
      (i) => i.entry !== 'takedown',
    );
    expect(spamReport).toMatchObject({ status: 'removed', closedBy: 'admin' });
    expect(forged).toMatchObject({ type: 'error', code: 'BAD_REQUEST' });
  });

  it('pages the open reports with a cursor', async () => {
    // Prepare: five reported messages.
    const [desk, kim, lee] = await Promise.all([connect('admin'), connect('kim'), connect('lee')]);
    const roomId = await roomWith(desk, [kim, lee]);
    for (let i = 0; i < 5; i++) {
      const m = await say(kim, roomId, `message ${i}`);
      await lee.request({ action: 'report', conversationId: roomId, seq: m.seq, reason: 'spam' });
    }

    // Act: pages of two until the cursor ends.
    const seen: number[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const reply = await desk.request({
        action: 'reports',
        limit: 2,
        ...(cursor ? { cursor } : {}),
      });
      seen.push(
        ...(reply.reports as Frame[])
          .filter((r) => r.conversationId === roomId)
          .map((r) => r.seq as number),
      );
      cursor = reply.cursor as string | undefined;
      if (!cursor) break;
    }

    // Assess
    expect(seen).toEqual([5, 4, 3, 2, 1]);
  });
});
