/**
 * The desk line on a staff member's chat page (desk-bar): loaded headless with
 * miniprogram-simulate, 王老师's chat client talking through the wx shim to the real local stack,
 * while a raw protocol client plays his colleague 李老师. Two staff claim at once and exactly one
 * wins, the other told who; a transfer picks the colleague from the staff list (the scrolling
 * staff-picker for more than an action sheet's 6 items, wx.showActionSheet for 6 or fewer);
 * 接待 on a colleague's conversation names them; resolve; the student's message reopens it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/local-stack';
import { ChatTestClient, type Frame, login } from '../../test/support/chat-client';
import { startTestStack } from '../../test/support/test-stack';
import {
  type BuiltMiniProgram,
  buildAndLogin,
  type SimulatedNode,
  type SimulatedPage,
} from './page-harness';
import { screenshotPage } from './screenshot';
import { waitFor } from './wx-shim';

const CONVERSATION = 'support:zoe';

type Node = SimulatedNode & {
  querySelector(selector: string): SimulatedNode | undefined;
  querySelectorAll(selector: string): SimulatedNode[];
};

let stack: LocalStack;
let app: BuiltMiniProgram;
let page: SimulatedPage;
let li: ChatTestClient;
let zoe: ChatTestClient;

async function connect(name: string, displayName: string): Promise<ChatTestClient> {
  const { token } = await login(stack, name, displayName);
  return ChatTestClient.connect(`${stack.urls.websocket}?token=${encodeURIComponent(token)}`);
}

function inBar(selector: string): SimulatedNode | undefined {
  return (page.querySelector('#desk-bar') as Node | undefined)?.querySelector(selector);
}

function status(): string {
  return inBar('#desk-status')?.dom.textContent?.trim() ?? '';
}

function tap(action: string): void {
  const button = inBar(`#desk-${action}`);
  if (!button) throw new Error(`no ${action} button`);
  button.dispatchEvent('tap');
}

function actions(): string[] {
  return (page.instance.data.deskActions as { action: string }[]).map((a) => a.action);
}

/** Colleagues as wang's transfer choice lists them: the staff list without him, in its order. */
async function colleagues(): Promise<string[]> {
  const reply = await li.request({ action: 'staff' });
  return (reply.staff as { userId: string }[]).map((m) => m.userId).filter((id) => id !== 'wang');
}

beforeAll(async () => {
  // Eight staff: wang has seven colleagues, more than an action sheet holds.
  stack = await startTestStack({ env: { ADMINS: 'admin,wang,li,s1,s2,s3,s4,s5' } });
  zoe = await connect('zoe', '小周');
  await zoe.request({
    action: 'sendmessage',
    conversationId: CONVERSATION,
    text: '三楼还有座位吗',
  });
  li = await connect('li', '李老师');
  app = await buildAndLogin(stack, 'wang', '王老师');
  page = app.render('pages/chat/index');
  await page.instance.onLoad?.({ id: encodeURIComponent(CONVERSATION), title: '小周' });
});

afterAll(async () => {
  page?.instance.onUnload?.();
  await app?.dispose();
  await li?.close();
  await zoe?.close();
  await stack?.stop();
});

describe('chat page: the desk line for staff', () => {
  it('two staff claim at once: exactly one wins and the other is told who', async () => {
    await waitFor(() => status() === '待处理 · 未分配', 'the desk line');
    expect(actions()).toEqual(['claim', 'resolve', 'transfer']);

    // Act: 王老师 taps 接待 while 李老师 claims from her console.
    const toasts = app.shim.toasts.length;
    const theirs = li.request({ action: 'claim', conversationId: CONVERSATION });
    tap('claim');
    const answer = await theirs;
    await waitFor(() => status().startsWith('处理中'), 'the claimed state');

    // Assess: one owner; the loser hears the winner's name.
    if (answer.type === 'deskstate') {
      expect(answer.ownerId).toBe('li');
      await waitFor(() => app.shim.toasts.length > toasts, 'the refusal');
      expect(app.shim.toasts.at(-1)).toBe('李老师 已在处理这个会话');
      await waitFor(() => status() === '处理中 · 由 李老师 处理', 'her name on the line');
      // Settle to the other outcome: she hands it back, he claims it.
      await li.request({ action: 'release', conversationId: CONVERSATION });
      await waitFor(() => status() === '待处理 · 未分配', 'the release');
      tap('claim');
    } else {
      expect(answer).toMatchObject({ type: 'error', code: 'CONFLICT', ownerName: '王老师' });
    }
    await waitFor(() => status() === '处理中 · 我正在处理', 'his claim');
    expect(actions()).toEqual(['release', 'resolve', 'transfer']);
  });

  it('transfers through the staff picker when there are more colleagues than an action sheet holds', async () => {
    // Prepare
    const sheets = app.shim.actionSheets.length;
    const told = li.waitNew((f) => f.type === 'deskstate' && f.change === 'transfer');

    // Act
    tap('transfer');
    await waitFor(() => page.instance.data.pickerOpen === true, 'the staff picker');
    const rows = page.instance.data.pickerRows as { userId: string; label: string }[];
    expect(rows.map((r) => r.userId)).toEqual(await colleagues());
    expect(rows).toHaveLength(7);
    expect(rows.find((r) => r.userId === 'li')?.label).toBe('李老师');
    const picker = page.querySelector('#staff-picker') as Node | undefined;
    const index = rows.findIndex((r) => r.userId === 'li');
    picker?.querySelectorAll('.row')[index]?.dispatchEvent('tap');

    // Assess: no action sheet (7 > 6); she owns it, and he sees it.
    expect((await told).ownerId).toBe('li');
    await waitFor(() => status() === '处理中 · 由 李老师 处理', 'the new owner');
    expect(app.shim.toasts).toContain('已转交给 李老师');
    expect(app.shim.actionSheets.length).toBe(sheets);
    expect(page.instance.data.pickerOpen).toBe(false);
    expect(actions()).toEqual(['claim', 'resolve']);
  });

  it('接待 on a colleague’s conversation answers who has it', async () => {
    const toasts = app.shim.toasts.length;
    tap('claim');
    await waitFor(() => app.shim.toasts.length > toasts, 'the refusal');
    expect(app.shim.toasts.at(-1)).toBe('李老师 已在处理这个会话');
    expect(status()).toBe('处理中 · 由 李老师 处理');
  });

  it('transfers with an action sheet when six colleagues or fewer', async () => {
    // Prepare: one colleague fewer (six); 李老师 hands the conversation back to him.
    const removed = await li.request({ action: 'setstaff', op: 'remove', userId: 's5' });
    expect(removed.type).toBe('staff');
    await li.request({ action: 'transfer', conversationId: CONVERSATION, to: 'wang' });
    await waitFor(() => status() === '处理中 · 我正在处理', 'his again');
    const list = await colleagues();
    app.shim.actionChoices.push(list.indexOf('li'));
    const told = li.waitNew((f) => f.type === 'deskstate' && f.change === 'transfer');

    // Act
    tap('transfer');

    // Assess
    expect((await told).ownerId).toBe('li');
    expect(app.shim.actionSheets.at(-1)).toHaveLength(6);
    expect(app.shim.actionSheets.at(-1)).toContain('李老师');
    await waitFor(() => status() === '处理中 · 由 李老师 处理', 'the new owner');
    expect(page.instance.data.pickerOpen).toBe(false);
  });

  it('resolves, and the student’s next message reopens it live', async () => {
    // Prepare: back in the queue.
    await li.request({ action: 'release', conversationId: CONVERSATION });
    await waitFor(() => status() === '待处理 · 未分配', 'the release');

    // Act
    const studentTold = zoe.waitNew((f) => f.type === 'deskstate' && f.state === 'resolved');
    tap('resolve');

    // Assess
    await waitFor(() => status() === '已解决 · 王老师 已解决', 'resolved');
    expect(((await studentTold) as Frame).ownerId).toBeUndefined();
    expect(actions()).toEqual(['claim', 'transfer']);
    await screenshotPage(app, page, 'zh-chat-desk-bar');

    await zoe.request({ action: 'sendmessage', conversationId: CONVERSATION, text: '又有问题了' });
    await waitFor(() => status() === '待处理 · 未分配', 'reopened');
    expect(JSON.stringify(page.instance.data)).not.toContain('undefined');
  });
});
