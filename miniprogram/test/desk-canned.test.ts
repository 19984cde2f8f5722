/**
 * The canned-reply picker (常用语) on an admin's chat page: loaded headless with
 * miniprogram-simulate against the real local stack. The picker lists the desk's shared replies
 * (a colleague's new one appears live); a tap makes it the draft, which sends as typed text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/local-stack';
import { ChatTestClient, type Frame, login } from '../../test/support/chat-client';
import { startTestStack } from '../../test/support/test-stack';
import { type BuiltMiniProgram, buildAndLogin, type SimulatedPage } from './page-harness';
import { waitFor } from './wx-shim';

const CONVERSATION = 'support:qin';

let stack: LocalStack;
let app: BuiltMiniProgram;
let li: ChatTestClient;
let student: ChatTestClient;
let page: SimulatedPage;

async function connect(name: string, displayName: string): Promise<ChatTestClient> {
  const { token } = await login(stack, name, displayName);
  return ChatTestClient.connect(`${stack.urls.websocket}?token=${encodeURIComponent(token)}`);
}

function rows(): string[] {
  return [...page.dom.querySelectorAll('[class$="canned-item"]')].map(
    (row) => row.textContent?.replace(/\s+/g, ' ').trim() ?? '',
  );
}

beforeAll(async () => {
  stack = await startTestStack({ env: { ADMINS: 'admin,wang,li' } });
  student = await connect('qin', '小秦');
  await student.request({
    action: 'sendmessage',
    conversationId: CONVERSATION,
    text: '怎么预约？',
  });
  li = await connect('li', '李老师');
  await li.request({
    action: 'savecannedreply',
    title: '预约规则',
    text: '每人每天最多预约 4 小时。',
  });
  app = await buildAndLogin(stack, 'wang', '王老师');
  page = app.render('pages/chat/index');
  await page.instance.onLoad?.({ id: encodeURIComponent(CONVERSATION), title: '小秦' });
});

afterAll(async () => {
  page?.instance.onUnload?.();
  await app?.dispose();
  await li?.close();
  await student?.close();
  await stack?.stop();
});

describe('chat page: canned replies for admins', () => {
  it('picks a canned reply into the draft and sends it; a colleague’s new one shows live', async () => {
    await waitFor(() => page.querySelector('#canned') !== undefined, 'the canned-reply button');
    page.querySelector('#canned')?.dispatchEvent('tap');
    await waitFor(() => rows().length === 1, 'the picker');
    expect(rows()).toEqual(['预约规则每人每天最多预约 4 小时。']);

    await li.request({ action: 'savecannedreply', title: '开放时间', text: '每天 8:00–22:00。' });
    await waitFor(() => rows().length === 2, 'the colleague’s reply to appear');

    page.querySelector('.canned-item')?.dispatchEvent('tap');
    await waitFor(() => page.instance.data.draft === '每人每天最多预约 4 小时。', 'the draft');
    expect(page.querySelector('#canned-list')).toBeUndefined();
    page.querySelector('#send')?.dispatchEvent('tap');
    const delivered = await student.next((f) => f.type === 'message');
    expect((delivered.message as Frame).text).toBe('每人每天最多预约 4 小时。');
  });
});
