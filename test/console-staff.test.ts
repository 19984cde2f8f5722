/**
 * 人员管理 in the browser console, in real Chromium pages on the console served by the real local
 * stack (zh locale): a manager adds a staff member by user id, promotes and demotes them (their
 * own console follows live: the manage tools appear and go), refusals in the catalog's words, the
 * away toggle (live in the manager's list), the audit log; a removal ends the member's desk in
 * their open console; an invitation created in the console and accepted by a student shows up
 * live. Screenshots go to test-results/console/ (docs/img/zh-console-staff.png is a copy).
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../local/local-stack';
import { login } from './support/chat-client';
import type { ConsoleDriver } from './support/console-driver';
import { inboxRow } from './support/console-driver';
import { chromiumPath, SCREENSHOTS, useConsoleSuite, ZH } from './support/console-suite';
import { STAFF_INVITE_SECONDS } from '../protocol/staff-invites';

let stack: LocalStack;
let driver: ConsoleDriver;

const suite = useConsoleSuite({ env: { ADMINS: 'boss' } });
beforeAll(() => {
  ({ stack, driver } = suite());
});

const raw = (name: string, displayName: string) => suite().raw(name, displayName);

/** The console of `userId`, with 人员管理 open. */
async function staffPanel(userId: string, name: string): Promise<Page> {
  const page = await driver.openConsole(userId, name, undefined, ZH);
  await page.locator('#staff-panel > summary').click();
  await page.locator(`.staff-member[data-staff="${userId}"]`).waitFor();
  return page;
}

const row = (page: Page, userId: string) => page.locator(`.staff-member[data-staff="${userId}"]`);

describe.runIf(chromiumPath)('人员管理 in the browser console', () => {
  it('adds, promotes and demotes (live in the member’s console), toggles away, keeps the log', async () => {
    // Prepare: 唐老师 logged in once (as a student); 张主任 is the manager ADMINS seeded.
    await login(stack, 'tina', '唐老师');
    const boss = await staffPanel('boss', '张主任');
    await row(boss, 'boss').locator('.staff-role', { hasText: '管理员' }).waitFor();

    // Act: add by id; then refusals (never logged in, already staff).
    await boss.locator('#staff-user').fill('tina');
    await boss.locator('.staff-add button[type="submit"]').click();
    await row(boss, 'tina').locator('.staff-role', { hasText: '工作人员' }).waitFor();
    await boss.locator('#staff-user').fill('nobody');
    await boss.locator('.staff-add button[type="submit"]').click();
    await boss
      .locator('#staff-panel > .error', { hasText: '找不到此用户：对方需要先登录一次小程序' })
      .waitFor();
    await boss.locator('#staff-user').fill('tina');
    await boss.locator('.staff-add button[type="submit"]').click();
    await boss.locator('#staff-panel > .error', { hasText: '对方已是服务台人员' }).waitFor();

    // Assess: 唐老师's console is the desk's, her panel read-only.
    const tina = await staffPanel('tina', '唐老师');
    await tina
      .locator('#staff-panel .muted', { hasText: '只有管理员可以修改人员名单。' })
      .waitFor();
    await expect(tina.locator('.staff-add').isVisible()).resolves.toBe(false);
    await expect(row(tina, 'tina').locator('.staff-added').textContent()).resolves.toContain(
      '张主任 添加于',
    );

    // Act + assess: promoted, her console gets the manage tools live; demoted, they go.
    await row(boss, 'tina').locator('[data-staff-action="promote"]').click();
    await tina.locator('#staff-panel[data-manager="true"] .staff-add').waitFor();
    await row(tina, 'tina').locator('.staff-role', { hasText: '管理员' }).waitFor();
    await row(boss, 'tina').locator('[data-staff-action="demote"]').click();
    await tina.locator('#staff-panel[data-manager="false"]').waitFor();
    await expect(tina.locator('.staff-add').isVisible()).resolves.toBe(false);

    // Act + assess: away and back, live in the manager's list.
    await tina.locator('.away-toggle', { hasText: '我的状态：在岗' }).waitFor();
    await tina.locator('[data-away-toggle]').click();
    await tina.locator('.away-toggle[data-status="away"]', { hasText: '我的状态：暂离' }).waitFor();
    await row(boss, 'tina').locator('.staff-status', { hasText: '暂离' }).waitFor();
    await tina.locator('[data-away-toggle]', { hasText: '恢复在岗' }).click();
    await row(boss, 'tina').locator('.staff-status', { hasText: '在岗' }).waitFor();

    // Assess: the audit log, newest first.
    await boss.locator('.staff-audit summary').click();
    const log = boss.locator('.staff-audit-list li');
    await log.nth(5).waitFor();
    await expect(log.evaluateAll((items) => items.map((i) => i.dataset.change))).resolves.toEqual([
      'back',
      'away',
      'demote',
      'promote',
      'add',
      'seed',
    ]);
    await expect(log.nth(4).textContent()).resolves.toContain('张主任 添加了 唐老师（工作人员）');
    await boss.locator('[data-invite-role="staff"]').click();
    await boss.locator('.staff-invite-code svg.qr-code').waitFor();
    await boss.setViewportSize({ width: 1100, height: 1500 });
    await boss.screenshot({ path: join(SCREENSHOTS, 'zh-console-staff.png') });

    // Act + assess: the last manager cannot step down.
    await row(boss, 'boss').locator('[data-staff-action="demote"]').click();
    await boss.locator('#staff-panel > .error', { hasText: '至少要保留一位管理员' }).waitFor();
  });

  it('a removal ends the member’s desk in their open console', async () => {
    // Prepare: 林老师 is staff, her console on the desk's inbox with a waiting student.
    const bossRaw = await raw('boss', '张主任');
    await login(stack, 'rita', '林老师');
    await bossRaw.request({ action: 'setstaff', op: 'add', userId: 'rita', role: 'staff' });
    const student = await raw('xiaoming', '小明');
    await student.request({
      action: 'sendmessage',
      conversationId: 'support:xiaoming',
      text: '请问还有空位吗？',
    });
    const rita = await staffPanel('rita', '林老师');
    await inboxRow(rita, 'support:xiaoming').waitFor();
    const boss = await staffPanel('boss', '张主任');

    // Act: remove, confirmed in place.
    await row(boss, 'rita').locator('[data-staff-action="remove"]').click();
    await row(boss, 'rita')
      .locator('.staff-confirm', { hasText: '确定将 林老师 移出服务台？' })
      .waitFor();
    await row(boss, 'rita').locator('[data-staff-action="confirm-remove"]').click();

    // Assess: gone from the list; her console is back at login, saying why; no desk left.
    await row(boss, 'rita').waitFor({ state: 'detached' });
    await rita.locator('.scan-status', { hasText: '你已不再是服务台人员，请重新登录。' }).waitFor();
    await expect(rita.locator('.login-form').isVisible()).resolves.toBe(true);
    await expect(inboxRow(rita, 'support:xiaoming').count()).resolves.toBe(0);
    const again = await login(stack, 'rita');
    expect(again.user.role).toBe('student');
  });

  it('an invitation created in the console and accepted by a student shows up live', async () => {
    // Prepare
    const boss = await staffPanel('boss', '张主任');
    const student = await raw('xiaohong', '小红');

    // Act: a manager's invitation; the student accepts what the QR code says.
    await boss.locator('[data-invite-role="manager"]').click();
    const code = boss.locator('.staff-invite-code[data-role="manager"]');
    await code.locator('svg.qr-code').waitFor();
    await code.locator('p', { hasText: '10 分钟内有效，只能使用一次' }).waitFor();
    const text = await code.getAttribute('data-code');
    const accepted = await student.request({ action: 'acceptinvite', code: text });

    // Assess
    expect(accepted).toMatchObject({ type: 'invited', role: 'manager', inviterName: '张主任' });
    await row(boss, 'xiaohong').locator('.staff-role', { hasText: '管理员' }).waitFor();
    await expect(row(boss, 'xiaohong').locator('.staff-added').textContent()).resolves.toContain(
      '张主任 添加于',
    );
  });

  it('takes an invitation off the screen once it has expired', async () => {
    // Prepare: the page's timers on a clock the test moves (Playwright's clock; time still flows).
    const boss = await staffPanel('boss', '张主任');
    await boss.clock.install();
    await boss.locator('[data-invite-role="staff"]').click();
    const code = boss.locator('.staff-invite-code[data-role="staff"]');
    await code.locator('svg.qr-code').waitFor();

    // Act: just before and then just after the invitation's lifetime.
    await boss.clock.fastForward(STAFF_INVITE_SECONDS * 1000 - 5_000);
    const before = await code.locator('svg.qr-code').count();
    await boss.clock.fastForward(10_000);

    // Assess
    expect(before).toBe(1);
    await code.locator('p', { hasText: '邀请二维码已过期，请重新生成。' }).waitFor();
    expect(await code.locator('svg.qr-code').count()).toBe(0);
    expect(await code.getAttribute('data-code')).toBeNull();
  });
});
