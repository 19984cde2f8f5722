/**
 * Subscribe-message notifications end to end on the local stack (issue 15): real WebSockets, the
 * messages table's stream read by the local poller with the real DynamoDB Streams client, the
 * notify handler, the shared access token and the subscribeMessage.send stand-in, which counts
 * each user's subscriptions as WeChat does. Every assertion is on what the stand-in was sent.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validFieldValue } from '../functions/domain/subscribe-fields';
import type { LocalStack } from '../local/local-stack';
import type { ChatTestClient, Frame } from './support/chat-client';
import { eventually, type NotifyStack, startNotifyStack } from './support/notify-stack';

const DESK = 'local-desk-replied';
let stack: LocalStack;
let db: DynamoDBDocumentClient;
let notifyStack: NotifyStack;

beforeAll(async () => {
  notifyStack = await startNotifyStack();
  ({ stack, db } = notifyStack);
});

afterAll(async () => {
  await notifyStack.stop();
});

const connect = (name: string): Promise<ChatTestClient> => notifyStack.connect(name);

/** The ledger's outcome for a message and recipient, once the notifier has finished it. */
async function outcome(messageId: string, recipient: string): Promise<string> {
  const item = await eventually(
    async () =>
      (
        await db.send(
          new GetCommand({
            TableName: stack.tables.notifications,
            Key: { notifyKey: `msg#${messageId}#${recipient}` },
            ConsistentRead: true,
          }),
        )
      ).Item,
    (found) => found?.state === 'done',
  );
  return String(item?.outcome ?? 'none');
}

/** The outcome if the notifier has recorded one by now (after a later record of the shard). */
async function outcomeOrNone(messageId: string, recipient: string): Promise<string> {
  const { Item } = await db.send(
    new GetCommand({
      TableName: stack.tables.notifications,
      Key: { notifyKey: `msg#${messageId}#${recipient}` },
      ConsistentRead: true,
    }),
  );
  return String(Item?.outcome ?? 'none');
}

/** Waits until the user has no open connection on the user's live item ($disconnect ran). */
async function offline(userId: string): Promise<void> {
  await eventually(
    async () =>
      (
        await db.send(
          new GetCommand({ TableName: stack.tables.users, Key: { userId }, ConsistentRead: true }),
        )
      ).Item?.liveConnections as Set<string> | undefined,
    (live) => !live || live.size === 0,
  );
}

/** A student who wrote to the desk and accepted the "desk replied" template `accepts` times. */
async function studentWhoAccepted(name: string, accepts: number): Promise<ChatTestClient> {
  const student = await connect(name);
  await student.request({ action: 'sendmessage', conversationId: `support:${name}`, text: '在吗' });
  for (let i = 0; i < accepts; i++) {
    // What one Send tap's wx.requestSubscribeMessage accept does on both sides: WeChat counts a
    // subscription, the mini-program reports it.
    stack.wechat.subscribe.grant(name, DESK);
    const state = await student.request({
      action: 'subscription',
      template: 'deskReplied',
      result: 'accept',
    });
    expect(state).toMatchObject({ type: 'subscription', templateId: DESK, credits: i + 1 });
  }
  await student.close();
  await offline(name);
  return student;
}

async function reply(admin: ChatTestClient, name: string, text: string): Promise<string> {
  const ack = await admin.request({
    action: 'sendmessage',
    conversationId: `support:${name}`,
    text,
  });
  return String((ack.message as Frame).id);
}

const sentTo = (openid: string) => stack.wechat.subscribe.sent.filter((m) => m.touser === openid);

describe('desk replied', () => {
  it('sends one notification for three replies, and one more after the student read', async () => {
    await studentWhoAccepted('mei', 2);
    const admin = await connect('admin');
    const ids: string[] = [];
    for (const text of ['你好', '请问是哪个自习室？', '我们今晚九点关门，这条回复比较长需要截断']) {
      ids.push(await reply(admin, 'mei', text));
    }
    expect(await Promise.all(ids.map((id) => outcome(id, 'mei')))).toEqual([
      'sent',
      'unread',
      'unread',
    ]);
    const [first] = sentTo('mei');
    expect(sentTo('mei')).toHaveLength(1);
    expect(first).toMatchObject({
      templateId: DESK,
      page: `pages/chat/index?id=${encodeURIComponent('support:mei')}`,
      miniprogramState: 'developer',
    });
    expect(first?.data.thing2).toBe('你好');
    for (const [key, value] of Object.entries(first?.data ?? {}))
      expect(validFieldValue(key, value), key).toBe(true);

    // The student reopens the app and reads; the next reply notifies again (a credit remains).
    const back = await connect('mei');
    await back.request({ action: 'sync', conversationId: 'support:mei' });
    back.send({ action: 'read', conversationId: 'support:mei', seq: 4 });
    await admin.next((f) => f.type === 'read' && f.seq === 4);
    await back.close();
    await offline('mei');
    expect(await outcome(await reply(admin, 'mei', '还有问题吗'), 'mei')).toBe('sent');
    expect(sentTo('mei')).toHaveLength(2);

    // Read again, reply again: no credit is left, so nothing is sent.
    const again = await connect('mei');
    again.send({ action: 'read', conversationId: 'support:mei', seq: 5 });
    await admin.next((f) => f.type === 'read' && f.seq === 5);
    await again.close();
    await offline('mei');
    expect(await outcome(await reply(admin, 'mei', '好的'), 'mei')).toBe('noCredit');
    expect(sentTo('mei')).toHaveLength(2);
  });

  it('does not notify a student who is online', async () => {
    await studentWhoAccepted('lin', 1);
    const student = await connect('lin');
    const admin = await connect('admin');
    const seen = await reply(admin, 'lin', '在的');
    // The open chat marks what it shows as read, as the mini-program does.
    const shown = await student.next(
      (f) => f.type === 'message' && (f.message as Frame).id === seen,
    );
    student.send({
      action: 'read',
      conversationId: 'support:lin',
      seq: (shown.message as Frame).seq,
    });
    await admin.next((f) => f.type === 'read' && f.conversationId === 'support:lin');
    await student.close();
    await offline('lin');
    // Whether the notifier met the first reply while she was online or after she read it and
    // left, it sends nothing for it; the next one, she has neither seen nor read.
    expect(await outcome(await reply(admin, 'lin', '你走开了吗'), 'lin')).toBe('sent');
    // Same conversation, same shard: the first reply's record was handled before this one.
    expect(['read', 'none']).toContain(await outcomeOrNone(seen, 'lin'));
    expect(sentTo('lin').map((m) => m.data.thing2)).toEqual(['你走开了吗']);
  });

  it('never sends twice when the stream delivers a batch again', async () => {
    await studentWhoAccepted('yu', 3);
    const admin = await connect('admin');
    expect(await outcome(await reply(admin, 'yu', '收到'), 'yu')).toBe('sent');
    const poller = stack.streams.pollers.get('notify');
    await poller?.redeliverLast();
    await poller?.redeliverLast();
    expect(sentTo('yu')).toHaveLength(1);
  });

  it('retries a WeChat 5xx until it is sent, and does not retry 43101', async () => {
    await studentWhoAccepted('qi', 1);
    const admin = await connect('admin');
    // More 500s than the WeChat caller retries in one invocation: the record itself is retried.
    stack.wechat.subscribe.failNext(500, 4);
    expect(await outcome(await reply(admin, 'qi', '稍等'), 'qi')).toBe('sent');
    const calls = stack.wechat.subscribe.calls.filter((c) => c.touser === 'qi');
    expect(calls.map((c) => c.errcode)).toEqual([500, 500, 500, 500, 0]);

    // WeChat holds no subscription of hers although the server counted one: 43101, once.
    await studentWhoAccepted('zhao', 0);
    const student = await connect('zhao');
    await student.request({ action: 'subscription', template: 'deskReplied', result: 'accept' });
    await student.close();
    await offline('zhao');
    expect(await outcome(await reply(admin, 'zhao', '你好'), 'zhao')).toBe('noSubscription');
    expect(stack.wechat.subscribe.calls.filter((c) => c.touser === 'zhao')).toEqual([
      { touser: 'zhao', templateId: DESK, errcode: 43101 },
    ]);
    const state = await (
      await connect('zhao')
    ).request({
      action: 'subscription',
      template: 'deskReplied',
    });
    expect(state).toMatchObject({ credits: 0 });
    expect(stack.streams.failures).toEqual([]);
  });

  it('refreshes a refused access token once and sends', async () => {
    await studentWhoAccepted('he', 1);
    const admin = await connect('admin');
    // The token was replaced elsewhere: WeChat answers 40001 to the one the notifier holds.
    stack.wechat.invalidateToken();
    expect(await outcome(await reply(admin, 'he', '早上好'), 'he')).toBe('sent');
    expect(
      stack.wechat.subscribe.calls.filter((c) => c.touser === 'he').map((c) => c.errcode),
    ).toEqual([40001, 0]);
  });
});
