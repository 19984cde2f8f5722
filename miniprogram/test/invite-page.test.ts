/**
 * Joining the desk by a manager's invitation from the built mini-program, loaded headless with
 * miniprogram-simulate against the real local stack: a student scans the console's invitation
 * code from the conversations page (the wx shim's camera reads it), the invitation page shows who
 * invites to which role, accepting makes them staff, the app logs in again and its home is the
 * desk's; a code that is not ours and a used one are refused in words.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/local-stack';
import { ChatTestClient, type Frame, login } from '../../test/support/chat-client';
import { startTestStack } from '../../test/support/test-stack';
import { type BuiltMiniProgram, buildAndLogin, type SimulatedPage } from './page-harness';
import { screenshotPage } from './screenshot';
import { waitFor } from './wx-shim';

let stack: LocalStack;
let app: BuiltMiniProgram;
let boss: ChatTestClient;

beforeAll(async () => {
  stack = await startTestStack({ env: { ADMINS: 'boss' } });
  const { token } = await login(stack, 'boss', '张主任');
  boss = await ChatTestClient.connect(`${stack.urls.websocket}?token=${encodeURIComponent(token)}`);
  app = await buildAndLogin(stack, 'xiaohong', '小红');
});

afterAll(async () => {
  await boss?.close();
  await app?.dispose();
  await stack?.stop();
});

function text(page: SimulatedPage, selector: string): string {
  return page.dom.querySelector(selector)?.textContent?.trim() ?? '';
}

/** What the console shows: a manager's invitation and its QR code's text. */
async function invitation(role: string): Promise<{ code: string; qr: string }> {
  const frame = await boss.request({ action: 'createinvite', role });
  const code = frame.code as string;
  return { code, qr: `campus-chat-invite:${code}` };
}

/** Scans `qr` from the conversations page and opens the page it navigates to. */
async function scanFromHome(qr: string): Promise<SimulatedPage | undefined> {
  const home = app.render('pages/conversations/index');
  await home.instance.onLoad?.();
  const before = app.shim.navigations.length;
  const toasts = app.shim.toasts.length;
  app.shim.scans.push(qr);
  home.querySelector('#scan-invite')?.dispatchEvent('tap');
  await waitFor(
    () => app.shim.navigations.length > before || app.shim.toasts.length > toasts,
    'a navigation or a toast',
  );
  home.instance.onUnload?.();
  const url = app.shim.navigations.slice(before).find((u) => u.includes('/pages/invite/'));
  if (!url) return undefined;
  const page = app.render('pages/invite/index');
  await page.instance.onLoad?.(Object.fromEntries(new URLSearchParams(url.split('?')[1] ?? '')));
  return page;
}

describe('joining the desk by invitation (mini-program)', () => {
  it('scans the code, shows who invites to which role, accepts, and logs in again as staff', async () => {
    // Prepare
    const { qr } = await invitation('manager');
    const pushed = boss.waitNew(
      (f) => f.type === 'staff' && (f.staff as Frame[]).some((m) => m.userId === 'xiaohong'),
    );

    // Act
    const page = await scanFromHome(qr);
    if (!page) throw new Error('the scan opened no invitation page');
    await waitFor(() => page.instance.data.invite !== null, 'the invitation');
    await screenshotPage(app, page, 'zh-invite-accept');
    const question = text(page, '[class*="--question"]');
    const warning = text(page, '[class*="--warning"]');
    const navigations = app.shim.navigations.length;
    page.querySelector('#accept')?.dispatchEvent('tap');
    await waitFor(
      () => app.shim.navigations.slice(navigations).includes('/pages/conversations/index'),
      'the restart',
    );
    const list = await pushed;
    const user = await app
      .module<{ currentUser(): Promise<{ role: string } | undefined> }>('services/chat-session.js')
      .currentUser();
    const home = app.render('pages/conversations/index');
    await home.instance.onLoad?.();

    // Assess
    expect(question).toBe('张主任 邀请你以“管理员”身份加入服务台');
    expect(warning).toContain('只接受你认识的管理员当面给你的二维码');
    expect(page.instance.data.outcome).toBe('你已加入服务台，正在重新登录…');
    expect((list.staff as Frame[]).find((m) => m.userId === 'xiaohong')).toMatchObject({
      role: 'manager',
      addedBy: 'boss',
    });
    expect(user?.role).toBe('admin');
    expect(home.instance.data.isAdmin).toBe(true);
    expect(home.querySelector('#scan-login')).toBeTruthy();
    expect(home.querySelector('#scan-invite')).toBeFalsy();
    home.instance.onUnload?.();
    page.instance.onUnload?.();
  });

  it('refuses a code that is not ours, and a used one', async () => {
    // Prepare: a second student; the code xiaohong used above is gone.
    await app.dispose();
    app = await buildAndLogin(stack, 'xiaogang', '小刚');
    const { code } = await invitation('staff');
    const { token } = await login(stack, 'xiaoli', '小李');
    const other = await ChatTestClient.connect(
      `${stack.urls.websocket}?token=${encodeURIComponent(token)}`,
    );
    expect((await other.request({ action: 'acceptinvite', code })).type).toBe('invited');
    await other.close();

    // Act
    const stranger = await scanFromHome('https://example.com/not-ours');
    const used = await scanFromHome(`campus-chat-invite:${code}`);
    if (!used) throw new Error('the scan opened no invitation page');
    await waitFor(() => used.instance.data.outcome !== '', 'the outcome');

    // Assess
    expect(stranger).toBeUndefined();
    expect(app.shim.toasts).toContain('这不是服务台的邀请二维码。');
    expect(used.instance.data.outcome).toBe('邀请已过期或已被使用，请让管理员重新生成。');
    expect(used.querySelector('#accept')).toBeFalsy();
    used.instance.onUnload?.();
  });
});
