/** Rows of the conversations and rooms pages, from conversation summaries. */
import type { ConversationSummary } from '../core';
import { badgeText, formatTime } from '../core';

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
  readonly memberCount: number;
  readonly joined: boolean;
}

export function conversationItem(summary: ConversationSummary, now: number): ConversationItem {
  const last = summary.lastMessage;
  return {
    id: summary.id,
    kind: summary.kind,
    title: summary.title,
    preview: last ? `${last.senderName}: ${last.text}` : '',
    time: last ? formatTime(last.sentAt, now) : '',
    unread: summary.unread,
    badge: badgeText(summary.unread),
    online: summary.online === true,
    lastActivityAt: summary.lastActivityAt,
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
