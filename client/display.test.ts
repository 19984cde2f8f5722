/** The console's display text: banner, typing line, counter, badges, times. */
import { describe, expect, it } from 'vitest';
import { badgeText, bannerFor, counterText, formatTime, typingText } from './display';

const NOW = new Date(2026, 10, 21, 14, 30, 0).getTime();

describe('connection banner', () => {
  it('says online, counts down to the next attempt, and tells a first connect from a reconnect', () => {
    expect(bannerFor({ status: 'online', since: NOW }, NOW)).toEqual({
      status: 'online',
      text: 'Online',
      canRetry: false,
    });
    expect(
      bannerFor({ status: 'reconnecting', attempt: 2, retryAt: NOW + 2100, delayMs: 2100 }, NOW),
    ).toEqual({ status: 'reconnecting', text: 'Reconnecting in 3 s…', canRetry: true });
    expect(
      bannerFor({ status: 'reconnecting', attempt: 1, retryAt: NOW - 5, delayMs: 0 }, NOW).text,
    ).toBe('Reconnecting in 1 s…');
    expect(bannerFor({ status: 'connecting', attempt: 0, planned: false }, NOW).status).toBe(
      'connecting',
    );
    expect(bannerFor({ status: 'connecting', attempt: 3, planned: false }, NOW).text).toBe(
      'Reconnecting…',
    );
    // The planned refresh before the 2-hour limit is not an outage.
    expect(bannerFor({ status: 'connecting', attempt: 0, planned: true }, NOW).status).toBe(
      'online',
    );
    expect(bannerFor({ status: 'offline', reason: 'network' }, NOW)).toMatchObject({
      status: 'offline',
      text: expect.stringMatching(/^Offline: no network/),
    });
    expect(bannerFor({ status: 'idle' }, NOW).status).toBe('offline');
  });
});

describe('text helpers', () => {
  it('names who is typing', () => {
    expect(typingText([])).toBe('');
    expect(typingText([{ userId: 'admin', name: 'Desk' }])).toBe('Desk is typing…');
    expect(
      typingText([
        { userId: 'a', name: 'Ann' },
        { userId: 'b', name: 'Bo' },
        { userId: 'c', name: 'Cy' },
      ]),
    ).toBe('Ann, Bo and Cy are typing…');
  });

  it('counts characters against the limit and says by how many it is over', () => {
    expect(counterText(0, 4000)).toBe('0 / 4000');
    expect(counterText(4000, 4000)).toBe('4000 / 4000');
    expect(counterText(4002, 4000)).toBe('4002 / 4000: 2 too many');
  });

  it('caps badges and formats times for today and other days', () => {
    expect([badgeText(0), badgeText(3), badgeText(100)]).toEqual(['', '3', '99+']);
    expect(formatTime(new Date(2026, 10, 21, 9, 5).toISOString(), NOW)).toBe('09:05');
    expect(formatTime(new Date(2026, 10, 20, 23, 59).toISOString(), NOW)).toBe('11-20 23:59');
    expect(formatTime('not a date', NOW)).toBe('');
  });
});
