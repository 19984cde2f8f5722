/**
 * Scan to log in from the browser console, in real Chromium against the real local stack: the
 * console shows a QR code for a fresh ticket, the desk's phone (here a WebSocket client speaking
 * the mini-program's frames) views and approves it, and the console is logged in as that staff
 * member; a refusal and a sign-out from the phone each end as they should. Screenshots go to
 * test-results/console/ (docs/img/ holds copies for docs/console.md).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../local/local-stack';
import { WEB_LOGIN_QR_PREFIX } from '../protocol/web-login';
import { findChromium, launchChromium } from './support/browser';
import { type ChatTestClient, connectAs, type Frame, nextId } from './support/chat-client';
import { banner, ConsoleDriver } from './support/console-driver';
import { startTestStack } from './support/test-stack';

const chromiumPath = findChromium();
if (!chromiumPath && process.env.CI) {
  throw new Error('CI must run the browser console tests: no Chromium found (.ci/run installs it)');
}

const SCREENSHOTS = join(new URL('..', import.meta.url).pathname, 'test-results', 'console');
const ZH = { locale: 'zh-CN', viewport: { width: 1280, height: 800 } } as const;

let stack: LocalStack;
let browser: Browser | undefined;
let driver: ConsoleDriver;
let phone: ChatTestClient;

beforeAll(async () => {
  stack = await startTestStack({ env: { ADMINS: 'admin,wang' } });
  phone = await connectAs(stack, 'wang');
  if (chromiumPath) {
    browser = await launchChromium(chromiumPath);
    driver = new ConsoleDriver(stack, browser);
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await phone?.close();
  await stack?.stop();
});

afterEach(async () => {
  // Every page closes between tests; none may have thrown.
  if (driver) expect(await driver.closeAll()).toEqual([]);
});

/** Opens the console's login page and returns it with the ticket its code shows. */
async function openLogin(): Promise<{ page: Page; ticket: string; codeText: string }> {
  const page = await driver.newPage('scan', undefined, ZH);
  const created = page.waitForResponse(
    (r) => r.url().endsWith('/weblogin') && r.request().method() === 'POST',
  );
  await page.goto(stack.urls.console);
  const body = (await (await created).json()) as { ticket: string; code: { text: string } };
  await page.locator('.scan-code svg.qr-code').waitFor();
  return { page, ticket: body.ticket, codeText: body.code.text };
}

function phoneSays(frame: Record<string, unknown>): Promise<Frame> {
  return phone.request({ id: nextId('w'), ...frame });
}

describe.runIf(chromiumPath)('scan to log in (browser console)', () => {
  it('shows a code; the phone approves; the console is the desk, as that staff member', async () => {
    // Prepare
    const { page, ticket, codeText } = await openLogin();
    await page.screenshot({ path: join(SCREENSHOTS, 'zh-scan-login.png') });

    // Act: the phone scans (reads the ticket from the code's text), looks, approves.
    const viewed = await phoneSays({ action: 'webloginview', ticket });
    await page.locator('.scan-status', { hasText: '已扫码' }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'zh-scan-scanned.png') });
    const approved = await phoneSays({ action: 'webloginanswer', ticket, approve: true });
    await banner(page, 'online').waitFor();

    // Assess
    expect(codeText).toBe(`${WEB_LOGIN_QR_PREFIX}${ticket}`);
    expect(viewed).toMatchObject({ type: 'weblogin', status: 'scanned' });
    expect(approved).toMatchObject({ type: 'webloginanswered', approved: true });
    expect(await page.locator('.role').textContent()).toBe('服务台');
    const stored = await page.evaluate(() => sessionStorage.getItem('campus-chat.session'));
    expect(JSON.parse(stored ?? '{}')).toMatchObject({ user: { id: 'wang', role: 'admin' } });
  });

  it('says so when the phone refuses, and offers a new code', async () => {
    // Prepare
    const { page, ticket } = await openLogin();

    // Act
    await phoneSays({ action: 'webloginanswer', ticket, approve: false });
    await page.locator('.scan-status', { hasText: '已在手机上取消登录' }).waitFor();
    const next = page.waitForResponse(
      (r) => r.url().endsWith('/weblogin') && r.request().method() === 'POST',
    );
    await page.locator('.scan-login button', { hasText: '刷新二维码' }).click();
    const fresh = (await (await next).json()) as { ticket: string };

    // Assess
    expect(fresh.ticket).not.toBe(ticket);
    await page.locator('.scan-code svg.qr-code').waitFor();
  });

  it('goes back to the code when the phone signs the web session out', async () => {
    // Prepare: a logged-in console.
    const { page, ticket } = await openLogin();
    await phoneSays({ action: 'webloginanswer', ticket, approve: true });
    await banner(page, 'online').waitFor();
    const listed = await phoneSays({ action: 'websessions' });
    const newest = (listed.sessions as Frame[])[0] as Frame;

    // Act
    const out = await phoneSays({ action: 'websignout', sessionId: String(newest.sessionId) });

    // Assess: the console's connection closed, its token is refused, it shows a new code.
    expect(out).toMatchObject({ type: 'websignedout', closed: 1 });
    await page.locator('.scan-status', { hasText: '登录已结束' }).waitFor({ timeout: 60_000 });
    await page.locator('.scan-code svg.qr-code').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'zh-scan-ended.png') });
  });
});
