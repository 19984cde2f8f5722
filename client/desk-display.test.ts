/** The desk's words and rules shared by the console and the mini-program. */
import { describe, expect, it } from 'vitest';
import {
  byLongestWaiting,
  deskActions,
  deskCountText,
  deskHoldsConversations,
  deskLine,
  deskStateTab,
  deskStatusText,
  inDeskFilter,
  selectDeskFilter,
  waitingAfter,
  waitingText,
} from './desk-display';
import { translator } from './i18n/index';

const zh = translator('zh');
const en = translator('en');
const NOW = Date.parse('2026-11-21T14:30:00Z');
const ago = (minutes: number) => new Date(NOW - minutes * 60_000).toISOString();

describe('desk display', () => {
  it('caps counts at the server’s 99 as "99+"', () => {
    expect(deskCountText(undefined)).toBe('');
    expect(deskCountText(3)).toBe('3');
    expect(deskCountText(98)).toBe('98');
    expect(deskCountText(99)).toBe('99+');
    expect(deskStateTab(zh, 'resolved', 99)).toBe('已解决 99+');
    expect(deskStateTab(zh, 'open', undefined)).toBe('待处理');
    expect(deskStateTab(en, 'open', 2)).toMatch(/2$/);
  });

  it('tells an empty filter from an empty desk by the counts of every state', () => {
    expect(deskHoldsConversations(undefined)).toBe(false);
    expect(deskHoldsConversations({ open: 0, claimed: 0, resolved: 0 })).toBe(false);
    expect(deskHoldsConversations({ open: 0, claimed: 1, resolved: 0 })).toBe(true);
    expect(deskHoldsConversations({ open: 0, claimed: 0, resolved: 99 })).toBe(true);
  });

  it('words the waiting time and the inbox line', () => {
    expect(waitingText(zh, undefined, NOW)).toBe('');
    expect(waitingText(zh, ago(0), NOW)).toBe('刚刚开始等待');
    expect(waitingText(zh, ago(5), NOW)).toBe('已等待 5 分钟');
    expect(waitingText(zh, ago(130), NOW)).toBe('已等待 2 小时');
    expect(waitingText(zh, ago(60 * 50), NOW)).toBe('已等待 2 天');
    const claimed = { deskState: 'claimed' as const, ownerId: 'wang', ownerName: '王老师' };
    expect(deskLine(zh, { ...claimed, waitingSince: ago(5) }, 'li', NOW)).toBe(
      '处理中 · 王老师 · 已等待 5 分钟',
    );
    expect(deskLine(zh, claimed, 'wang', NOW)).toBe('处理中 · 我正在处理');
    expect(deskLine(zh, {}, 'wang', NOW)).toBe('');
  });

  it('says who has it and offers the actions that apply', () => {
    const wang = { state: 'claimed' as const, ownerId: 'wang', ownerName: '王老师' };
    expect(deskStatusText(zh, { state: 'open' }, 'li')).toBe('待处理 · 未分配');
    expect(deskStatusText(zh, wang, 'li')).toBe('处理中 · 由 王老师 处理');
    expect(deskStatusText(zh, wang, 'wang')).toBe('处理中 · 我正在处理');
    expect(deskStatusText(zh, { ...wang, state: 'resolved' }, 'li')).toBe('已解决 · 王老师 已解决');
    expect(deskActions({ state: 'open' }, 'li')).toEqual(['claim', 'resolve', 'transfer']);
    expect(deskActions(wang, 'wang')).toEqual(['release', 'resolve', 'transfer']);
    // A colleague's: claiming is offered (the server names the owner), handing it over is not.
    expect(deskActions(wang, 'li')).toEqual(['claim', 'resolve']);
    expect(deskActions({ ...wang, state: 'resolved' }, 'li')).toEqual(['claim', 'transfer']);
  });

  it('keeps the filter consistent: unassigned is waiting, mine is never waiting', () => {
    const all = { state: 'open' as const, owner: 'all' as const };
    expect(selectDeskFilter(all, { owner: 'mine' })).toEqual({ state: 'claimed', owner: 'mine' });
    expect(selectDeskFilter({ state: 'claimed', owner: 'mine' }, { owner: 'unassigned' })).toEqual({
      state: 'open',
      owner: 'unassigned',
    });
    expect(selectDeskFilter({ state: 'claimed', owner: 'mine' }, { state: 'open' })).toEqual(all);
    expect(selectDeskFilter({ state: 'open', owner: 'unassigned' }, { state: 'resolved' })).toEqual(
      { state: 'resolved', owner: 'all' },
    );
    expect(
      inDeskFilter(
        { deskState: 'claimed', ownerId: 'wang' },
        { state: 'claimed', owner: 'mine' },
        'wang',
      ),
    ).toBe(true);
    expect(
      inDeskFilter(
        { deskState: 'claimed', ownerId: 'li' },
        { state: 'claimed', owner: 'mine' },
        'wang',
      ),
    ).toBe(false);
    expect(inDeskFilter({}, { state: 'open', owner: 'unassigned' }, 'wang')).toBe(true);
  });

  it('orders longest waiting first and follows waiting-since through messages', () => {
    const items = [
      { id: 'a', lastActivityAt: ago(1) },
      { id: 'b', lastActivityAt: ago(2), waitingSince: ago(2) },
      { id: 'c', lastActivityAt: ago(1), waitingSince: ago(9) },
      { id: 'd', lastActivityAt: ago(0) },
    ];
    expect(byLongestWaiting(items).map((i) => i.id)).toEqual(['c', 'b', 'd', 'a']);
    const support = { kind: 'support' as const, waitingSince: ago(9) };
    expect(waitingAfter(support, { senderRole: 'student', sentAt: ago(0) })).toEqual({
      waitingSince: ago(9),
    });
    expect(waitingAfter(support, { senderRole: 'admin', sentAt: ago(0) })).toEqual({
      waitingSince: undefined,
    });
    expect(waitingAfter({ kind: 'room' }, { senderRole: 'student', sentAt: ago(0) })).toEqual({});
  });
});
