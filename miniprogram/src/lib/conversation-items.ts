/** Rows of the conversations and rooms pages, from conversation summaries. */
import type { ConversationSummary } from '../core';
import { badgeText, formatTime, previewText } from '../core';

export interface ConversationItem {
  readonly id: string;
  readonly kind: 'support' | 'room';
  readonly title: string;
  readonly preview: string;
  readonly time: string;
  readonly unread: number;
  readonly badge: string;
  readonly online: boolean;
  readonly lastActivityAt: string;
  /** The newest seq the list has seen: history loaded later (older seqs) changes nothing. */
  readonly lastSeq: number;
  readonly memberCount: number;
  readonly joined: boolean;
}

export function conversationItem(summary: ConversationSummary, now: number): ConversationItem {
  const last = summary.lastMessage;
  return {
    id: summary.id,
    kind: summary.kind,
    title: summary.title,
    preview: last ? previewText(last) : '',
    time: last ? formatTime(last.sentAt, now) : '',
    unread: summary.unread,
    badge: badgeText(summary.unread),
    online: summary.online === true,
    lastActivityAt: summary.lastActivityAt,
    lastSeq: summary.lastSeq,
    memberCount: summary.memberCount ?? 0,
    joined: summary.joined === true,
  };
}

/** Newest activity first (the admin inbox order). */
export function byLatest(items: readonly ConversationItem[]): ConversationItem[] {
  return [...items].sort((a, b) =>
    a.lastActivityAt < b.lastActivityAt ? 1 : a.lastActivityAt > b.lastActivityAt ? -1 : 0,
  );
}
