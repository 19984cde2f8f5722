/** Rows of the conversations and rooms pages, from conversation summaries. */
import type { ConversationSummary, DeskState, Translator } from '../core';
import { badgeText, deskLine, formatRecency, membersText, previewText } from '../core';

export interface ConversationItem {
  readonly id: string;
  readonly kind: 'support' | 'room';
  readonly title: string;
  readonly preview: string;
  /** Recency: 刚刚 / 5分钟前 / 今天 14:05 / 昨天 / 3月5日. */
  readonly time: string;
  readonly unread: number;
  readonly badge: string;
  readonly online: boolean;
  readonly lastActivityAt: string;
  /** The newest seq the list has seen: history loaded later (older seqs) changes nothing. */
  readonly lastSeq: number;
  readonly memberCount: number;
  /** "3 位成员" / "3 members". */
  readonly members: string;
  readonly joined: boolean;
  /**
   * Support conversations in a staff inbox: the desk state, owner and waiting-since as the
   * server sent them ('' for none: setData does not take undefined), and their line
   * "处理中 · 王老师 · 已等待 5 分钟".
   */
  readonly deskState: DeskState | '';
  readonly ownerId: string;
  readonly ownerName: string;
  readonly waitingSince: string;
  readonly deskLine: string;
}

/** The desk fields of an item as the shared core takes them (absent rather than ''). */
export function deskFields(item: ConversationItem): {
  deskState?: DeskState;
  ownerId?: string;
  ownerName?: string;
  waitingSince?: string;
} {
  return {
    ...(item.deskState !== '' ? { deskState: item.deskState } : {}),
    ...(item.ownerId !== '' ? { ownerId: item.ownerId } : {}),
    ...(item.ownerName !== '' ? { ownerName: item.ownerName } : {}),
    ...(item.waitingSince !== '' ? { waitingSince: item.waitingSince } : {}),
  };
}

/** The item with its desk line written again (after a change, or as time passes). */
export function withDeskLine(
  tr: Translator,
  item: ConversationItem,
  me: string | undefined,
  now: number,
): ConversationItem {
  return { ...item, deskLine: deskLine(tr, deskFields(item), me, now) };
}

export function conversationItem(
  tr: Translator,
  summary: ConversationSummary,
  now: number,
  /** Staff: the user's id, for "我正在处理" (without it the item has no desk line). */
  me?: string,
): ConversationItem {
  const last = summary.lastMessage;
  const memberCount = summary.memberCount ?? 0;
  const item: ConversationItem = {
    id: summary.id,
    kind: summary.kind,
    title: summary.title,
    preview: last ? previewText(tr, last) : '',
    time: last ? formatRecency(tr, last.sentAt, now) : '',
    unread: summary.unread,
    badge: badgeText(summary.unread),
    online: summary.online === true,
    lastActivityAt: summary.lastActivityAt,
    lastSeq: summary.lastSeq,
    memberCount,
    members: membersText(tr, memberCount),
    joined: summary.joined === true,
    deskState: summary.deskState ?? '',
    ownerId: summary.ownerId ?? '',
    ownerName: summary.ownerName ?? '',
    waitingSince: summary.waitingSince ?? '',
    deskLine: '',
  };
  return me === undefined || summary.kind !== 'support' ? item : withDeskLine(tr, item, me, now);
}

/** Newest activity first (the admin inbox order). */
export function byLatest(items: readonly ConversationItem[]): ConversationItem[] {
  return [...items].sort((a, b) =>
    a.lastActivityAt < b.lastActivityAt ? 1 : a.lastActivityAt > b.lastActivityAt ? -1 : 0,
  );
}
