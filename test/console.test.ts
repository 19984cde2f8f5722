/**
 * The browser console, as people use it: real Chromium pages (one isolated context per person)
 * on the console served by the REAL local stack (gateway emulator, Lambda handlers, DynamoDB
 * Local). A student and the desk chat both ways; the server cuts the student's socket; keyboard
 * only; an axe-core scan; a message that looks like HTML. Screenshots of both views are saved
 * under test-results/console/ for reviewers. (How the page is served: console-site.test.ts.)
 *
 * The page tests need a Chromium (Debian's `chromium` package; `.ci/run` installs it). Where none
 * exists at all they are skipped with a message; under CI a missing Chromium fails the file.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PREVIEW_COLUMNS } from '../client/display';
import { truncateWidth } from '../client/text';
import type { LocalStack } from '../local/local-stack';
import { findChromium, launchChromium } from './support/browser';
import { type ChatTestClient, connectAs, type Frame } from './support/chat-client';
import { banner, ConsoleDriver, inboxRow, messageRow } from './support/console-driver';
import { startTestStack } from './support/test-stack';

const chromiumPath = findChromium();
if (!chromiumPath) {
  if (process.env.CI) {
    throw new Error(
      'CI must run the browser console tests: no Chromium found (.ci/run installs it)',
    );
  }
  console.warn(
    '\n  SKIPPED: the browser console tests need Chromium and none was found ' +
      '(apt-get install chromium, or set CHROMIUM_PATH).\n',
  );
}

// Runs inside the page (the test code itself is compiled without the DOM library).
declare function getComputedStyle(element: unknown): { readonly outlineStyle: string };

const SCREENSHOTS = join(new URL('..', import.meta.url).pathname, 'test-results', 'console');
const MESSAGE_BOX = { name: 'Message' } as const;
/** The next attempt comes after a random delay of at most 30 s (full-jitter backoff's cap). */
const RECONNECT_WAIT_MS = 40_000;

let stack: LocalStack;
let browser: Browser | undefined;
let driver: ConsoleDriver;
let desk2: ChatTestClient;

beforeAll(async () => {
  // Room for the older-messages test to seed more than a page quickly from one connection.
  stack = await startTestStack({ env: { SEND_RATE_LIMIT: '500', MESSAGE_BURST: '500' } });
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
  // An exception in a page is a bug even when the test's checks passed.
  if (driver) expect(await driver.closeAll()).toEqual([]);
});

function openConsole(userId: string, name: string, context?: BrowserContext): Promise<Page> {
  return driver.openConsole(userId, name, context);
}

/**
 * The messages the server stored, read by another admin over a raw WebSocket. A room's `skipped`
 * filler holds a seq, not a message (docs/protocol.md: a send refused after taking its seq, e.g.
 * from a tab whose user left the room in another), and no client shows it.
 */
async function history(conversationId: string): Promise<string[]> {
  // An admin reads a room only as a member.
  if (conversationId.startsWith('room:')) await desk2.request({ action: 'join', conversationId });
  const reply = await desk2.request({ action: 'sync', conversationId, limit: 200 });
  return (reply.messages as Frame[])
    .filter((m) => m.kind !== 'skipped')
    .map((m) => m.text as string);
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

describe.runIf(chromiumPath)('browser console in Chromium', () => {
  it('lets a student and the desk chat both ways: unread badge, read mark, typing, presence', async () => {
    // Prepare
    const student = await openConsole('alice', 'Alice');
    const desk = await openConsole('admin', 'Desk');
    await student.getByRole('heading', { name: 'Study-room desk' }).waitFor();
    const question = 'Is room 3F open tonight?';
    const answer = 'Yes, until 22:00.';

    // Act: the student writes; the desk sees it in the inbox, unread, then opens it.
    await student.getByRole('textbox', MESSAGE_BOX).fill(question);
    await student.getByRole('button', { name: 'Send' }).click();
    await messageRow(student, question, 'stored').waitFor();
    const row = inboxRow(desk, 'support:alice');
    await row.locator('.badge[data-unread="1"]').waitFor();
    await row.locator('.presence[data-online="true"]').waitFor();
    const badgeText = await row.locator('.badge .sr-only').textContent();
    await row.click();
    await messageRow(desk, question).waitFor();
    await row.locator('.badge').waitFor({ state: 'detached' });
    await messageRow(student, question, 'read').waitFor();
    // The desk types: the student sees it; then the desk sends.
    await desk.getByRole('textbox', MESSAGE_BOX).pressSequentially('Yes,');
    await student.getByText('Desk is typing…').waitFor();
    await desk.getByRole('textbox', MESSAGE_BOX).pressSequentially(' until 22:00.');
    await desk.getByRole('button', { name: 'Send' }).click();
    await messageRow(student, answer).waitFor();
    await student.getByText('Desk is typing…').waitFor({ state: 'detached' });
    await messageRow(desk, answer, 'read').waitFor();
    await screenshot(student, 'student');
    await screenshot(desk, 'desk');
    // The student closes the browser: the desk sees her go offline.
    await student.context().close();
    await row.locator('.presence[data-online="false"]').waitFor();

    // Assess
    expect(badgeText).toBe('1 unread');
    expect(await desk.locator('li.message .message-text').allTextContents()).toEqual([
      question,
      answer,
    ]);
    expect(await desk.locator('li.message .sender').allTextContents()).toEqual([
      'Alice',
      'Desk (you)',
    ]);
    expect(await history('support:alice')).toEqual([question, answer]);
    expect(await desk.locator('.badge').count()).toBe(0);
  }, 60_000);

  it('works in two tabs of one browser: each tab keeps its own login, also across a reload', async () => {
    // Prepare
    const student = await openConsole('ida', 'Ida');
    const desk = await openConsole('admin', 'Desk', student.context());

    // Act
    await student.getByRole('textbox', MESSAGE_BOX).fill('Two tabs, one browser');
    await student.keyboard.press('Enter');
    await inboxRow(desk, 'support:ida').click();
    await desk.getByRole('textbox', MESSAGE_BOX).fill('Hello Ida');
    await desk.keyboard.press('Enter');
    await messageRow(student, 'Hello Ida').waitFor();
    await student.reload();
    await banner(student, 'online').waitFor();
    await messageRow(student, 'Hello Ida').waitFor();

    // Assess
    expect(await student.locator('.who').textContent()).toBe('Signed in as Ida (ida)');
    expect(await desk.locator('.who').textContent()).toBe('Signed in as Desk (admin)');
    expect(await history('support:ida')).toEqual(['Two tabs, one browser', 'Hello Ida']);
  }, 60_000);

  it('shows reconnecting when the server drops the socket and sends what was typed meanwhile exactly once', async () => {
    // Prepare
    const student = await openConsole('bob', 'Bob');
    await student.getByRole('heading', { name: 'Study-room desk' }).waitFor();
    const box = student.getByRole('textbox', MESSAGE_BOX);
    await box.fill('before the outage');
    await box.press('Enter');
    await messageRow(student, 'before the outage', 'stored').waitFor();
    const [connectionId] = driver.connectionsOf('bob');
    const typed = 'typed while the connection was down';

    // Act
    stack.gateway.setAccepting(false);
    stack.gateway.drop(connectionId as string);
    await banner(student, 'reconnecting').waitFor();
    const shown = await student.locator('.banner-text').textContent();
    await box.fill(typed);
    await box.press('Enter');
    await messageRow(student, typed, 'sending').waitFor();
    await screenshot(student, 'student-reconnecting');
    stack.gateway.setAccepting(true);
    await messageRow(student, typed, 'stored').waitFor({ timeout: RECONNECT_WAIT_MS });
    await banner(student, 'online').waitFor();

    // Assess
    expect(connectionId).toBeDefined();
    expect(shown).toMatch(/^Reconnecting/);
    expect(await history('support:bob')).toEqual(['before the outage', typed]);
    expect(await messageRow(student, typed).count()).toBe(1);
    expect(driver.connectionsOf('bob')).toHaveLength(1);
  }, 90_000);

  it('keeps a message that could not go out across a reload, and sends it once', async () => {
    // Prepare
    const student = await openConsole('jay', 'Jay');
    await student.getByRole('heading', { name: 'Study-room desk' }).waitFor();
    const box = student.getByRole('textbox', MESSAGE_BOX);
    const typed = 'written offline, then the tab was reloaded';

    // Act
    stack.gateway.setAccepting(false);
    for (const id of driver.connectionsOf('jay')) stack.gateway.drop(id);
    await banner(student, 'reconnecting').waitFor();
    await box.fill(typed);
    await box.press('Enter');
    await messageRow(student, typed, 'sending').waitFor();
    await student.reload();
    // Still refused: the message comes back from localStorage, waiting.
    await messageRow(student, typed, 'sending').waitFor();
    stack.gateway.setAccepting(true);
    await messageRow(student, typed, 'stored').waitFor({ timeout: RECONNECT_WAIT_MS });

    // Assess
    expect(await history('support:jay')).toEqual([typed]);
    expect(await messageRow(student, typed).count()).toBe(1);
  }, 90_000);

  it('works from the keyboard alone: log in, Shift+Enter for a new line, Enter sends, focus visible', async () => {
    // Prepare
    const page = await driver.newPage('carol');
    await page.goto(stack.urls.console);

    // Act: the user id box has focus on load; Tab moves on, Enter submits the form.
    await page.locator('#login-id:focus').waitFor();
    await page.keyboard.type('carol');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Carol');
    await page.keyboard.press('Enter');
    await banner(page, 'online').waitFor();
    // Landing in the desk conversation puts the focus in the message box.
    await page.locator('#message:focus').waitFor();
    await page.keyboard.type('line one');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('line two');
    await page.keyboard.press('Tab');
    const sendFocused = page.locator('button.send:focus-visible');
    await sendFocused.waitFor();
    const outline = await sendFocused.evaluate((el) => getComputedStyle(el).outlineStyle);
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    await messageRow(page, 'line one\nline two', 'stored').waitFor();

    // Assess
    expect(outline).toBe('solid');
    expect(await page.getByRole('textbox', MESSAGE_BOX).inputValue()).toBe('');
    expect(await history('support:carol')).toEqual(['line one\nline two']);
  }, 60_000);

  it('counts characters and refuses more than 4000', async () => {
    // Prepare
    const page = await openConsole('gina', 'Gina');
    const box = page.getByRole('textbox', MESSAGE_BOX);
    const send = page.getByRole('button', { name: 'Send' });

    // Act
    await box.fill('字'.repeat(3999) + '😀😀');
    const over = {
      counter: await page.locator('#message-count').textContent(),
      disabled: await send.isDisabled(),
      invalid: await box.getAttribute('aria-invalid'),
    };
    await box.press('Backspace');
    const atLimit = {
      counter: await page.locator('#message-count').textContent(),
      disabled: await send.isDisabled(),
    };

    // Assess: an emoji counts once, as on the server.
    expect(over).toEqual({ counter: '4001 / 4000: 1 too many', disabled: true, invalid: 'true' });
    expect(atLimit).toEqual({ counter: '4000 / 4000', disabled: false });
  }, 60_000);

  it('renders a message that looks like HTML as text: no element, no handler runs', async () => {
    // Prepare
    const attack = '<img src=x onerror="window.__pwned=1"><b>bold?</b>';
    const student = await openConsole('eve', 'Eve <script>');
    const desk = await openConsole('admin', 'Desk');

    // Act
    const box = student.getByRole('textbox', MESSAGE_BOX);
    await box.fill(attack);
    await box.press('Enter');
    await messageRow(student, attack, 'stored').waitFor();
    await inboxRow(desk, 'support:eve').click();
    await messageRow(desk, attack).waitFor();

    // Assess
    for (const page of [student, desk]) {
      expect(await messageRow(page, attack).locator('.message-text').textContent()).toBe(attack);
      expect(await page.locator('img, b, script:not([src])').count()).toBe(0);
      expect(await page.evaluate('window.__pwned')).toBeUndefined();
    }
    expect(await inboxRow(desk, 'support:eve').locator('.conversation-title').textContent()).toBe(
      'Eve <script>',
    );
    // Cut by display width, as text.
    expect(await inboxRow(desk, 'support:eve').locator('.conversation-preview').textContent()).toBe(
      truncateWidth(`Eve <script>: ${attack}`, PREVIEW_COLUMNS),
    );
  }, 60_000);

  it('loads older messages on scroll-up', async () => {
    // Prepare: 60 messages, more than the first page of 50.
    const dora = await connectAs(stack, 'dora');
    for (let i = 1; i <= 60; i++) {
      const reply = await dora.request({
        action: 'sendmessage',
        conversationId: 'support:dora',
        text: `message ${i}`,
      });
      expect(reply.type).toBe('ack');
    }
    await dora.close();
    const page = await openConsole('dora', 'Dora');
    await messageRow(page, 'message 60').waitFor();
    const firstPage = await page.locator('li.message').count();

    // Act: scroll the history up with the mouse wheel.
    await page.locator('.scroller').hover();
    await page.mouse.wheel(0, -20_000);
    await page.getByText('Beginning of the conversation').waitFor();

    // Assess
    expect(firstPage).toBe(50);
    const texts = await page.locator('li.message .message-text').allTextContents();
    expect(texts).toEqual(Array.from({ length: 60 }, (_, i) => `message ${i + 1}`));
  }, 60_000);

  it('lets the desk create a room that a student joins; a refused message fails and retries', async () => {
    // Prepare
    const desk = await openConsole('admin', 'Desk');
    const student = await openConsole('frank', 'Frank');
    const secondTab = await openConsole('frank', 'Frank');

    // Act: the desk creates a room; the student joins it.
    await desk.getByLabel('Room title').fill('Library 3F');
    await desk.getByRole('button', { name: 'Create room' }).click();
    await desk.getByRole('heading', { name: 'Library 3F' }).waitFor();
    await student.getByRole('button', { name: 'Refresh rooms' }).click();
    await student.getByRole('button', { name: 'Join Library 3F' }).click();
    await student.getByRole('heading', { name: 'Library 3F' }).waitFor();
    const box = student.getByRole('textbox', MESSAGE_BOX);
    await box.fill('Is anyone here?');
    await box.press('Enter');
    await messageRow(desk, 'Is anyone here?').waitFor();
    // In the other tab the student leaves: the first tab's next message is refused.
    await secondTab.getByRole('button', { name: 'Refresh rooms' }).click();
    await secondTab.locator('button.conversation', { hasText: 'Library 3F' }).click();
    await secondTab.getByRole('button', { name: 'Leave room' }).click();
    await secondTab.getByRole('button', { name: 'Join Library 3F' }).waitFor();
    await box.fill('Still there?');
    await box.press('Enter');
    const failed = messageRow(student, 'Still there?', 'failed');
    await failed.waitFor();
    const label = await failed.locator('.state-label').textContent();
    await secondTab.getByRole('button', { name: 'Join Library 3F' }).click();
    await secondTab.getByRole('heading', { name: 'Library 3F' }).waitFor();
    await failed.getByRole('button', { name: 'Retry' }).click();
    await messageRow(student, 'Still there?', 'stored').waitFor();
    await messageRow(desk, 'Still there?').waitFor();

    // Assess
    // The refusal in words, not the code or the server's message.
    expect(label).toBe('Not sent: you are not allowed to do this');
    const roomId = await desk
      .locator('button.conversation[aria-current="true"]')
      .getAttribute('data-conversation');
    expect(roomId).toMatch(/^room:/);
    expect(await history(roomId as string)).toEqual(['Is anyone here?', 'Still there?']);
    // Whatever seq the refused try took, both screens show the two messages and nothing between.
    for (const page of [desk, student]) {
      expect(await page.locator('li.message .message-text').allTextContents()).toEqual([
        'Is anyone here?',
        'Still there?',
      ]);
    }
  }, 90_000);

  it('has no serious or critical accessibility violations (axe-core)', async () => {
    // Prepare
    const login = await driver.newPage('login');
    await login.goto(stack.urls.console);
    await login.locator('#login-id').waitFor();
    const student = await openConsole('hana', 'Hana');
    await student.getByRole('textbox', MESSAGE_BOX).fill('Hello desk');
    await student.keyboard.press('Enter');
    await messageRow(student, 'Hello desk', 'stored').waitFor();
    const desk = await openConsole('admin', 'Desk');
    await inboxRow(desk, 'support:hana').click();
    await messageRow(desk, 'Hello desk').waitFor();

    // Act
    const results = await Promise.all(
      [login, student, desk].map((page) => new AxeBuilder({ page }).analyze()),
    );

    // Assess
    const serious = results.flatMap((result) =>
      result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    );
    expect(serious).toEqual([]);
    for (const result of results) expect(result.passes.length).toBeGreaterThan(10);
  }, 90_000);
});
