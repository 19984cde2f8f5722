/**
 * Message search in the browser console, in real Chromium pages on the console served by the real
 * local stack (zh locale): staff search a Chinese phrase from the sidebar, the match is marked in
 * the results, and choosing a result deep in a long history opens the conversation scrolled to
 * that message, marked. A student's console finds their own messages and never another's.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../functions/adapters/dynamo-client';
import type { LocalStack } from '../local/local-stack';
import type { Frame } from './support/chat-client';
import type { ConsoleDriver } from './support/console-driver';
import { seedHistory } from './support/seed-history';
import { chromiumPath, SCREENSHOTS, useConsoleSuite, ZH } from './support/console-suite';

let stack: LocalStack;
let driver: ConsoleDriver;
let db: ReturnType<typeof createDocumentClient>;

const suite = useConsoleSuite({ env: { ADMINS: 'wang' } });
beforeAll(() => {
  ({ stack, driver } = suite());
  db = createDocumentClient({ endpoint: stack.dynamodbEndpoint, region: 'us-east-1' });
});

const raw = (name: string, displayName: string) => suite().raw(name, displayName);

afterAll(() => {
  db?.destroy();
});

describe.runIf(chromiumPath)('message search in the browser console', () => {
  it('finds a Chinese phrase and opens the conversation at it, deep in a long history', async () => {
    // Prepare: 小明 asked about booking long ago; 400 messages followed.
    const student = await raw('xiaoming', '小明');
    const asked = await student.request({
      action: 'sendmessage',
      conversationId: 'support:xiaoming',
      text: '老师好，我想预约三楼的自习室',
    });
    const seq = (asked.message as Frame & { seq: number }).seq;
    const filler = Array.from({ length: 400 }, (_, i) => `后来的消息 ${i}`);
    await seedHistory(db, stack.tables, 'support:xiaoming', seq, filler, () => ({
      senderId: 'xiaoming',
      senderName: '小明',
      senderRole: 'student',
    }));
    const other = await raw('xiaohong', '小红');
    await other.request({
      action: 'sendmessage',
      conversationId: 'support:xiaohong',
      text: '我也想预约',
    });

    // Act: 王老师 searches from the sidebar.
    const wang = await driver.openConsole('wang', '王老师', undefined, ZH);
    await wang.getByRole('searchbox', { name: '搜索消息' }).fill('预约');
    await wang.getByRole('button', { name: '搜索', exact: true }).click();

    // Assess: both students' messages, the match marked.
    const hit = wang.locator(
      `.search-hit[data-conversation="support:xiaoming"][data-seq="${seq}"]`,
    );
    await hit.waitFor();
    await expect(hit.locator('mark').textContent()).resolves.toBe('预约');
    await wang.locator('.search-hit[data-conversation="support:xiaohong"]').waitFor();

    // Act: choose the old one.
    await hit.click();

    // Assess: the conversation is open at that message, marked and in view.
    const row = wang.locator(`.messages [data-seq="${seq}"].hit`);
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain('我想预约三楼的自习室');
    await expect(row.isVisible()).resolves.toBe(true);
    const inView = await row.evaluate((element) => {
      const box = element.getBoundingClientRect();
      const scroller = element.closest('.scroller')?.getBoundingClientRect();
      return scroller !== undefined && box.top >= scroller.top && box.bottom <= scroller.bottom;
    });
    expect(inView).toBe(true);
    await wang.screenshot({ path: join(SCREENSHOTS, 'zh-search.png') });

    // A student's console: their own message only.
    const xiaohong = await driver.openConsole('xiaohong', '小红', undefined, ZH);
    await xiaohong.getByRole('searchbox', { name: '搜索消息' }).fill('预约');
    await xiaohong.getByRole('button', { name: '搜索', exact: true }).click();
    await xiaohong.locator('.search-hit[data-conversation="support:xiaohong"]').waitFor();
    await expect(xiaohong.locator('.search-hit').count()).resolves.toBe(1);
  });
});
