/**
 * The desk's workflow as the mini-program shows it: who is serving the student ("王老师 正在为你服务",
 * a display name — the server never sends a staff id to a student), the canned replies an
 * admin picks from, and the staff inbox's filter tabs. Pure: unit-testable without WeChat.
 */
import type { CannedReply, DeskCounts, DeskFilterChoice, DeskState, Translator } from '../core';
import { DESK_OWNER_TABS, DESK_STATE_TABS, deskStateTab } from '../core';

/** The line over a student's support conversation; empty unless a staff member has claimed it. */
export function servingText(
  tr: Translator,
  state: DeskState | undefined,
  ownerName: string | undefined,
): string {
  return state === 'claimed' && ownerName ? tr.t('desk.serving', { name: ownerName }) : '';
}

/** A canned reply as a row of the picker (page data: only what the WXML shows). */
export interface CannedRow {
  readonly id: string;
  readonly title: string;
  readonly text: string;
}

export function cannedRows(replies: readonly CannedReply[]): CannedRow[] {
  return replies.map((r) => ({ id: r.replyId, title: r.title, text: r.text }));
}

/** A tab of the staff inbox's filter (the desk-filter component's rows). */
export interface DeskTab {
  readonly value: string;
  readonly label: string;
  readonly selected: boolean;
}

/** The filter's tabs: owners (我的 / 未分配 / 全部) and states with their counts (待处理 3, 99+). */
export function deskTabs(
  tr: Translator,
  filter: DeskFilterChoice,
  counts: DeskCounts | undefined,
): { owners: DeskTab[]; states: DeskTab[] } {
  return {
    owners: DESK_OWNER_TABS.map((owner) => ({
      value: owner,
      label: tr.t(`desk.owner.${owner}`),
      selected: filter.owner === owner,
    })),
    states: DESK_STATE_TABS.map((state) => ({
      value: state,
      label: deskStateTab(tr, state, counts?.[state]),
      selected: filter.state === state,
    })),
  };
}
