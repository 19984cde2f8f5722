/**
 * 统计 in the browser console, in a real Chromium page on the console served by the real local
 * stack (zh locale): a student's conversation is claimed, answered and resolved over real
 * WebSockets; the manager opens the panel, sees the figures as text and the chart (its title and
 * description), and downloads the CSV export (a Blob download fetched with the bearer token).
 * The screenshot goes to test-results/console/ (docs/img/zh-console-stats.png is a copy).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleDriver } from './support/console-driver';
import { chromiumPath, SCREENSHOTS, useConsoleSuite, ZH } from './support/console-suite';

let driver: ConsoleDriver;

const suite = useConsoleSuite({ env: { ADMINS: 'boss', DESK_HOURS: 'Mon-Sun 00:00-24:00' } });
beforeAll(() => {
  ({ driver } = suite());
});

const raw = (name: string, displayName: string) => suite().raw(name, displayName);

describe.runIf(chromiumPath)('统计 in the browser console', () => {
  it('shows a manager the figures and chart, and downloads the CSV export', async () => {
    // Prepare: one case, claimed, answered and resolved by the manager.
    const boss = await raw('boss', '张主任');
    const student = await raw('stat-stu', '小红');
    const id = 'support:stat-stu';
    expect(
      (await student.request({ action: 'sendmessage', conversationId: id, text: '在吗' })).type,
    ).toBe('ack');
    expect((await boss.request({ action: 'claim', conversationId: id })).type).not.toBe('error');
    expect(
      (await boss.request({ action: 'sendmessage', conversationId: id, text: '在' })).type,
    ).toBe('ack');
    expect((await boss.request({ action: 'resolve', conversationId: id })).type).not.toBe('error');
    const page = await driver.openConsole('boss', '张主任', undefined, ZH);

    // Act
    await page.locator('.stats button', { hasText: '查看' }).click();
    await page.locator('.stats-figures').waitFor();
    const figures = await page.locator('.stats-figures').innerText();
    const title = await page.locator('.stats-chart title').textContent();
    const desc = await page.locator('.stats-chart desc').textContent();
    const bars = await page.locator('.stats-chart rect').count();
    await page.locator('.stats').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'zh-console-stats.png') });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('.stats button', { hasText: '导出 CSV' }).click(),
    ]);
    const csv = readFileSync(String(await download.path()), 'utf8');

    // Assess
    expect(figures).toContain('会话数');
    expect(figures).toContain('100%');
    expect(title).toBe('每日会话数');
    expect(desc).toContain('共 1 个');
    expect(bars).toBe(7);
    expect(download.suggestedFilename()).toMatch(
      /^campus-chat-\d{4}-\d\d-\d\d_\d{4}-\d\d-\d\d\.csv$/,
    );
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv).toContain('support:stat-stu,小红,');
    expect(csv).toContain('张主任');
    await page.locator('.stats [role="status"]', { hasText: '已导出' }).waitFor();
    expect(await page.locator('#stats-text').isVisible()).toBe(true);
  });

  it('offers the message text only to managers', async () => {
    // Prepare: 王老师 on the staff, not a manager.
    const boss = await raw('boss', '张主任');
    await raw('stat-wang', '王老师');
    const added = await boss.request({
      action: 'setstaff',
      op: 'add',
      userId: 'stat-wang',
      role: 'staff',
    });
    expect(added.type).toBe('staff');

    // Act
    const page = await driver.openConsole('stat-wang', '王老师', undefined, ZH);
    await page.locator('.stats button', { hasText: '导出 CSV' }).waitFor();
    await page.locator('.staff-member[data-staff="stat-wang"]').waitFor({ state: 'attached' });

    // Assess: the option is not offered (the server would refuse it anyway).
    expect(await page.locator('#stats-text').isVisible()).toBe(false);
  });
});
