/** The staff desk's pure helpers: filter tabs, colleagues to transfer to, the query's state, diffs. */
import { describe, expect, it } from 'vitest';
import { type StaffMember, translator } from '../core';
import { changedFields } from './chat-window';
import { deskTabs } from './desk-lines';
import { colleagueRows, deskInfoFromQuery } from './desk-workflow';

const zh = translator('zh');
const en = translator('en');

function member(userId: string, name: string, status: 'active' | 'away'): StaffMember {
  return {
    userId,
    name,
    role: 'staff',
    status,
    addedBy: 'ADMINS',
    addedAt: '2026-11-21T00:00:00Z',
  };
}

describe('desk helpers', () => {
  it('builds the filter tabs with counts capped at 99+, in both languages', () => {
    const tabs = deskTabs(
      zh,
      { state: 'claimed', owner: 'mine' },
      { open: 3, claimed: 1, resolved: 99 },
    );
    expect(tabs.owners).toEqual([
      { value: 'mine', label: '我的', selected: true },
      { value: 'unassigned', label: '未分配', selected: false },
      { value: 'all', label: '全部', selected: false },
    ]);
    expect(tabs.states.map((t) => [t.label, t.selected])).toEqual([
      ['待处理 3', false],
      ['处理中 1', true],
      ['已解决 99+', false],
    ]);
    const english = deskTabs(en, { state: 'open', owner: 'all' }, undefined);
    expect(english.states.every((t) => !/[\u4e00-\u9fff]/.test(t.label))).toBe(true);
  });

  it('lists the colleagues to transfer to, without oneself, away ones marked', () => {
    const staff = [
      member('wang', '王老师', 'active'),
      member('li', '李老师', 'away'),
      member('zhao', '赵老师', 'active'),
    ];
    expect(colleagueRows(zh, staff, 'wang')).toEqual([
      { userId: 'li', label: '李老师（暂离）' },
      { userId: 'zhao', label: '赵老师' },
    ]);
  });

  it('reads the desk state the inbox passed, and nothing else', () => {
    expect(
      deskInfoFromQuery({
        desk: 'claimed',
        owner: 'wang',
        ownerName: encodeURIComponent('王老师'),
      }),
    ).toEqual({
      state: 'claimed',
      ownerId: 'wang',
      ownerName: '王老师',
    });
    expect(deskInfoFromQuery({ desk: 'open' })).toEqual({ state: 'open' });
    expect(deskInfoFromQuery({ desk: 'closed' })).toBeUndefined();
    expect(deskInfoFromQuery({})).toBeUndefined();
  });

  it('sends only the fields that changed', () => {
    const data = {
      deskStatus: '待处理 · 未分配',
      deskActions: [{ action: 'claim', label: '接待' }],
      deskBusy: false,
    };
    expect(
      changedFields(data, {
        deskStatus: '待处理 · 未分配',
        deskActions: [{ action: 'claim', label: '接待' }],
        deskBusy: true,
      }),
    ).toEqual({ deskBusy: true });
    expect(changedFields(data, { ...data })).toEqual({});
  });
});
