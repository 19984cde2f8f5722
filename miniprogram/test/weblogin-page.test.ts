/**
 * Scan to log in from the built mini-program, loaded headless with miniprogram-simulate against
 * the real local stack: the desk scans the console's code from the conversations page (the wx
 * shim's camera reads it), the approval page shows who is asking and approves, the console's poll
 * collects its token; a code that is not ours is refused; the computer is signed out again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/local-stack';
import { startTestStack } from '../../test/support/test-stack';
import { type BuiltMiniProgram, buildAndLogin, type SimulatedPage } from './page-harness';
import { screenshotPage } from './screenshot';
import { waitFor } from './wx-shim';

const EDGE_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0';

let stack: LocalStack;
let app: BuiltMiniProgram;
let home: SimulatedPage;

beforeAll(async () => {
  stack = await startTestStack();
  app = await buildAndLogin(stack, 'admin', '王老师');
  home = app.render('pages/conversations/index');
  await home.instance.onLoad?.();
});

afterAll(async () => {
  home?.instance.onUnload?.();
  await app?.dispose();
  await stack?.stop();
});

/** What the console does: a ticket (as a browser asks for it) and its code's text. */
async function consoleTicket() {
  const response = await fetch(`${stack.urls.http}/weblogin`, {
    method: 'POST',
    headers: { 'user-agent': EDGE_UA },
  });
  return (await response.json()) as { ticket: string; pollSecret: string; code: { text: string } };
}

function sessionsOf(page: SimulatedPage): number {
  return (page.instance.data.sessions as unknown[]).length;
}

function text(page: SimulatedPage, selector: string): string {
  return page.dom.querySelector(selector)?.textContent?.trim() ?? '';
}

describe('scan to log in (mini-program)', () => {
  it('scans the console code, shows who asks, approves; the console collects its login', async () => {
    // Prepare
    const ticket = await consoleTicket();
    app.shim.scans.push(ticket.code.text);

    // Act: scan from the conversations page, then the approval page it opens.
    home.querySelector('#scan-login')?.dispatchEvent('tap');
    await waitFor(() => app.shim.navigations.some((u) => u.includes('weblogin')), 'navigation');
    const url = app.shim.navigations.find((u) => u.includes('weblogin')) ?? '';
    const query = Object.fromEntries(new URLSearchParams(url.split('?')[1] ?? ''));
    const approval = app.render('pages/weblogin/index');
    await approval.instance.onLoad?.(query);
    await waitFor(() => approval.instance.data.request !== null, 'the request');
    await screenshotPage(app, approval, 'zh-weblogin-approve');
    const shown = {
      question: text(approval, '[class*="--question"]'),
      browser: text(approval, '[class*="--browser"]'),
      network: text(approval, '[class*="--network"]'),
      warning: text(approval, '[class*="--warning"]'),
    };
    approval.querySelector('#approve')?.dispatchEvent('tap');
    await waitFor(() => approval.instance.data.outcome !== '', 'the outcome');
    // The console's next poll collects the login; the page lists the new session after it.
    const polled = await fetch(`${stack.urls.http}/weblogin/${ticket.ticket}`, {
      headers: { authorization: `Bearer ${ticket.pollSecret}` },
    }).then((r) => r.json() as Promise<Record<string, unknown>>);
    await waitFor(() => sessionsOf(approval) === 1, 'the session list');

    // Assess
    expect(url).toBe(`/pages/weblogin/index?ticket=${ticket.ticket}`);
    expect(shown).toEqual({
      question: '在电脑上登录服务台？',
      browser: 'Edge 131 · Windows',
      network: '127.0.0.*',
      warning: expect.stringContaining('别人发给你的二维码'),
    });
    expect(approval.instance.data.outcome).toBe('电脑已登录。');
    expect(polled).toMatchObject({ status: 'approved', user: { id: 'admin', role: 'admin' } });
    expect(approval.querySelector('#approve')).toBeFalsy();
    approval.instance.onUnload?.();
  });

  it('opens from a mini-program code too (scene = the ticket), and signs the computer out', async () => {
    // Prepare
    const ticket = await consoleTicket();
    const approval = app.render('pages/weblogin/index');

    // Act: WeChat's scanner opens the page with ?scene=<ticket>, URI-encoded.
    await approval.instance.onLoad?.({ scene: encodeURIComponent(ticket.ticket) });
    await waitFor(() => approval.instance.data.request !== null, 'the request');
    approval.querySelector('#approve')?.dispatchEvent('tap');
    await waitFor(() => approval.instance.data.outcome === '电脑已登录。', 'approval');
    await fetch(`${stack.urls.http}/weblogin/${ticket.ticket}`, {
      headers: { authorization: `Bearer ${ticket.pollSecret}` },
    });
    // The first test's computer and this one.
    await waitFor(() => sessionsOf(approval) === 2, 'both sessions');
    approval.querySelector('.sign-out')?.dispatchEvent('tap');
    await waitFor(() => sessionsOf(approval) === 1, 'the sign-out');

    // Assess
    expect(app.shim.toasts).toContain('该电脑已退出登录。');
    approval.instance.onUnload?.();
  });

  it("reads the console's mini-program code (AWS) with the in-app scanner too", async () => {
    // Prepare: on AWS the console shows a 小程序码; the in-app camera reads its path.
    const ticket = await consoleTicket();
    app.shim.scans.push({ wxCodePath: `pages/weblogin/index?scene=${ticket.ticket}` });
    const navigations = app.shim.navigations.length;

    // Act
    home.querySelector('#scan-login')?.dispatchEvent('tap');
    await waitFor(() => app.shim.navigations.length > navigations, 'navigation');

    // Assess
    expect(app.shim.navigations.at(-1)).toBe(`/pages/weblogin/index?ticket=${ticket.ticket}`);
  });

  it('refuses a mini-program code of another page', async () => {
    // Prepare
    app.shim.scans.push({ wxCodePath: 'pages/chat/index?scene=AAAAAAAAAAAAAAAAAAAAAA' });
    const toasts = app.shim.toasts.length;
    const navigations = app.shim.navigations.length;

    // Act
    home.querySelector('#scan-login')?.dispatchEvent('tap');
    await waitFor(() => app.shim.toasts.length > toasts, 'the toast');

    // Assess
    expect(app.shim.toasts.at(-1)).toBe('这不是服务台的登录二维码。');
    expect(app.shim.navigations.length).toBe(navigations);
  });

  it('refuses a QR code that is not a desk login code', async () => {
    // Prepare: the camera reads somebody's payment code.
    app.shim.scans.push('https://example.com/pay?id=123');
    const navigations = app.shim.navigations.length;

    // Act
    home.querySelector('#scan-login')?.dispatchEvent('tap');
    await waitFor(() => app.shim.toasts.includes('这不是服务台的登录二维码。'), 'the toast');

    // Assess
    expect(app.shim.navigations.length).toBe(navigations);
  });
});
