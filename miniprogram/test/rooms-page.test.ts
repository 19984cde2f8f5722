/**
 * The rooms page of the built mini-program, loaded headless with miniprogram-simulate against the
 * real local stack: an admin creates a room, leaves it and joins it again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/local-stack';
import { startTestStack } from '../../test/support/test-stack';
import { type BuiltMiniProgram, buildAndLogin, type SimulatedPage } from './page-harness';
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
    expect(created).toEqual([['Library 3F', '1 members', 'Leave']]);
    expect(left).toEqual([['Library 3F', '0 members', 'Join']]);
    expect(rows()).toEqual([['Library 3F', '1 members', 'Leave']]);
    expect(page.instance.data.title).toBe('');
  });
});
