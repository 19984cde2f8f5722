/**
 * The desk's workflow in the browser console, in real Chromium pages on the console served by the
 * real local stack (zh locale): a staff member claims a waiting conversation from its desk line, a
 * colleague's console updates live and a colleague's late claim is refused with the owner's name,
 * the student is told who is serving; a canned reply is picked with "/" and the keyboard and sent.
 * Screenshots go to test-results/console/ (docs/img/ holds copies for docs/console.md).
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Frame } from './support/chat-client';
import type { ConsoleDriver } from './support/console-driver';
import { inboxRow, messageRow } from './support/console-driver';
import { chromiumPath, SCREENSHOTS, useConsoleSuite, ZH } from './support/console-suite';

let driver: ConsoleDriver;

const suite = useConsoleSuite({ env: { ADMINS: 'admin,wang,li' } });
beforeAll(() => {
  ({ driver } = suite());
});

const raw = (name: string, displayName: string) => suite().raw(name, displayName);

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

describe.runIf(chromiumPath)("the desk's workflow in the browser console", () => {
  it('claims from the desk line, live for colleagues and the student, and inserts a canned reply', async () => {
    // Prepare: a student waiting; a canned reply the desk keeps; 李老师 watching in her console.
    const student = await raw('xiaoming', '小明');
    await student.request({
      action: 'sendmessage',
      conversationId: 'support:xiaoming',
      text: '请问三楼自习室几点开门？',
    });
    const liRaw = await raw('li', '李老师');
    await liRaw.request({
      action: 'savecannedreply',
      title: '开放时间',
      text: '自习室每天 8:00–22:00 开放，节假日另行通知。',
    });
    await liRaw.request({
      action: 'savecannedreply',
      title: '预约规则',
      text: '每人每天最多预约 4 小时。',
    });
    const li = await driver.openConsole('li', '李老师', undefined, ZH);
    await inboxRow(li, 'support:xiaoming').click();
    await li.locator('.desk-bar[data-desk-state="open"]').waitFor();
    const wang = await driver.openConsole('wang', '王老师', undefined, ZH);
    const row = inboxRow(wang, 'support:xiaoming');
    await row.locator('.desk-line', { hasText: '待处理' }).waitFor();
    await row.locator('.desk-line[data-waiting="true"]', { hasText: '开始等待' }).waitFor();
    await row.click();
    const serving = student.waitNew((f) => f.type === 'deskstate' && f.state === 'claimed');

    // Act: 王老师 claims.
    await wang.locator('button[data-desk-action="claim"]').click();

    // Assess: his desk line, 李老师's console live, the student's frame, a late claim refused.
    await wang
      .locator('.desk-bar[data-desk-state="claimed"] .desk-status', { hasText: '我正在处理' })
      .waitFor();
    await li.locator('.desk-bar .desk-status', { hasText: '由 王老师 处理' }).waitFor();
    await li.locator('.notice', { hasText: '王老师 接待了' }).waitFor();
    const toStudent = await serving;
    expect(toStudent).toMatchObject({ ownerName: '王老师' });
    expect(toStudent.ownerId).toBeUndefined();
    await li.locator('button[data-desk-action="claim"]').click();
    await li.locator('.notice', { hasText: '王老师 已在处理这个会话' }).waitFor();
    await li.getByRole('button', { name: '我的' }).click();
    await expect(inboxRow(li, 'support:xiaoming').count()).resolves.toBe(0);
    // Her filter hides the desk's one conversation: the filter is empty, not the inbox.
    const empty = li.locator('.empty-state');
    await empty.locator('.empty-title', { hasText: '没有符合筛选的会话' }).waitFor();
    await expect(empty.locator('.muted').textContent()).resolves.toBe(
      '收件箱里还有其他会话，切换上面的标签查看。',
    );
    await screenshot(li, 'zh-desk-filter-empty');
    await screenshot(wang, 'zh-desk-claimed');

    // Act: "/" opens the canned replies; typing filters, ↓ and Enter insert, then send.
    const box = wang.locator('textarea#message');
    await box.click();
    await box.pressSequentially('/');
    const picker = wang.locator('.canned-picker');
    await picker.locator('.canned-option').nth(1).waitFor();
    await expect(picker.locator('.canned-option').count()).resolves.toBe(2);
    await box.pressSequentially('开放');
    await expect(picker.locator('.canned-option').count()).resolves.toBe(1);
    await box.press('Backspace');
    await box.press('Backspace');
    await box.press('ArrowDown');
    await expect(
      picker.locator('.canned-option[aria-selected="true"]').textContent(),
    ).resolves.toContain('预约规则');
    await box.press('ArrowUp');
    await screenshot(wang, 'zh-desk-canned');
    await box.press('Enter');
    await expect(box.inputValue()).resolves.toBe('自习室每天 8:00–22:00 开放，节假日另行通知。');
    await expect(picker.isHidden()).resolves.toBe(true);
    const delivered = student.waitNew((f) => f.type === 'message');
    await box.press('Enter');
    await messageRow(wang, '自习室每天 8:00–22:00 开放，节假日另行通知。', 'stored').waitFor();
    expect(((await delivered).message as Frame).text).toBe(
      '自习室每天 8:00–22:00 开放，节假日另行通知。',
    );
  }, 120_000);

  it('shows the student who is serving them', async () => {
    const wang = await raw('wang', '王老师');
    const student = await driver.openConsole('xiaohong', '小红', undefined, ZH);
    await student.locator('textarea#message').fill('你好');
    await student.locator('textarea#message').press('Enter');
    await messageRow(student, '你好', 'stored').waitFor();
    await wang.request({ action: 'claim', conversationId: 'support:xiaohong' });
    const line = student.locator('.desk-bar .desk-status', { hasText: '王老师 正在为你服务' });
    await line.waitFor();
    // A student's desk line has no staff actions.
    await expect(student.locator('[data-desk-action]').count()).resolves.toBe(0);
    await screenshot(student, 'zh-student-serving');
  }, 60_000);
});
