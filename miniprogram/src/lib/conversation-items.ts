/** Rows of the conversations and rooms pages, from conversation summaries. */
import type { ConversationSummary, Translator } from '../core';
import { badgeText, formatRecency, membersText, previewText } from '../core';

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
}

export function conversationItem(
  tr: Translator,
  summary: ConversationSummary,
  now: number,
): ConversationItem {
  const last = summary.lastMessage;
  const memberCount = summary.memberCount ?? 0;
  return {
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
  };
}

/** Newest activity first (the admin inbox order). */
export function byLatest(items: readonly ConversationItem[]): ConversationItem[] {
  return [...items].sort((a, b) =>
    a.lastActivityAt < b.lastActivityAt ? 1 : a.lastActivityAt > b.lastActivityAt ? -1 : 0,
  );
}
