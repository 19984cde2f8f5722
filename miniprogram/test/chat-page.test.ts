/**
 * The chat page as WeChat DevTools would load it: the mini-program is built (the same npm script
 * DevTools relies on), the built page is loaded headless with miniprogram-simulate, and its chat
 * client talks through the wx shim to the real local stack. A raw protocol client plays the desk.
 *
 * The file runs in the Node environment (the local stack runs in this process and must resolve
 * its Node builds); miniprogram-simulate gets the DOM it renders into from installDom().
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/local-stack';
import { type ChatTestClient, connectAs, type Frame } from '../../test/support/chat-client';
import { startTestStack } from '../../test/support/test-stack';
import { type BuiltMiniProgram, buildAndLogin, type SimulatedPage } from './page-harness';
import { screenshotPage } from './screenshot';
import { waitFor } from './wx-shim';

const CONVERSATION = 'support:pat';

let stack: LocalStack;
let app: BuiltMiniProgram;
let desk: ChatTestClient;
let page: SimulatedPage;
/** Every setData payload the chat page sent, in order. */
const payloads: Record<string, unknown>[] = [];

/** A field of every rendered message-item (simulate prefixes classes with the component name). */
function rendered(field: 'text' | 'sender' | 'state'): string[] {
  return [...page.dom.querySelectorAll('message-item')].map(
    (item) => item.querySelector(`[class$="--${field}"]`)?.textContent ?? '',
  );
}

function renderedTexts(): string[] {
  return rendered('text');
}

function banner(): string {
  return page.querySelector('#banner')?.dom.textContent?.trim() ?? '';
}

beforeAll(async () => {
  stack = await startTestStack();
  app = await buildAndLogin(stack, 'pat', 'Pat');
  desk = await connectAs(stack, 'admin');
  page = app.render('pages/chat/index');
  // Record what the page sends to the view layer (and still send it).
  const setData = page.instance.setData as unknown as (data: Record<string, unknown>) => void;
  page.instance.setData = ((data: Record<string, unknown>) => {
    payloads.push(data);
    setData.call(page.instance, data);
  }) as never;
  await page.instance.onLoad?.({ id: encodeURIComponent(CONVERSATION), title: '自习室服务台' });
});

afterAll(async () => {
  page?.instance.onUnload?.();
  await app?.dispose();
  await desk?.close();
  await stack?.stop();
});

describe('chat page', () => {
  it('sends on tap, counting characters as it goes', async () => {
    // Act
    const counter = () => page.querySelector('#counter')?.dom.textContent;
    page.querySelector('#draft')?.dispatchEvent('input', { detail: { value: 'Is 3F open? 😀' } });
    // Events are delivered asynchronously, as in WeChat.
    await waitFor(() => counter() !== '0/4000', 'the counter to update');
    const counted = counter();
    page.querySelector('#send')?.dispatchEvent('tap');
    const atDesk = await desk.next(
      (f) => f.type === 'message' && (f.message as Frame).conversationId === CONVERSATION,
    );
    await waitFor(() => rendered('state')[0] === '已发送', 'the message to show as sent');

    // Assess
    // 13 characters: the emoji counts once, as the server counts it.
    expect(counted).toBe('13/4000');
    expect(atDesk.message).toMatchObject({ text: 'Is 3F open? 😀', senderId: 'pat', seq: 1 });
    expect(renderedTexts()).toEqual(['Is 3F open? 😀']);
    expect(counter()).toBe('0/4000');
    expect(page.instance.data.t).toEqual({
      placeholder: '输入消息',
      send: '发送',
      canned: '常用语',
      cannedEmpty: '还没有常用语',
      attach: '选择图片',
      transferTitle: '转交给同事',
      pickCancel: '取消',
    });
    expect(page.querySelector('#send')?.dom.textContent?.trim()).toBe('发送');
    expect(app.shim.titles).toContain('自习室服务台');
  });

  it('renders messages from the client in seq order, with sender, and markup as plain text', async () => {
    // Prepare
    const before = payloads.length;

    // Act
    await desk.request({
      action: 'sendmessage',
      conversationId: CONVERSATION,
      text: 'Yes, until 22:00. <b>Bring your card</b>',
    });
    await desk.request({ action: 'sendmessage', conversationId: CONVERSATION, text: 'And a pen.' });
    await waitFor(() => renderedTexts().length === 3, 'the replies');

    // Assess
    expect(renderedTexts()).toEqual([
      'Is 3F open? 😀',
      'Yes, until 22:00. <b>Bring your card</b>',
      'And a pen.',
    ]);
    expect(rendered('sender')).toEqual(['Pat', 'admin', 'admin']);
    // Text is never parsed as markup.
    expect(page.dom.querySelector('b')).toBeNull();
    // Each new message scrolls to itself: scroll-into-view gets a new value every time.
    const scrolls = payloads
      .slice(before)
      .flatMap((p) => ('scrollInto' in p ? [p.scrollInto] : []));
    expect(scrolls).toEqual(['m-s2', 'm-s3']);
  });

  it('sends only what changed: typing and read notices are path updates, not the list', async () => {
    // Prepare: Pat writes again; the desk has not read it.
    page.querySelector('#draft')?.dispatchEvent('input', { detail: { value: '还有一个问题' } });
    await waitFor(() => page.instance.data.canSend === true, 'the send button to enable');
    page.querySelector('#send')?.dispatchEvent('tap');
    await waitFor(() => rendered('state')[3] === '已发送', 'the new message to be stored');
    const before = payloads.length;

    // Act: the desk types, then reads it.
    desk.send({ action: 'typing', conversationId: CONVERSATION, typing: true });
    await waitFor(() => page.instance.data.typingText !== '', 'the typing line');
    desk.send({ action: 'read', conversationId: CONVERSATION, seq: 4 });
    await waitFor(() => rendered('state')[3] === '已读', 'the read mark');

    // Assess
    const keys = payloads.slice(before).flatMap((p) => Object.keys(p));
    expect(keys).not.toContain('items');
    expect(new Set(keys)).toEqual(
      new Set(['typingText', 'items[3].state', 'items[3].stateLabel', 'items[3].className']),
    );
    expect(page.instance.data.typingText).toBe('admin 正在输入…');
    await screenshotPage(app, page, 'zh-chat');
  });

  it('shows the reconnect banner while the network is gone and clears it once back', async () => {
    // Prepare
    const before = banner();

    // Act: cut every socket and refuse reconnects for a while.
    stack.gateway.setAccepting(false);
    for (const id of stack.gateway.connectionIds()) stack.gateway.drop(id);
    await waitFor(() => /^\d+ 秒后重新连接…$/.test(banner()), 'the reconnect banner');
    const during = banner();
    stack.gateway.setAccepting(true);
    await waitFor(() => banner() === '', 'the banner to clear', 45_000);

    // Assess
    expect(before).toBe('');
    expect(during).toMatch(/^\d+ 秒后重新连接…$/);
    expect(app.shim.maxOpenTasks).toBe(1);
  });

  it('marks a refused message failed and sends it again on tap', async () => {
    // Prepare: a room Pat has not joined yet (a new desk connection: the last test cut the old one).
    const admin = await connectAs(stack, 'admin2');
    const created = await admin.request({ action: 'createroom', title: 'Quiet room 2B' });
    const roomId = (created.conversation as Frame).id as string;
    const roomPage = app.render('pages/chat/index');
    await roomPage.instance.onLoad?.({ id: encodeURIComponent(roomId), title: 'Quiet room 2B' });
    const states = () =>
      [...roomPage.dom.querySelectorAll('message-item')].map(
        (item) => item.querySelector('[class$="--state"]')?.textContent ?? '',
      );
    roomPage.querySelector('#draft')?.dispatchEvent('input', { detail: { value: 'Anyone here?' } });
    await waitFor(() => roomPage.instance.data.canSend === true, 'the send button to enable');
    roomPage.querySelector('#send')?.dispatchEvent('tap');
    await waitFor(() => states()[0] === '未发送 · 点按重试', 'the message to fail');

    // Act: join, then tap the failed message.
    const chat = await app
      .module<{ startChat(): Promise<{ join(id: string): Promise<unknown> }> }>(
        'services/chat-session.js',
      )
      .startChat();
    await chat.join(roomId);
    const item = roomPage.querySelector('.message-item') as unknown as SimulatedPage | undefined;
    item?.querySelector('.message')?.dispatchEvent('tap');
    await waitFor(() => states()[0] === '已发送', 'the retried message to be sent', 15_000);
    roomPage.instance.onUnload?.();

    // Assess
    const history = await admin.request({ action: 'sync', conversationId: roomId, after: 0 });
    await admin.close();
    expect((history.messages as Frame[]).map((m) => [m.senderId, m.text])).toEqual([
      ['pat', 'Anyone here?'],
    ]);
  });
});

describe('chat page: long-press actions', () => {
  /** The message-item components of the page, as simulate nodes. */
  function items(): SimulatedPage[] {
    return (page as unknown as { querySelectorAll(s: string): SimulatedPage[] }).querySelectorAll(
      '.message-item',
    );
  }

  it('recalls an own message for everyone and reports the desk’s', async () => {
    // Prepare: an own message and one from the desk (a connection of its own: an earlier test
    // cut the network under the first).
    const desk = await connectAs(stack, 'admin');
    page
      .querySelector('#draft')
      ?.dispatchEvent('input', { detail: { value: 'wrong chat, sorry' } });
    await waitFor(() => page.instance.data.canSend === true, 'the send button');
    page.querySelector('#send')?.dispatchEvent('tap');
    await waitFor(() => renderedTexts().at(-1) === 'wrong chat, sorry', 'the own message');
    await waitFor(() => rendered('state').at(-1) === '已发送', 'the ack');
    const own = items().at(-1);
    const deskNotice = desk.waitNew((f) => f.type === 'recalled');

    // Act: long-press, choose 撤回.
    app.shim.actionChoices.push(0);
    own?.querySelector('.message')?.dispatchEvent('longpress');
    await waitFor(() => renderedTexts().at(-1) === '消息已撤回', 'the tombstone');
    const notice = await deskNotice;
    const answer = await desk.request({
      action: 'sendmessage',
      conversationId: CONVERSATION,
      text: 'rude answer',
    });
    await waitFor(() => renderedTexts().at(-1) === 'rude answer', 'the desk message');
    app.shim.actionChoices.push(0, 1); // 举报, then the reason 辱骂骚扰
    items().at(-1)?.querySelector('.message')?.dispatchEvent('longpress');
    await waitFor(() => app.shim.toasts.includes('已举报，服务台会尽快处理'), 'the report');
    const reports = await desk.request({ action: 'reports' });
    await desk.close();

    // Assess
    expect(app.shim.actionSheets.slice(-3)).toEqual([
      ['撤回'],
      ['举报'],
      ['垃圾广告', '辱骂骚扰', '违法违规', '其他'],
    ]);
    expect(notice).toMatchObject({ conversationId: CONVERSATION, recalled: 'sender' });
    expect(reports.reports).toEqual([
      expect.objectContaining({
        conversationId: CONVERSATION,
        seq: (answer.message as Frame).seq,
        reason: 'abuse',
        reporterId: 'pat',
        text: 'rude answer',
      }),
    ]);
  });
});
