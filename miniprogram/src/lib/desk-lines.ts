/**
 * The desk's workflow as the mini-program shows it: who is serving the student ("王老师 正在为你服务",
 * a display name — the server never sends a staff id to a student), and the canned replies an
 * admin picks from. Pure: unit-testable without WeChat.
 */
import type { CannedReply, DeskState, Translator } from '../core';

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
