/**
 * The conversations page of the built mini-program, loaded headless with miniprogram-simulate,
 * signed in as a desk admin against the real local stack; raw protocol clients play students.
 * The staff inbox is the desk's queue (待处理 by default, longest waiting first), as in the
 * console; its filter, counts and the away switch are in desk-inbox.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../client/index';
import type { LocalStack } from '../../local/local-stack';
import { type ChatTestClient, connectAs, login } from '../../test/support/chat-client';
import { startTestStack } from '../../test/support/test-stack';
import { type BuiltMiniProgram, buildAndLogin, type SimulatedPage } from './page-harness';
import { screenshotPage } from './screenshot';
import { waitFor } from './wx-shim';

let stack: LocalStack;
let app: BuiltMiniProgram;
let page: SimulatedPage;
const students: ChatTestClient[] = [];

async function student(name: string, displayName: string): Promise<ChatTestClient> {
  await login(stack, name, displayName);
  const client = await connectAs(stack, name);
  students.push(client);
  return client;
}

async function write(client: ChatTestClient, conversationId: string, text: string): Promise<void> {
  const reply = await client.request({ action: 'sendmessage', conversationId, text });
  expect(reply.type).toBe('ack');
}

/** The inbox rows as rendered: title, online mark, badge. */
function inbox(): string[][] {
  return [...page.dom.querySelectorAll('[class*="--inbox-item"]')].map((row) => [
    row.querySelector('[class$="--title"]')?.textContent ?? '',
    row.querySelector('[class$="--online"]') ? 'online' : '',
    row.querySelector('[class$="--badge"]')?.textContent ?? '',
  ]);
}

beforeAll(async () => {
  stack = await startTestStack();
  const sam = await student('sam', 'Sam');
  const tia = await student('tia', 'Tia');
  await write(sam, 'support:sam', 'Is 3F open?');
  await write(sam, 'support:sam', 'Hello?');
  await write(tia, 'support:tia', 'Lost my card');
  await tia.close();
  app = await buildAndLogin(stack, 'admin', 'Desk');
  page = app.render('pages/conversations/index');
  await page.instance.onLoad?.();
});

afterAll(async () => {
  page?.instance.onUnload?.();
  await app?.dispose();
  for (const s of students) await s.close();
  await stack?.stop();
});

describe('conversations page (desk admin)', () => {
  it('lists the waiting student conversations, longest waiting first, with badges and who is online', async () => {
    // Act
    await waitFor(() => inbox().length === 2, 'the inbox');

    // Assess: the desk's queue (待处理, like the console), Sam waiting since his first message.
    expect(inbox()).toEqual([
      ['Sam', 'online', '2'],
      ['Tia', '', '1'],
    ]);
    // In Chinese (WeChat's language in the shim): words, recency, title.
    expect(page.instance.data.t).toMatchObject({ students: '学生', rooms: '群聊', online: '在线' });
    const inboxData = page.instance.data.inbox as { time: string; preview: string }[];
    expect(inboxData.map((i) => i.time)).toEqual(['刚刚', '刚刚']);
    expect(inboxData[1]?.preview).toBe('Tia：Lost my card');
    expect(app.shim.titles).toContain('消息');
    await screenshotPage(app, page, 'zh-desk-inbox');
  });

  it('counts a new message live, keeping the order (Sam still waits since his first)', async () => {
    // Act
    const [sam] = students;
    if (!sam) throw new Error('no student');
    await write(sam, 'support:sam', 'Still there?');
    await waitFor(() => inbox()[0]?.[2] === '3', 'Sam to be counted');

    // Assess
    expect(inbox()).toEqual([
      ['Sam', 'online', '3'],
      ['Tia', '', '1'],
    ]);
  });

  it('leaves counts and order alone when older history arrives (the chat page loading it)', async () => {
    // Prepare: Sam's first message, as a history page would deliver it again.
    const [sam] = students;
    if (!sam) throw new Error('no student');
    const history = await sam.request({ action: 'sync', conversationId: 'support:sam', after: 0 });
    const first = (history.messages as ChatMessage[])[0] as ChatMessage;
    const before = inbox();

    // Act
    page.instance.onMessage?.(first);

    // Assess
    expect(first.seq).toBe(1);
    expect(inbox()).toEqual(before);
  });

  it('shows a student’s new display name after they rename themselves', async () => {
    // Prepare: Tia logs in again with another name and writes.
    await login(stack, 'tia', '小缇');
    const renamed = await connectAs(stack, 'tia');
    students.push(renamed);

    // Act
    await write(renamed, 'support:tia', '找到卡了');
    await waitFor(() => inbox()[1]?.[0] === '小缇', 'the new name');
    await page.instance.refresh?.();

    // Assess: live, and from the server's list too.
    expect(inbox()[1]?.[0]).toBe('小缇');
  });

  it('reloads on pull-down and stops the refresh animation', async () => {
    // Prepare
    const stopsBefore = app.shim.pullDownStops;
    await write(await student('uma', 'Uma'), 'support:uma', 'Hi desk');

    // Act
    await page.instance.onPullDownRefresh?.();

    // Assess
    expect(inbox().map((row) => row[0])).toEqual(['Sam', '小缇', 'Uma']);
    expect(app.shim.pullDownStops).toBe(stopsBefore + 1);
  });
});
