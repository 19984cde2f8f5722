/** Display text of both apps in both locales: banner, typing line, counter, badges, times. */
import { describe, expect, it } from 'vitest';
import {
  badgeText,
  bannerFor,
  counterText,
  deskTitle,
  formatRecency,
  formatTime,
  membersText,
  previewText,
  typingText,
} from './display';
import { translator } from './i18n/index';
import { displayWidth, truncateWidth } from './text';

const zh = translator('zh');
const en = translator('en');
const NOW = new Date(2026, 10, 21, 14, 30, 0).getTime();

describe('connection banner', () => {
  it('says online, counts down to the next attempt, and tells a first connect from a reconnect', () => {
    expect(bannerFor(zh, { status: 'online', since: NOW }, NOW)).toEqual({
      status: 'online',
      text: '在线',
      canRetry: false,
    });
    const waiting = {
      status: 'reconnecting',
      attempt: 2,
      retryAt: NOW + 2100,
      delayMs: 2100,
    } as const;
    expect(bannerFor(zh, waiting, NOW)).toEqual({
      status: 'reconnecting',
      text: '3 秒后重新连接…',
      canRetry: true,
    });
    expect(bannerFor(en, waiting, NOW).text).toBe('Reconnecting in 3 s…');
    expect(
      bannerFor(en, { status: 'reconnecting', attempt: 1, retryAt: NOW - 5, delayMs: 0 }, NOW).text,
    ).toBe('Reconnecting in 1 s…');
    expect(bannerFor(zh, { status: 'connecting', attempt: 0, planned: false }, NOW).status).toBe(
      'connecting',
    );
    expect(bannerFor(zh, { status: 'connecting', attempt: 3, planned: false }, NOW).text).toBe(
      '正在重新连接…',
    );
    // The planned refresh before the 2-hour limit is not an outage.
    expect(bannerFor(zh, { status: 'connecting', attempt: 0, planned: true }, NOW).status).toBe(
      'online',
    );
    expect(bannerFor(zh, { status: 'offline', reason: 'network' }, NOW).text).toMatch(
      /^离线：没有网络/,
    );
    expect(bannerFor(en, { status: 'offline', reason: 'network' }, NOW).text).toMatch(
      /^Offline: no network/,
    );
    expect(bannerFor(zh, { status: 'idle' }, NOW).status).toBe('offline');
  });
});

describe('text helpers', () => {
  it('names who is typing', () => {
    const three = [
      { userId: 'a', name: 'Ann' },
      { userId: 'b', name: 'Bo' },
      { userId: 'c', name: 'Cy' },
    ];
    expect(typingText(zh, [])).toBe('');
    expect(typingText(zh, [{ userId: 'admin', name: '服务台' }])).toBe('服务台 正在输入…');
    expect(typingText(zh, three)).toBe('Ann、Bo 和 Cy 正在输入…');
    expect(typingText(en, [{ userId: 'admin', name: 'Desk' }])).toBe('Desk is typing…');
    expect(typingText(en, three)).toBe('Ann, Bo and Cy are typing…');
  });

  it('counts characters against the limit and says by how many it is over', () => {
    expect(counterText(zh, 0, 4000)).toBe('0 / 4000');
    expect(counterText(zh, 4002, 4000)).toBe('4002 / 4000，超出 2 字');
    expect(counterText(en, 4002, 4000)).toBe('4002 / 4000: 2 too many');
  });

  it('counts members with plurals', () => {
    expect([membersText(en, 1), membersText(en, 2), membersText(en, 0)]).toEqual([
      '1 member',
      '2 members',
      '0 members',
    ]);
    expect(membersText(zh, 1)).toBe('1 位成员');
  });

  it('caps badges', () => {
    expect([badgeText(0), badgeText(3), badgeText(100)]).toEqual(['', '3', '99+']);
  });

  it('names the desk in the user’s language unless the campus configured its own name', () => {
    expect(deskTitle(zh, '自习室服务台')).toBe('自习室服务台');
    expect(deskTitle(en, '自习室服务台')).toBe('Study-room desk');
    expect(deskTitle(en, '图书馆服务台')).toBe('图书馆服务台');
  });
});

describe('times and dates', () => {
  const at = (y: number, m: number, d: number, h: number, min: number) =>
    new Date(y, m - 1, d, h, min).toISOString();

  it('stamps messages on a 24-hour clock with Chinese dates', () => {
    expect(formatTime(zh, at(2026, 11, 21, 9, 5), NOW)).toBe('09:05');
    expect(formatTime(zh, at(2026, 11, 20, 23, 59), NOW)).toBe('昨天 23:59');
    expect(formatTime(zh, at(2026, 3, 5, 14, 5), NOW)).toBe('3月5日 14:05');
    expect(formatTime(zh, at(2025, 12, 1, 8, 0), NOW)).toBe('2025年12月1日 08:00');
    expect(formatTime(en, at(2026, 11, 20, 23, 59), NOW)).toBe('Yesterday 23:59');
    expect(formatTime(en, at(2026, 3, 5, 14, 5), NOW)).toBe('Mar 5 14:05');
    expect(formatTime(en, at(2025, 12, 1, 8, 0), NOW)).toBe('Dec 1, 2025 08:00');
    expect(formatTime(zh, 'not a date', NOW)).toBe('');
  });

  it('shows recency in lists', () => {
    expect(formatRecency(zh, new Date(NOW - 20_000).toISOString(), NOW)).toBe('刚刚');
    expect(formatRecency(zh, new Date(NOW - 5 * 60_000).toISOString(), NOW)).toBe('5分钟前');
    expect(formatRecency(zh, at(2026, 11, 21, 9, 5), NOW)).toBe('今天 09:05');
    expect(formatRecency(zh, at(2026, 11, 20, 9, 5), NOW)).toBe('昨天');
    expect(formatRecency(zh, at(2026, 3, 5, 9, 5), NOW)).toBe('3月5日');
    expect(formatRecency(zh, at(2025, 12, 1, 9, 5), NOW)).toBe('2025年12月1日');
    expect(formatRecency(en, new Date(NOW - 20_000).toISOString(), NOW)).toBe('just now');
    expect(formatRecency(en, new Date(NOW - 60_000).toISOString(), NOW)).toBe('1 min ago');
    expect(formatRecency(en, at(2026, 11, 21, 9, 5), NOW)).toBe('Today 09:05');
    expect(formatRecency(en, at(2025, 12, 1, 9, 5), NOW)).toBe('Dec 1, 2025');
  });
});

describe('previews by display width', () => {
  it('counts a hanzi as two columns and never cuts a character or an emoji in half', () => {
    expect(displayWidth('ab')).toBe(2);
    expect(displayWidth('自习')).toBe(4);
    expect(displayWidth('😀')).toBe(2);
    expect(truncateWidth('自习室三楼开放到几点', 9)).toBe('自习室三…');
    expect(truncateWidth('😀😀😀😀', 6)).toBe('😀😀…');
    expect(truncateWidth('short', 9)).toBe('short');
  });

  it('fits a row of Chinese text', () => {
    const preview = previewText(
      zh,
      { senderName: '服务台', text: '三楼自习室今天开放到晚上十点，请带好学生卡。' },
      20,
    );
    expect(preview).toBe('服务台：三楼自习室…');
    expect(displayWidth(preview)).toBeLessThanOrEqual(20);
    expect(previewText(en, { senderName: 'Desk', text: 'Until 22:00' })).toBe('Desk: Until 22:00');
  });

  it('shows an image message as [图片], before its caption, and a removed one as its tombstone', () => {
    expect(previewText(zh, { senderName: 'Pia', text: '', image: true })).toBe('Pia：[图片]');
    expect(previewText(zh, { senderName: 'Pia', text: '座位坏了', image: true })).toBe(
      'Pia：[图片] 座位坏了',
    );
    expect(previewText(en, { senderName: 'Pia', text: '', image: true })).toBe('Pia: [Picture]');
    expect(previewText(zh, { senderName: 'Pia', text: '', image: true, recalled: 'admin' })).toBe(
      'Pia：已被管理员删除',
    );
  });
});
