/**
 * The login page of the built mini-program against the real local stack, as a develop build sees
 * it: WeChat's nickname input gives the display name, the local user id picks the account, and a
 * successful login stores the session and opens the conversations.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/local-stack';
import { startTestStack } from '../../test/support/test-stack';
import { type BuiltMiniProgram, buildAndLogin, type SimulatedPage } from './page-harness';
import { screenshotPage } from './screenshot';
import { waitFor } from './wx-shim';

let stack: LocalStack;
let app: BuiltMiniProgram;
let page: SimulatedPage;

beforeAll(async () => {
  stack = await startTestStack();
  app = await buildAndLogin(stack, 'unused', undefined, true);
  page = app.render('pages/login/index');
  await page.instance.onLoad?.();
});

afterAll(async () => {
  await app?.dispose();
  await stack?.stop();
});

/** What WeChat does on a tap of the submit button: the form's values in `detail.value`. */
function submit(target: SimulatedPage, nickname: string): void {
  target.querySelector('#login-form')?.dispatchEvent('submit', { detail: { value: { nickname } } });
}

describe('login page (local stack)', () => {
  it('logs in with the nickname and local user id, keeps the session and opens the conversations', async () => {
    // Prepare
    const suggested = page.instance.data.devUser;
    await screenshotPage(app, page, 'zh-login');

    // Act: the nickname comes with the form's submit, as WeChat collects it
    // Typed with a capital: ids are not case-sensitive at the login form (normalizeDevUserId).
    page.querySelector('#dev-user')?.dispatchEvent('input', { detail: { value: 'Quinn' } });
    await waitFor(() => page.instance.data.devUser === 'quinn', 'the inputs');
    submit(page, ' Quinn ');
    await waitFor(() => app.shim.navigations.length > 0, 'the redirect');

    // Assess
    expect(suggested).toMatch(/^student-[a-z0-9]+$/);
    expect(app.shim.navigations).toEqual(['/pages/conversations/index']);
    const session = JSON.parse(app.shim.storage.get('campus-chat.session') as string) as {
      token: string;
      user: unknown;
    };
    expect(session.user).toEqual({ id: 'quinn', name: 'Quinn', role: 'student' });
    expect(session.token.length).toBeGreaterThan(20);
    expect(app.shim.loginCalls).toBe(0);
    expect(page.instance.data.error).toBe('');
  });

  it('speaks WeChat’s language: Chinese words and title for zh_CN', () => {
    // Assess (the page loaded with the shim's default language, zh_CN)
    expect(page.instance.data.t).toMatchObject({
      login: '微信登录',
      yourName: '你的昵称',
      devUserId: expect.stringContaining('不区分大小写'),
    });
    expect(page.instance.data.lang).toBe('zh-CN');
    expect(app.shim.titles).toContain('自习室聊天');
    expect(page.querySelector('#login')?.dom.textContent?.trim()).toBe('微信登录');
  });
});

describe('the nickname and content security', () => {
  it('takes the name WeChat left in the form at submit, not an earlier input event', async () => {
    // Prepare: typed, then cleared by WeChat's own check after blur (no input event says so)
    const cleared = await buildAndLogin(stack, 'unused-cleared', undefined, true);
    const form = cleared.render('pages/login/index');
    await form.instance.onLoad?.();
    form.querySelector('#dev-user')?.dispatchEvent('input', { detail: { value: 'rosa' } });
    form.querySelector('#nickname')?.dispatchEvent('input', { detail: { value: 'Rejected' } });
    await waitFor(() => form.instance.data.devUser === 'rosa', 'the inputs');

    // Act
    submit(form, '');
    await waitFor(() => cleared.shim.navigations.length > 0, 'the redirect');

    // Assess: no name was sent, so the default one (the id) stands
    try {
      const session = JSON.parse(cleared.shim.storage.get('campus-chat.session') as string) as {
        user: { name: string };
      };
      expect(session.user.name).toBe('rosa');
    } finally {
      await cleared.dispose();
    }
  });

  it('shows a name the server refused in words, with what was found', async () => {
    // Prepare
    const refused = await buildAndLogin(stack, 'unused-refused', undefined, true);
    const form = refused.render('pages/login/index');
    await form.instance.onLoad?.();
    form.querySelector('#dev-user')?.dispatchEvent('input', { detail: { value: 'sid' } });
    await waitFor(() => form.instance.data.devUser === 'sid', 'the inputs');

    // Act
    submit(form, 'Sid 违规测试词');
    await waitFor(() => form.instance.data.error !== '', 'the refusal');

    // Assess
    try {
      expect(form.instance.data.error).toBe('这个昵称未通过安全检查（违法犯罪），请换一个。');
      expect(refused.shim.navigations).toEqual([]);
    } finally {
      await refused.dispose();
    }
  });
});

describe('login page in English', () => {
  it('follows wx.getAppBaseInfo().language = en', async () => {
    // Prepare
    const english = await buildAndLogin(stack, 'unused-en', undefined, true, 'en');
    const englishPage = english.render('pages/login/index');

    // Act
    await englishPage.instance.onLoad?.();
    await screenshotPage(english, englishPage, 'en-login');

    // Assess
    try {
      expect(englishPage.instance.data.t).toMatchObject({
        login: 'Log in with WeChat',
        yourName: 'Your name',
      });
      expect(englishPage.instance.data.lang).toBe('en');
      expect(english.shim.titles).toContain('Study-room chat');
    } finally {
      await english.dispose();
    }
  });
});
