/**
 * The browser console in Chinese (the default) and English, on a desk PC and on a phone
 * (390×844), in real Chromium against the real local stack: words, lang, titles, dates, the
 * language switch, the user-id case policy, read marks after a reload, notices that clear with
 * their cause, live member counts, bubbles sized by content and the phone layout. Screenshots of
 * both locales go to test-results/console/ (docs/img/ holds copies for the docs).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../local/local-stack';
import { findChromium, launchChromium } from './support/browser';
import { type ChatTestClient, connectAs } from './support/chat-client';
import {
  banner,
  type BrowserOptions,
  ConsoleDriver,
  inboxRow,
  messageRow,
} from './support/console-driver';
import { startTestStack } from './support/test-stack';

const chromiumPath = findChromium();
if (!chromiumPath && process.env.CI) {
  throw new Error('CI must run the browser console tests: no Chromium found (.ci/run installs it)');
}

const SCREENSHOTS = join(new URL('..', import.meta.url).pathname, 'test-results', 'console');
const ZH: BrowserOptions = { locale: 'zh-CN', viewport: { width: 1280, height: 800 } };
const ZH_PHONE: BrowserOptions = { locale: 'zh-CN', viewport: { width: 390, height: 844 } };
const EN: BrowserOptions = { locale: 'en-US', viewport: { width: 1280, height: 800 } };
const EN_PHONE: BrowserOptions = { locale: 'en-US', viewport: { width: 390, height: 844 } };
/** The next attempt comes after a random delay of at most 30 s (full-jitter backoff's cap). */
const RECONNECT_WAIT_MS = 40_000;

let stack: LocalStack;
let browser: Browser | undefined;
let driver: ConsoleDriver;
let desk2: ChatTestClient;

beforeAll(async () => {
  stack = await startTestStack();
  desk2 = await connectAs(stack, 'admin2');
  if (chromiumPath) {
    browser = await launchChromium(chromiumPath);
    driver = new ConsoleDriver(stack, browser);
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await desk2?.close();
  await stack?.stop();
});

afterEach(async () => {
  if (driver) expect(await driver.closeAll()).toEqual([]);
});

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

async function box(page: Page, selector: string) {
  const found = await page.locator(selector).first().boundingBox();
  if (!found) throw new Error(`${selector} is not visible`);
  return found;
}

describe.runIf(chromiumPath)('browser console in Chinese and English', () => {
  it('is Chinese by default: login page, lang, title; "Admin" logs in as the desk with an empty inbox', async () => {
    // Prepare
    const login = await driver.newPage('login', undefined, ZH);
    await login.goto(stack.urls.console);
    await login.locator('#login-id').waitFor();
    await screenshot(login, 'zh-login');
    const loginPage = {
      lang: await login.evaluate('document.documentElement.lang'),
      title: await login.title(),
      heading: await login.locator('h1').textContent(),
      button: await login.locator('.login-form button[type="submit"]').textContent(),
      hint: await login.locator('#login-id-hint').textContent(),
    };

    // Act: the id typed with a capital.
    const desk = await driver.openConsole('Admin', '服务台小王', undefined, ZH);
    await desk.locator('.empty-state').waitFor();
    await screenshot(desk, 'zh-desk-empty');

    // Assess
    expect(loginPage).toEqual({
      lang: 'zh-CN',
      title: '自习室聊天 · 服务台',
      heading: '自习室聊天',
      button: '登录',
      hint: expect.stringContaining('不区分大小写'),
    });
    expect(await desk.locator('.role').textContent()).toBe('服务台');
    expect(await desk.locator('.who').textContent()).toBe('当前用户 服务台小王 (admin)');
    expect(await desk.locator('.empty-state .empty-title').textContent()).toBe('收件箱是空的');
    expect(await desk.locator('#support-heading').textContent()).toBe('服务台收件箱');
    expect(await desk.title()).toBe('自习室聊天 · 服务台');
  }, 60_000);

  it('chats in Chinese: bubbles sized by content, read marks that survive a reload, switch to English', async () => {
    // Prepare
    const student = await driver.openConsole('lin', '林同学', undefined, ZH);
    const desk = await driver.openConsole('admin', '服务台', undefined, ZH);
    await student.getByRole('heading', { name: '自习室服务台' }).waitFor();

    // Act: the student asks, the desk reads and answers.
    await student.getByRole('textbox', { name: '消息' }).fill('三楼自习室今晚开到几点？');
    await student.keyboard.press('Enter');
    await messageRow(student, '三楼自习室今晚开到几点？', 'stored').waitFor();
    await inboxRow(desk, 'support:lin').click();
    await messageRow(student, '三楼自习室今晚开到几点？', 'read').waitFor();
    await desk.getByRole('textbox', { name: '消息' }).fill('开到22:00。');
    await desk.getByRole('button', { name: '发送' }).click();
    await messageRow(student, '开到22:00。').waitFor();
    await screenshot(student, 'zh-student');
    await screenshot(desk, 'zh-desk');
    const reply = await box(student, 'li.message.theirs');
    const preview = await inboxRow(desk, 'support:lin')
      .locator('.conversation-preview')
      .textContent();
    const when = await inboxRow(desk, 'support:lin').locator('.when').textContent();
    // The student reloads: "已读" stays.
    await student.reload();
    await banner(student, 'online').waitFor();
    const afterReload = messageRow(student, '三楼自习室今晚开到几点？');
    await afterReload.waitFor();
    await student.locator('li.message[data-state="read"] .state-label').waitFor();
    const stateAfterReload = await afterReload.locator('.state-label').textContent();
    // Switch the desk to English: remembered across a reload.
    await desk.locator('#language').selectOption('en');
    await desk.getByRole('heading', { name: 'Desk inbox' }).waitFor();
    await desk.reload();
    await banner(desk, 'online').waitFor();
    await inboxRow(desk, 'support:lin').click();
    await messageRow(desk, '开到22:00。').waitFor();
    await screenshot(desk, 'en-desk');

    // Assess
    expect(reply.width).toBeLessThan(260);
    expect(preview).toBe('服务台：开到22:00。');
    expect(when).toBe('刚刚');
    expect(stateAfterReload).toBe('已读');
    expect(await desk.evaluate('document.documentElement.lang')).toBe('en');
    expect(await desk.locator('#support-heading').textContent()).toBe('Desk inbox');
    expect(await desk.locator('li.message.mine .state-label').textContent()).toMatch(
      /^(Sent|Read)$/,
    );
    expect(await desk.title()).toBe('Study-room chat · Desk');
  }, 90_000);

  it('fits a phone: the list and the chat are two screens, the counter stays on one line, the form fits', async () => {
    // Prepare
    const student = await driver.openConsole('mei', '美', undefined, ZH_PHONE);
    await student.getByRole('heading', { name: '自习室服务台' }).waitFor();
    await student.getByRole('textbox', { name: '消息' }).fill('你好');
    await student.keyboard.press('Enter');
    await messageRow(student, '你好', 'stored').waitFor();
    await desk2.request({
      action: 'sendmessage',
      conversationId: 'support:mei',
      text: '你好，请问有什么可以帮你？',
    });
    await messageRow(student, '你好，请问有什么可以帮你？').waitFor();

    // Act
    await screenshot(student, 'zh-phone-chat');
    const chat = {
      sidebarVisible: await student.locator('.sidebar').isVisible(),
      composer: await box(student, '#message'),
      counter: await box(student, '#message-count'),
      send: await box(student, 'button.send'),
    };
    await student.locator('.chat-head .back').click();
    await student.locator('.sidebar').waitFor();
    await screenshot(student, 'zh-phone-list');
    const listShowsChat = await student.locator('.chat').isVisible();
    const desk = await driver.openConsole('admin', '服务台', undefined, ZH_PHONE);
    await desk.locator('#room-title').scrollIntoViewIfNeeded();
    const form = await box(desk, '.create-room');
    const create = await box(desk, '.create-room button[type="submit"]');
    await screenshot(desk, 'zh-phone-desk');
    const english = await driver.openConsole('ned', 'Ned', undefined, EN_PHONE);
    await english.getByRole('heading', { name: 'Study-room desk' }).waitFor();
    await screenshot(english, 'en-phone-chat');

    // Assess
    expect(chat.sidebarVisible).toBe(false);
    expect(chat.composer.y + chat.composer.height).toBeLessThanOrEqual(844);
    expect(chat.counter.height).toBeLessThan(30);
    expect(chat.send.x + chat.send.width).toBeLessThanOrEqual(390);
    expect(listShowsChat).toBe(false);
    expect(form.x + form.width).toBeLessThanOrEqual(390);
    expect(create.x + create.width).toBeLessThanOrEqual(390);
  }, 90_000);

  it('keeps the sidebar fresh: member counts when a student joins, new rooms when the tab returns', async () => {
    // Prepare
    const desk = await driver.openConsole('admin', '服务台', undefined, ZH);
    const student = await driver.openConsole('nan', '楠', undefined, ZH);
    await desk.locator('#room-title').fill('图书馆三楼');
    await desk.getByRole('button', { name: '创建' }).click();
    await desk.getByRole('heading', { name: '图书馆三楼' }).waitFor();
    const roomRow = desk.locator('button.conversation', { hasText: '图书馆三楼' });
    const before = await roomRow.locator('.conversation-preview').textContent();

    // Act: the student's tab comes back into view (the room was created meanwhile), joins.
    await student.evaluate("document.dispatchEvent(new Event('visibilitychange'))");
    await student.getByRole('button', { name: '加入 图书馆三楼' }).click();
    await student.getByRole('heading', { name: '图书馆三楼' }).waitFor();
    await roomRow.locator('.conversation-preview', { hasText: '2 位成员' }).waitFor();

    // Assess
    expect(before).toBe('1 位成员');
    expect(await roomRow.locator('.conversation-preview').textContent()).toBe('2 位成员');
  }, 60_000);

  it('clears the "cannot connect" notice once the connection is back, and never says "login"', async () => {
    // Prepare: the console cannot reach the server at all, logins included.
    const student = await driver.openConsole('ola', 'Ola', undefined, EN);
    await student.route('**/login', (route) => route.abort());
    stack.gateway.setAccepting(false);
    for (const id of driver.connectionsOf('ola')) stack.gateway.drop(id);

    // Act: after repeated handshake failures the core asks for a fresh token, which fails.
    await student.locator('.notice:not(:empty)').waitFor({ timeout: RECONNECT_WAIT_MS * 2 });
    const during = await student.locator('.notice').textContent();
    await student.unroute('**/login');
    stack.gateway.setAccepting(true);
    await banner(student, 'online').waitFor({ timeout: RECONNECT_WAIT_MS });
    await student.waitForFunction("document.querySelector('.notice').textContent === ''");

    // Assess
    expect(during).toBe('Cannot reach the server right now; retrying by itself.');
    expect(during).not.toMatch(/log/i);
    expect(await student.locator('.notice').textContent()).toBe('');
  }, 150_000);
});
