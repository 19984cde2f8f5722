/**
 * The rooms page of the built mini-program, loaded headless with miniprogram-simulate against the
 * real local stack: an admin creates a room, leaves it and joins it again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/local-stack';
import { startTestStack } from '../../test/support/test-stack';
import { type BuiltMiniProgram, buildAndLogin, type SimulatedPage } from './page-harness';
import { screenshotPage } from './screenshot';
import { waitFor } from './wx-shim';

let stack: LocalStack;
let app: BuiltMiniProgram;
let page: SimulatedPage;

/** Rendered rows: title, members, the button offered. */
function rows(): string[][] {
  return [...page.dom.querySelectorAll('[class*="--room-row"]')].map((row) => [
    row.querySelector('[class$="--title"]')?.textContent ?? '',
    row.querySelector('[class*="--muted"]')?.textContent ?? '',
    row.querySelector('[class*="--leave"]') ? 'Leave' : 'Join',
  ]);
}

beforeAll(async () => {
  stack = await startTestStack();
  app = await buildAndLogin(stack, 'admin', 'Desk');
  page = app.render('pages/rooms/index');
  await page.instance.onLoad?.();
});

afterAll(async () => {
  await app?.dispose();
  await stack?.stop();
});

describe('rooms page (desk admin)', () => {
  it('creates a room, then leaves and joins it again', async () => {
    // Act: create.
    page.querySelector('#room-title')?.dispatchEvent('input', { detail: { value: 'Library 3F' } });
    await waitFor(() => page.instance.data.title === 'Library 3F', 'the title');
    page.querySelector('#create')?.dispatchEvent('tap');
    await waitFor(() => rows().length === 1, 'the new room');
    const created = rows();

    // Act: leave (the confirmation is accepted), then join.
    page.querySelector('.leave')?.dispatchEvent('tap');
    await waitFor(() => rows()[0]?.[2] === 'Join', 'the room to be left');
    const left = rows();
    page.querySelector('.join')?.dispatchEvent('tap');
    await waitFor(() => rows()[0]?.[2] === 'Leave', 'the room to be joined');

    // Assess
    expect(created).toEqual([['Library 3F', '1 位成员', 'Leave']]);
    expect(left).toEqual([['Library 3F', '0 位成员', 'Join']]);
    expect(rows()).toEqual([['Library 3F', '1 位成员', 'Leave']]);
    expect(page.instance.data.title).toBe('');
    expect(page.instance.data.t).toMatchObject({ join: '加入', leave: '退出', create: '创建' });
    expect(app.shim.titles).toContain('自习室群聊');
    await screenshotPage(app, page, 'zh-rooms');
  });

  it('joins a room that is tapped before joining, then opens it', async () => {
    // Prepare: not a member any more.
    page.querySelector('.leave')?.dispatchEvent('tap');
    await waitFor(() => rows()[0]?.[2] === 'Join', 'the room to be left');
    const navigationsBefore = app.shim.navigations.length;

    // Act: tap the room itself, not the Join button.
    page.querySelector('.info')?.dispatchEvent('tap');
    await waitFor(() => app.shim.navigations.length > navigationsBefore, 'the chat to open');
    await waitFor(() => rows()[0]?.[2] === 'Leave', 'the room to show as joined');

    // Assess
    const opened = app.shim.navigations[app.shim.navigations.length - 1] ?? '';
    expect(opened).toMatch(/^\/pages\/chat\/index\?id=room%3A/);
    expect(decodeURIComponent(opened.split('title=')[1] ?? '')).toBe('Library 3F');
    expect(rows()).toEqual([['Library 3F', '1 位成员', 'Leave']]);
  });
});
