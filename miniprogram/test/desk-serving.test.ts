/**
 * The student's chat page tells who is answering: loaded headless with miniprogram-simulate, its
 * chat client talking through the wx shim to the real local stack, while a raw protocol client
 * plays 王老师 at the desk. The line shows the staff member's display name, live when they claim
 * and on a fresh load; it goes when the conversation is released; no staff id reaches the page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/local-stack';
import { ChatTestClient, login } from '../../test/support/chat-client';
import { startTestStack } from '../../test/support/test-stack';
import { type BuiltMiniProgram, buildAndLogin, type SimulatedPage } from './page-harness';
import { screenshotPage } from './screenshot';
import { waitFor } from './wx-shim';

const CONVERSATION = 'support:lin';

let stack: LocalStack;
let app: BuiltMiniProgram;
let wang: ChatTestClient;
const pages: SimulatedPage[] = [];

function serving(page: SimulatedPage): string {
  return page.querySelector('#serving')?.dom.textContent?.trim() ?? '';
}

async function openChat(): Promise<SimulatedPage> {
  const page = app.render('pages/chat/index');
  pages.push(page);
  await page.instance.onLoad?.({ id: encodeURIComponent(CONVERSATION), title: '自习室服务台' });
  return page;
}

beforeAll(async () => {
  stack = await startTestStack({ env: { ADMINS: 'admin,wang' } });
  app = await buildAndLogin(stack, 'lin', '小林');
  const { token } = await login(stack, 'wang', '王老师');
  wang = await ChatTestClient.connect(`${stack.urls.websocket}?token=${encodeURIComponent(token)}`);
});

afterAll(async () => {
  for (const page of pages) page.instance.onUnload?.();
  await app?.dispose();
  await wang?.close();
  await stack?.stop();
});

describe('chat page: who is serving', () => {
  it('shows "王老师 正在为你服务" when he claims, on a fresh load, and not after a release', async () => {
    // Prepare: the student writes; nobody has the conversation yet.
    const page = await openChat();
    page.querySelector('#draft')?.dispatchEvent('input', { detail: { value: '三楼开门了吗' } });
    await waitFor(() => page.instance.data.canSend === true, 'the draft to be sendable');
    page.querySelector('#send')?.dispatchEvent('tap');
    await wang.next((f) => f.type === 'message');
    expect(serving(page)).toBe('');

    // Act: 王老师 claims it.
    await wang.request({ action: 'claim', conversationId: CONVERSATION });

    // Assess: live, and from the list on a new page; never his id.
    await waitFor(() => serving(page) === '王老师 正在为你服务', 'the serving line');
    const again = await openChat();
    await waitFor(() => serving(again) === '王老师 正在为你服务', 'the line on a fresh load');
    expect(JSON.stringify(page.instance.data)).not.toContain('"wang"');
    await screenshotPage(app, page, 'zh-chat-serving');

    await wang.request({ action: 'release', conversationId: CONVERSATION });
    await waitFor(() => serving(page) === '', 'the line to go');
  });
});
