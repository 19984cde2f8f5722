/**
 * Recall and moderation in the browser console, in real Chromium pages on the console served by
 * the real local stack: a student recalls her own message; a reported message reaches the desk's
 * list of reports, and removing it there turns it into a tombstone on the student's screen.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../local/local-stack';
import { findChromium, launchChromium } from './support/browser';
import { type ChatTestClient, connectAs, type Frame } from './support/chat-client';
import { ConsoleDriver, messageRow } from './support/console-driver';
import { startTestStack } from './support/test-stack';

const chromiumPath = findChromium();
if (!chromiumPath && process.env.CI) {
  throw new Error('CI must run the browser console tests: no Chromium found (.ci/run installs it)');
}

const MESSAGE_BOX = { name: 'Message' } as const;

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
});

afterAll(async () => {
  await browser?.close();
  await desk2?.close();
  await stack?.stop();
});

afterEach(async () => {
  if (driver) expect(await driver.closeAll()).toEqual([]);
});

async function say(page: Page, text: string): Promise<void> {
  await page.getByRole('textbox', MESSAGE_BOX).fill(text);
  await page.getByRole('button', { name: 'Send' }).click();
  await messageRow(page, text, 'stored').waitFor();
}

describe.runIf(chromiumPath)('moderation in the browser console', () => {
  it('lets a student recall her message and the desk remove a reported one', async () => {
    // Prepare: mona writes twice; another admin reports the second message.
    const student = await driver.openConsole('mona', 'Mona');
    await student.getByRole('heading', { name: 'Study-room desk' }).waitFor();
    await say(student, 'wrong window, sorry');
    await say(student, 'buy cheap essays here');
    const sync = await desk2.request({ action: 'sync', conversationId: 'support:mona' });
    const [first, second] = sync.messages as Frame[];
    const reported = await desk2.request({
      action: 'report',
      conversationId: 'support:mona',
      seq: second?.seq,
      reason: 'spam',
    });
    const recalledAtDesk = desk2.waitNew((f) => f.type === 'recalled' && f.seq === first?.seq);

    // Act: mona recalls the first; the desk removes the reported one from its list of reports.
    await messageRow(student, 'wrong window, sorry')
      .locator('button[data-action="recall"]')
      .click();
    await student.locator('.message-text.recalled').getByText('Message recalled').waitFor();
    await recalledAtDesk;
    const desk = await driver.openConsole('admin', 'Desk');
    const report = desk.locator(`li.report[data-report="${String(reported.reportId)}"]`);
    await report.getByText('buy cheap essays here').waitFor();
    await report.locator('button[data-action="remove"]').click();
    await report.waitFor({ state: 'detached' });
    await student.locator('.message-text.recalled').getByText('Removed by an admin').waitFor();
    const after = await desk2.request({ action: 'sync', conversationId: 'support:mona' });
    const reports = await desk2.request({ action: 'reports' });

    // Assess
    expect(reported.type).toBe('reported');
    expect((after.messages as Frame[]).map((m) => [m.seq, m.text, m.recalled])).toEqual([
      [first?.seq, '', 'sender'],
      [second?.seq, '', 'admin'],
    ]);
    expect(reports.reports).toEqual([]);
    await expect(messageRow(student, 'buy cheap essays here').count()).resolves.toBe(0);
  });
});
