/**
 * The mini-program in the background (issue 15), built as DevTools would, on the wx shim and the
 * real local stack: WeChat hides the app (wx.onAppHide), the chat core tells the server
 * (`appstate`), and the desk's reply comes as one WeChat notification although the socket is
 * still open; back in the foreground (wx.onAppShow) the next reply is shown, not notified.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/local-stack';
import type { ChatTestClient, Frame } from '../../test/support/chat-client';
import type { BuiltMiniProgram, SimulatedPage } from './page-harness';
import { until, useStudentChat } from './student-chat';
import { waitFor } from './wx-shim';

const CONVERSATION = 'support:tao';
let stack: LocalStack;
let app: BuiltMiniProgram;
let page: SimulatedPage;
let desk: ChatTestClient;
let db: DynamoDBDocumentClient;

async function get(table: string, key: Record<string, unknown>) {
  return (await db.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item;
}

/** Whether every open connection of tao's is marked background (true) or foreground (false). */
async function marked(background: boolean): Promise<boolean> {
  const live = [
    ...(((await get(stack.tables.users, { userId: 'tao' }))?.liveConnections as
      Set<string> | undefined) ?? []),
  ];
  const records = await Promise.all(
    live.map((connectionId) => get(stack.tables.connections, { connectionId })),
  );
  const open = records.filter((r) => r !== undefined);
  return open.length > 0 && open.every((r) => (r.background === true) === background);
}

async function done(messageId: string): Promise<string> {
  let outcome = 'none';
  await until(async () => {
    const item = await get(stack.tables.notifications, { notifyKey: `msg#${messageId}#tao` });
    outcome = String(item?.outcome ?? 'none');
    return item?.state === 'done';
  }, 'the notifier');
  return outcome;
}

async function reply(text: string): Promise<string> {
  return (await replyMessage(text)).id;
}

async function replyMessage(text: string): Promise<{ id: string; seq: number }> {
  const ack = await desk.request({ action: 'sendmessage', conversationId: CONVERSATION, text });
  const message = ack.message as Frame;
  return { id: String(message.id), seq: Number(message.seq) };
}

function write(text: string): Promise<void> {
  page.querySelector('#draft')?.dispatchEvent('input', { detail: { value: text } });
  return waitFor(() => page.instance.data.canSend === true, 'the draft to be sendable');
}

const sent = () => stack.wechat.subscribe.sent.filter((m) => m.touser === 'tao');

const chat = useStudentChat('tao', 'Tao');
beforeAll(() => {
  ({ stack, db, app, page, desk } = chat());
});

describe('a student whose mini-program is in the background', () => {
  it('gets one notification for a desk reply while the socket stays open', async () => {
    for (const text of ['请问还有座位吗？', '三楼也可以']) {
      await write(text);
      app.shim.tap(() => page.querySelector('#send')?.dispatchEvent('tap'));
      await desk.next((f) => f.type === 'message' && (f.message as Frame).text === text);
    }
    await until(
      async () =>
        (await get(stack.tables.notifyCredits, { userId: 'tao', template: 'deskReplied' }))
          ?.credits === 2,
      'two credits',
    );

    // WeChat hides the app; this phone keeps the socket open through the suspension.
    page.instance.onHide?.();
    app.shim.hide(null);
    await until(() => marked(true), 'the connection to be marked background');
    expect(await done(await reply('有的，三楼靠窗'))).toBe('sent');
    expect(app.shim.openTasks()).toHaveLength(1);
    expect(sent().map((m) => m.data.thing2)).toEqual(['有的，三楼靠窗']);
  });

  it('is not notified once back in the foreground', async () => {
    app.shim.show();
    page.instance.onShow?.();
    await until(() => marked(false), 'the connection to be marked foreground');
    const shown = await replyMessage('记得带学生证');
    await waitFor(
      () => (page.instance.data.items as { text: string }[]).some((i) => i.text === '记得带学生证'),
      'the reply on screen',
    );
    // The open page marks what it shows as read, as in any foreground chat.
    await until(
      async () =>
        Number(
          (await get(stack.tables.members, { conversationId: CONVERSATION, userId: 'tao' }))
            ?.readSeq,
        ) >= shown.seq,
      'the reply to be read',
    );
    // Hidden again: the next reply's record is handled after the one before (same shard).
    page.instance.onHide?.();
    app.shim.hide(null);
    await until(() => marked(true), 'the connection to be marked background again');
    expect(await done(await reply('明天见'))).toBe('sent');
    // On screen in the foreground: skipped as online (no entry), or found read.
    const entry = await get(stack.tables.notifications, { notifyKey: `msg#${shown.id}#tao` });
    expect(['none', 'read']).toContain(entry?.outcome ?? 'none');
    expect(sent().map((m) => m.data.thing2)).toEqual(['有的，三楼靠窗', '明天见']);
  });
});
