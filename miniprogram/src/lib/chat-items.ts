/**
 * Turns a conversation view of the chat core into the rows the chat page renders: stored
 * messages in seq order, then the user's own pending ones, each with sender, time and state.
 */
import type { ConversationView } from '../core';
import { formatTime } from '../core';

export interface ChatItem {
  /** Stable key for wx:for. */
  readonly key: string;
  readonly seq: number;
  readonly mine: boolean;
  readonly senderName: string;
  readonly time: string;
  /** Rendered with <text>: never parsed as markup. */
  readonly text: string;
  /** `sent` | `sending` | `failed`, and `read` once another member read it. */
  readonly state: 'sent' | 'sending' | 'failed' | 'read';
  readonly stateLabel: string;
  readonly clientId: string;
  readonly className: string;
}

const LABELS: Record<ChatItem['state'], string> = {
  sent: 'Sent',
  sending: 'Sending…',
  failed: 'Not sent · tap to retry',
  read: 'Read',
};

function row(fields: Omit<ChatItem, 'stateLabel' | 'className'>): ChatItem {
  return {
    ...fields,
    stateLabel: fields.mine ? LABELS[fields.state] : '',
    className: `message ${fields.mine ? 'mine' : 'theirs'} ${fields.state}`,
  };
}

export function chatItems(
  view: ConversationView,
  me: string,
  myName: string,
  now: number,
): ChatItem[] {
  let readByOthers = 0;
  for (const [userId, seq] of view.readers)
    if (userId !== me && seq > readByOthers) readByOthers = seq;
  const stored = view.messages.map((m) =>
    row({
      key: `s${m.seq}`,
      seq: m.seq,
      mine: m.senderId === me,
      senderName: m.senderName,
      time: formatTime(m.sentAt, now),
      text: m.text,
      state: m.senderId === me && m.seq <= readByOthers ? 'read' : 'sent',
      clientId: m.clientId,
    }),
  );
  const pending = view.pending.map((e) =>
    row({
      key: `p${e.clientId}`,
      seq: 0,
      mine: true,
      senderName: myName,
      time: formatTime(new Date(e.createdAt).toISOString(), now),
      text: e.text,
      state: e.state,
      clientId: e.clientId,
    }),
  );
  return [...stored, ...pending];
}
