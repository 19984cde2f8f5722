/**
 * When the desk is away, end to end on the local stack (issue 15): real WebSockets, the messages
 * stream read by the local poller, the notify handler, the subscribeMessage.send stand-in.
 *
 * - The desk's automatic reply: a student who writes while no admin is online gets one stored
 *   desk message (`kind: 'auto'`) with the hours, delivered and in the history, once per offline
 *   period, never twice for a redelivered record, and it notifies nobody.
 * - Background connections (`appstate`): a student whose app is in the background is notified
 *   although the socket is open; back in the foreground, not. An admin in the background does not
 *   count as the desk being online.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { autoReplyText } from '../client/auto-reply-text';
import { translator } from '../client/i18n/translator';
import { AUTO_SENDER_ID } from '../functions/domain/auto-reply';
import { type AutoReply, parseDeskHours } from '../protocol/desk-hours';
import type { LocalStack } from '../local/local-stack';
import type { ChatTestClient, Frame } from './support/chat-client';
import { eventually, type NotifyStack, startNotifyStack } from './support/notify-stack';

const HOURS = 'Mon-Fri 08:30-17:30; Sat 09:00-12:00';
const DESK = 'local-desk-replied';
const WAITING = 'local-student-waiting';
let stack: LocalStack;
let db: DynamoDBDocumentClient;
let notifyStack: NotifyStack;

beforeAll(async () => {
  notifyStack = await startNotifyStack({ env: { DESK_HOURS: HOURS } });
  ({ stack, db } = notifyStack);
});

afterAll(async () => {
  await notifyStack.stop();
});

const connect = (name: string): Promise<ChatTestClient> => notifyStack.connect(name);

async function ledger(key: string): Promise<Record<string, unknown> | undefined> {
  const { Item } = await db.send(
    new GetCommand({
      TableName: stack.tables.notifications,
      Key: { notifyKey: key },
      ConsistentRead: true,
    }),
  );
  return Item;
}

/** The ledger's outcome for a message and recipient, once the notifier has finished it. */
async function outcome(messageId: string, recipient: string): Promise<string> {
  const item = await eventually(
    () => ledger(`msg#${messageId}#${recipient}`),
    (found) => found?.state === 'done',
  );
  return String(item?.outcome ?? 'none');
}

/** The outcome if the notifier recorded one (for a record handled before a later one). */
async function outcomeOrNone(messageId: string, recipient: string): Promise<string> {
  return String((await ledger(`msg#${messageId}#${recipient}`))?.outcome ?? 'none');
}

/** The user's open connections' records, read consistently. */
async function connectionsOf(userId: string): Promise<Record<string, unknown>[]> {
  const { Item } = await db.send(
    new GetCommand({ TableName: stack.tables.users, Key: { userId }, ConsistentRead: true }),
  );
  const live = [...((Item?.liveConnections as Set<string> | undefined) ?? [])];
  const records = await Promise.all(
    live.map(async (connectionId) => {
      const { Item: record } = await db.send(
        new GetCommand({
          TableName: stack.tables.connections,
          Key: { connectionId },
          ConsistentRead: true,
        }),
      );
      return record;
    }),
  );
  return records.filter((r): r is Record<string, unknown> => r !== undefined);
}

/** Sends `appstate` and waits until every connection of the user is marked accordingly. */
async function appState(client: ChatTestClient, userId: string, background: boolean) {
  client.send({ action: 'appstate', state: background ? 'background' : 'foreground' });
  await eventually(
    () => connectionsOf(userId),
    (records) => records.length > 0 && records.every((r) => (r.background === true) === background),
  );
}

/** Waits until no admin connection is subscribed ($disconnect of the desk ran). */
async function deskClosed(): Promise<void> {
  await eventually(
    async () =>
      (
        await db.send(
          new QueryCommand({
            TableName: stack.tables.subscriptions,
            KeyConditionExpression: 'topic = :t',
            ExpressionAttributeValues: { ':t': 'admins' },
            ConsistentRead: true,
          }),
        )
      ).Items ?? [],
    (items) => items.length === 0,
  );
}

async function say(client: ChatTestClient, conversationId: string, text: string) {
  const ack = await client.request({ action: 'sendmessage', conversationId, text });
  return ack.message as Frame & { id: string; seq: number };
}

async function history(client: ChatTestClient, conversationId: string) {
  const page = await client.request({ action: 'sync', conversationId });
  return page.messages as (Frame & { kind?: string; auto?: AutoReply; clientId: string })[];
}

const autoFrames = (client: ChatTestClient) =>
  client.frames.filter(
    (f) => f.type === 'message' && (f.message as Frame | undefined)?.kind === 'auto',
  );

/** Accepts the "desk replied" template `times` times (WeChat counts it, the server records it). */
async function accept(client: ChatTestClient, name: string, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    stack.wechat.subscribe.grant(name, DESK);
    await client.request({ action: 'subscription', template: 'deskReplied', result: 'accept' });
  }
}

const sentTo = (openid: string) => stack.wechat.subscribe.sent.filter((m) => m.touser === openid);

describe('the automatic desk reply', () => {
  it('answers two messages with one stored, delivered reply stating the hours', async () => {
    const student = await connect('wen');
    const first = await say(student, 'support:wen', '在吗');
    const second = await say(student, 'support:wen', '有人吗');
    const [delivered] = await Promise.all([
      student.next((f) => f.type === 'message' && (f.message as Frame).kind === 'auto'),
      // The second message has been handled too ("a student is waiting" for the admins).
      outcome(second.id, 'admin'),
    ]);
    const messages = await history(student, 'support:wen');
    const autos = messages.filter((m) => m.kind === 'auto');
    expect(autos).toHaveLength(1);
    const [reply] = autos;
    expect(reply).toEqual(delivered.message);
    expect(reply).toMatchObject({
      senderId: AUTO_SENDER_ID,
      senderRole: 'admin',
      senderName: '自习室服务台',
      clientId: `auto-${first.id}`,
      auto: { reason: 'deskAway', hours: parseDeskHours(HOURS) },
    });
    expect(reply?.text).toBe(autoReplyText(translator('zh'), reply?.auto as AutoReply));
    expect(reply?.text).toContain('周一至周五 08:30–17:30；周六 09:00–12:00');
    // In seq order with no gap: the reply took the conversation's next seq.
    expect(messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(autoFrames(student)).toHaveLength(1);
  });

  it('sends none while an admin is online, and one after the desk left', async () => {
    const admin = await connect('admin');
    const student = await connect('kai');
    const early = await say(student, 'support:kai', '你好');
    // A record after it in the same shard, with an outcome in the ledger: the desk's answer to a
    // student in the background (no credit). Once it is done, `early` was handled, desk online.
    await appState(student, 'kai', true);
    const answer = await say(admin, 'support:kai', '请讲');
    expect(await outcome(answer.id, 'kai')).toBe('noCredit');
    expect(await outcomeOrNone(early.id, 'admin')).toBe('none');
    await admin.close();
    await deskClosed();
    const late = await say(student, 'support:kai', '还在吗');
    await student.next((f) => f.type === 'message' && (f.message as Frame).kind === 'auto');
    const autos = (await history(student, 'support:kai')).filter((m) => m.kind === 'auto');
    // The reply answers the message written after the desk left, not the one before.
    expect(autos.map((m) => m.clientId)).toEqual([`auto-${late.id}`]);
  });

  it('sends none for a record handled late, once the desk has answered', async () => {
    // Prepare: the student's message handled while the desk is online (no reply); its event kept.
    const admin = await connect('admin');
    const student = await connect('qin');
    const poller = stack.streams.pollers.get('notify');
    const asked = await say(student, 'support:qin', '三楼开着吗');
    const handled = (id: string) =>
      eventually(
        async () => JSON.stringify(poller?.lastEvent ?? null),
        (event) => event.includes(id),
      );
    await handled(asked.id);
    const event = poller?.lastEvent;
    const answer = await say(admin, 'support:qin', '开着');
    await handled(answer.id);
    await admin.close();
    await deskClosed();

    // Act: the stream delivers the student's record again (a retried or backed-up batch), now
    // with nobody at the desk — but the desk has already answered her.
    if (poller) poller.lastEvent = event;
    await poller?.redeliverLast();

    // Assess
    const autos = (await history(student, 'support:qin')).filter((m) => m.kind === 'auto');
    expect(autos).toEqual([]);
    expect(autoFrames(student)).toHaveLength(0);
  });

  it('stores no second reply when the stream delivers the record again', async () => {
    const student = await connect('lu');
    const asked = await say(student, 'support:lu', '请问');
    await student.next((f) => f.type === 'message' && (f.message as Frame).kind === 'auto');
    await outcome(asked.id, 'admin');
    const poller = stack.streams.pollers.get('notify');
    await poller?.redeliverLast();
    await poller?.redeliverLast();
    const autos = (await history(student, 'support:lu')).filter((m) => m.kind === 'auto');
    expect(autos.map((m) => m.clientId)).toEqual([`auto-${asked.id}`]);
    expect(autoFrames(student)).toHaveLength(1);
  });

  it('notifies neither the student nor the desk, and comes again after an admin answered', async () => {
    const desk2 = await connect('admin2');
    await desk2.request({ action: 'subscription', template: 'studentWaiting', result: 'accept' });
    stack.wechat.subscribe.grant('admin2', WAITING);
    await desk2.close();
    await deskClosed();

    // A student in the background counts as away: every desk message would notify her.
    const student = await connect('fang');
    await accept(student, 'fang', 2);
    await appState(student, 'fang', true);
    const asked = await say(student, 'support:fang', '图书馆几点开门');
    await student.next((f) => f.type === 'message' && (f.message as Frame).kind === 'auto');
    expect(await outcome(asked.id, 'admin2')).toBe('sent');

    const admin = await connect('admin');
    const answer = await say(admin, 'support:fang', '早上八点');
    // Same conversation, same shard: the automatic reply's record came before this one.
    expect(await outcome(answer.id, 'fang')).toBe('sent');
    expect(sentTo('fang').map((m) => m.data.thing2)).toEqual(['早上八点']);
    expect(sentTo('admin2').map((m) => m.templateId)).toEqual([WAITING]);

    // The admin answered, then left: the next message while the desk is away gets a reply again.
    await admin.close();
    await deskClosed();
    const again = await say(student, 'support:fang', '周末呢');
    await eventually(
      async () => (await history(student, 'support:fang')).filter((m) => m.kind === 'auto'),
      (autos) => autos.length === 2,
    );
    const autos = (await history(student, 'support:fang')).filter((m) => m.kind === 'auto');
    expect(autos.map((m) => m.clientId)).toEqual([`auto-${asked.id}`, `auto-${again.id}`]);
    expect(sentTo('fang')).toHaveLength(1);
  });
});

describe('background connections', () => {
  it('notifies a student whose app is in the background, socket open; not once back', async () => {
    const student = await connect('bo');
    await accept(student, 'bo', 3);
    await say(student, 'support:bo', '我先走了');
    const admin = await connect('admin');
    await appState(student, 'bo', true);
    const first = await say(admin, 'support:bo', '好的');
    expect(await outcome(first.id, 'bo')).toBe('sent');
    expect(student.closed).toBeUndefined();
    expect(sentTo('bo').map((m) => m.data.thing2)).toEqual(['好的']);

    // Back in the foreground (and not reading): the next reply notifies nobody.
    await appState(student, 'bo', false);
    const second = await say(admin, 'support:bo', '还有别的问题吗');
    await student.next((f) => f.type === 'message' && (f.message as Frame).id === second.id);
    // A later record of the same shard with an outcome: the student writes with the desk gone.
    await admin.close();
    await deskClosed();
    const marker = await say(student, 'support:bo', '没有了');
    await outcome(marker.id, 'admin');
    // Skipped as online: no ledger entry at all (in the background it would be `unread`).
    expect(await outcomeOrNone(second.id, 'bo')).toBe('none');
    expect(sentTo('bo')).toHaveLength(1);
  });

  it('does not count an admin in the background as the desk being online', async () => {
    const admin = await connect('admin');
    await appState(admin, 'admin', true);
    const student = await connect('xia');
    const asked = await say(student, 'support:xia', '有人吗');
    await student.next((f) => f.type === 'message' && (f.message as Frame).kind === 'auto');
    const autos = (await history(student, 'support:xia')).filter((m) => m.kind === 'auto');
    expect(autos.map((m) => m.clientId)).toEqual([`auto-${asked.id}`]);

    // "A student is waiting" was decided for it: the desk counted as away.
    expect(await outcome(asked.id, 'admin')).toBe('noCredit');

    // Back in the foreground: the desk is online again, nothing is decided for the next one.
    await appState(admin, 'admin', false);
    const more = await say(student, 'support:xia', '还在吗');
    await appState(student, 'xia', true);
    const answer = await say(admin, 'support:xia', '在的');
    // Handled after `more` (same shard): by then `more` was skipped with the desk online.
    expect(await outcome(answer.id, 'xia')).toBe('noCredit');
    expect(await outcomeOrNone(more.id, 'admin')).toBe('none');
    expect((await history(student, 'support:xia')).filter((m) => m.kind === 'auto')).toHaveLength(
      1,
    );
    await admin.close();
  });
});
