/**
 * The staff inbox on the conversations page (desk-filter): loaded headless with
 * miniprogram-simulate, signed in as 王老师 against the real local stack, while raw protocol
 * clients play students and his colleague 李老师. The filter asks the server for one state and
 * owner with counts (我的 / 未分配 / 全部; 待处理 / 处理中 / 已解决), rows carry state, owner and
 * waiting time, desk changes move rows live, and his 在岗 / 暂离 switch sets his status.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/local-stack';
import { ChatTestClient, login } from '../../test/support/chat-client';
import { startTestStack } from '../../test/support/test-stack';
import {
  type BuiltMiniProgram,
  buildAndLogin,
  type SimulatedNode,
  type SimulatedPage,
} from './page-harness';
import { screenshotPage } from './screenshot';
import { waitFor } from './wx-shim';

type Node = SimulatedNode & { querySelector(selector: string): SimulatedNode | undefined };

let stack: LocalStack;
let app: BuiltMiniProgram;
let page: SimulatedPage;
let li: ChatTestClient;
const students: ChatTestClient[] = [];

async function connect(name: string, displayName: string): Promise<ChatTestClient> {
  const { token } = await login(stack, name, displayName);
  return ChatTestClient.connect(`${stack.urls.websocket}?token=${encodeURIComponent(token)}`);
}

/** The inbox rows as rendered: title and desk line. */
function rows(): string[][] {
  return [...page.dom.querySelectorAll('[class*="--inbox-item"]')].map((row) => [
    row.querySelector('[class$="--title"]')?.textContent ?? '',
    row.querySelector('[class$="--desk-line"]')?.textContent ?? '',
  ]);
}

function titles(): string[] {
  return rows().map((row) => row[0] ?? '');
}

/** The filter's tabs as rendered, the selected ones marked with `*`. */
function tabs(kind: 'owner' | 'state'): string[] {
  const data = page.instance.data[kind === 'owner' ? 'deskOwners' : 'deskStates'] as {
    label: string;
    selected: boolean;
  }[];
  return data.map((tab) => (tab.selected ? `*${tab.label}` : tab.label));
}

function tapTab(id: string): void {
  const filter = page.querySelector('#desk-filter') as Node | undefined;
  const tab = filter?.querySelector(`#${id}`);
  if (!tab) throw new Error(`no tab ${id}`);
  tab.dispatchEvent('tap');
}

beforeAll(async () => {
  stack = await startTestStack({ env: { ADMINS: 'admin,wang,li' } });
  for (const [id, name, text] of [
    ['ming', '阿明', '自习室几点关门'],
    ['bai', '小白', '我的预约不见了'],
    ['chen', '小陈', '可以带咖啡吗'],
  ] as const) {
    const student = await connect(id, name);
    students.push(student);
    await student.request({ action: 'sendmessage', conversationId: `support:${id}`, text });
  }
  li = await connect('li', '李老师');
  await li.request({ action: 'claim', conversationId: 'support:bai' });
  app = await buildAndLogin(stack, 'wang', '王老师');
  page = app.render('pages/conversations/index');
  await page.instance.onLoad?.();
});

afterAll(async () => {
  page?.instance.onUnload?.();
  await app?.dispose();
  await li?.close();
  for (const s of students) await s.close();
  await stack?.stop();
});

describe('conversations page: the staff inbox filter', () => {
  it('starts at the waiting ones, longest waiting first, with counts and waiting time', async () => {
    await waitFor(() => rows().length === 2, 'the inbox');
    expect(rows()).toEqual([
      ['阿明', '待处理 · 刚刚开始等待'],
      ['小陈', '待处理 · 刚刚开始等待'],
    ]);
    expect(tabs('owner')).toEqual(['我的', '未分配', '*全部']);
    expect(tabs('state')).toEqual(['*待处理 2', '处理中 1', '已解决 0']);
    await waitFor(() => page.instance.data.awayShown === true, 'the 在岗 switch');
    await screenshotPage(app, page, 'zh-desk-filter');
  });

  it('filters by state and owner, as the console does', async () => {
    tapTab('state-claimed');
    await waitFor(() => titles().join() === '小白', 'the claimed ones');
    expect(rows()).toEqual([['小白', '处理中 · 李老师 · 刚刚开始等待']]);
    expect(tabs('state')).toEqual(['待处理 2', '*处理中 1', '已解决 0']);

    // Mine: nothing of his is being handled.
    tapTab('owner-mine');
    await waitFor(() => page.instance.data.loading === false && rows().length === 0, 'mine');
    expect(tabs('owner')).toEqual(['*我的', '未分配', '全部']);
    // The desk holds conversations this filter hides: the filter is empty, not the inbox.
    expect(page.querySelector('#inbox-empty')?.dom.textContent?.trim()).toBe(
      '没有符合筛选的会话，切换上面的标签查看其他会话。',
    );

    // Unassigned goes with 待处理 (nobody owns a waiting conversation).
    tapTab('owner-unassigned');
    await waitFor(() => titles().join() === '阿明,小陈', 'the unassigned ones');
    expect(tabs('state')).toEqual(['*待处理 2', '处理中 1', '已解决 0']);
    tapTab('owner-all');
    await waitFor(() => tabs('owner')[2] === '*全部', 'all');
  });

  it('moves rows and counts live when a colleague claims and releases', async () => {
    await waitFor(() => titles().join() === '阿明,小陈', 'the waiting ones');

    // A colleague claims 阿明: gone from 待处理, the counts follow.
    await li.request({ action: 'claim', conversationId: 'support:ming' });
    await waitFor(() => titles().join() === '小陈', '阿明 to leave the queue');
    await waitFor(() => tabs('state')[1] === '处理中 2', 'the counts');
    expect(tabs('state')).toEqual(['*待处理 1', '处理中 2', '已解决 0']);

    // Released: back, still longest waiting first.
    await li.request({ action: 'release', conversationId: 'support:ming' });
    await waitFor(() => titles().join() === '阿明,小陈', '阿明 back in the queue');
    expect(tabs('state')).toEqual(['*待处理 2', '处理中 1', '已解决 0']);
  });

  it('sets him away (暂离) and back (在岗)', async () => {
    const duty = () => page.querySelector('#duty-text')?.dom.textContent?.trim() ?? '';
    await waitFor(() => duty() === '在岗', 'the switch');

    page.querySelector('#duty-switch')?.dispatchEvent('change', { detail: { value: false } });
    await waitFor(() => duty() === '暂离', 'away');
    const away = await li.request({ action: 'staff' });
    expect(
      (away.staff as { userId: string; status: string }[]).find((m) => m.userId === 'wang'),
    ).toMatchObject({ status: 'away' });

    page.querySelector('#duty-switch')?.dispatchEvent('change', { detail: { value: true } });
    await waitFor(() => duty() === '在岗', 'back');
    const back = await li.request({ action: 'staff' });
    expect(
      (back.staff as { userId: string; status: string }[]).find((m) => m.userId === 'wang'),
    ).toMatchObject({ status: 'active' });
  });
});
