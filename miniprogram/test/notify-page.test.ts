/**
 * Subscribe messages from the student's chat page (issue 15), built and loaded as DevTools would,
 * on the wx shim and the real local stack: the notice line and its switch, the "desk replied"
 * request on a Send tap (never from the keyboard's key, never after an "always keep" reject), and
 * then, with the app closed, exactly one WeChat notification for three desk replies.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/local-stack';
import type { ChatTestClient, Frame } from '../../test/support/chat-client';
import type { BuiltMiniProgram, SimulatedPage } from './page-harness';
import { until, useStudentChat } from './student-chat';
import { waitFor } from './wx-shim';

const CONVERSATION = 'support:ada';
const DESK = 'local-desk-replied';

let stack: LocalStack;
let app: BuiltMiniProgram;
let page: SimulatedPage;
let desk: ChatTestClient;
let db: DynamoDBDocumentClient;

async function standing(): Promise<Record<string, unknown> | undefined> {
  const { Item } = await db.send(
    new GetCommand({
      TableName: stack.tables.notifyCredits,
      Key: { userId: 'ada', template: 'deskReplied' },
      ConsistentRead: true,
    }),
  );
  return Item;
}

function write(text: string): Promise<void> {
  page.querySelector('#draft')?.dispatchEvent('input', { detail: { value: text } });
  return waitFor(() => page.instance.data.canSend === true, 'the draft to be sendable');
}

const notice = () => page.querySelector('#notify-text')?.dom.textContent?.trim() ?? '';

const chat = useStudentChat('ada', 'Ada');
beforeAll(() => {
  ({ stack, db, app, page, desk } = chat());
});

describe('the chat page asks for the desk-replied subscription', () => {
  it('shows the notice, and asks on a Send tap but not from the keyboard key', async () => {
    expect(notice()).toBe('服务台回复时将通过微信通知你');

    await write('请问几点关门？');
    page.querySelector('#draft')?.dispatchEvent('confirm', { detail: { value: '请问几点关门？' } });
    await desk.next((f) => f.type === 'message' && (f.message as Frame).text === '请问几点关门？');
    expect(app.shim.subscribePanels).toEqual([]);
    expect(app.shim.subscribeRefused).toBe(0);

    await write('还有座位吗？');
    app.shim.tap(() => page.querySelector('#send')?.dispatchEvent('tap'));
    await until(async () => (await standing())?.credits === 1, 'one credit');
    expect(app.shim.subscribePanels).toEqual([[DESK]]);
  });

  it('stops asking after a reject with "always keep", and the switch turns it off', async () => {
    app.shim.subscribeChoice = { result: 'reject', keep: true };
    await write('谢谢');
    app.shim.tap(() => page.querySelector('#send')?.dispatchEvent('tap'));
    await until(async () => (await standing())?.alwaysKeep === true, 'the kept reject');
    expect(await standing()).toMatchObject({ credits: 1, lastChoice: 'reject', alwaysKeep: true });

    await write('再见');
    app.shim.tap(() => page.querySelector('#send')?.dispatchEvent('tap'));
    await desk.next((f) => f.type === 'message' && (f.message as Frame).text === '再见');
    // The kept reject was recorded before this tap: nothing was asked at all.
    expect(app.shim.subscribePanels).toHaveLength(2);

    page.querySelector('#notify-switch')?.dispatchEvent('change', { detail: { value: false } });
    await waitFor(() => notice() === '服务台回复时不会通过微信通知你', 'the off notice');
    expect(await standing()).toMatchObject({ off: true });
    page.querySelector('#notify-switch')?.dispatchEvent('change', { detail: { value: true } });
    await waitFor(() => notice() === '服务台回复时将通过微信通知你', 'the on notice');
  });

  it('notifies once for three desk replies after the app closed', async () => {
    page.instance.onUnload?.();
    await app.dispose();
    await until(async () => {
      const { Item } = await db.send(
        new GetCommand({
          TableName: stack.tables.users,
          Key: { userId: 'ada' },
          ConsistentRead: true,
        }),
      );
      const live = Item?.liveConnections as Set<string> | undefined;
      return !live || live.size === 0;
    }, 'the app to close');
    const ids: string[] = [];
    for (const text of ['九点关门', '三楼有座位', '不客气']) {
      const ack = await desk.request({ action: 'sendmessage', conversationId: CONVERSATION, text });
      ids.push(String((ack.message as Frame).id));
    }
    await until(async () => {
      const { Item } = await db.send(
        new GetCommand({
          TableName: stack.tables.notifications,
          Key: { notifyKey: `msg#${ids[2]}#ada` },
          ConsistentRead: true,
        }),
      );
      return Item?.state === 'done';
    }, 'the third reply to be handled');
    expect(stack.wechat.subscribe.sent).toEqual([
      expect.objectContaining({
        touser: 'ada',
        templateId: DESK,
        page: `pages/chat/index?id=${encodeURIComponent(CONVERSATION)}`,
        data: expect.objectContaining({ thing2: '九点关门' }) as unknown,
      }),
    ]);
  });
});
