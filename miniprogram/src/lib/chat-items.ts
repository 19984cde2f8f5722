/**
 * Turns a conversation view of the chat core into the rows the chat page renders: stored
 * messages in seq order, then the user's own pending ones, each with sender, time and state.
 */
import type { ConversationView, Translator } from '../core';
import { formatTime, messageText } from '../core';

export interface ChatItem {
  /**
   * Stable key for wx:for: own messages by client id, so the row that showed "发送中…" is the
   * one that turns "已发送" (a path update, not a new row); others' by seq.
   */
  readonly key: string;
  readonly seq: number;
  readonly mine: boolean;
  readonly senderName: string;
  readonly time: string;
  /** Rendered with <text>: never parsed as markup. */
  readonly text: string;
  /** `sent` | `sending` | `failed`, and `read` once the other side read it. */
  readonly state: 'sent' | 'sending' | 'failed' | 'read';
  readonly stateLabel: string;
  readonly clientId: string;
  readonly className: string;
  /** A tombstone (recalled or removed): `text` is the catalog's words, offered no actions. */
  readonly recalled: boolean;
  /** The desk's automatic reply: "自动回复" next to the sender ('' for any other message). */
  readonly badge: string;
}

const LABELS = {
  sent: 'state.sent',
  sending: 'state.sending',
  failed: 'state.failedTap',
  read: 'state.read',
} as const;

function row(
  tr: Translator,
  fields: Omit<ChatItem, 'stateLabel' | 'className' | 'recalled' | 'badge'>,
  recalled = false,
  auto = false,
): ChatItem {
  return {
    ...fields,
    stateLabel: fields.mine && !recalled ? tr.t(LABELS[fields.state]) : '',
    className: `message ${fields.mine ? 'mine' : 'theirs'} ${fields.state}${recalled ? ' recalled' : ''}${auto ? ' auto' : ''}`,
    recalled,
    badge: auto ? tr.t('auto.badge') : '',
  };
}

export function chatItems(
  tr: Translator,
  view: ConversationView,
  me: string,
  myName: string,
  now: number,
): ChatItem[] {
  // The server's peer position (survives a reload) or a later live notice.
  let readByOthers = view.peerReadSeq;
  for (const [userId, seq] of view.readers)
    if (userId !== me && seq > readByOthers) readByOthers = seq;
  const stored = view.messages.map((m) =>
    row(
      tr,
      {
        key: m.senderId === me ? `c${m.clientId}` : `s${m.seq}`,
        seq: m.seq,
        mine: m.senderId === me,
        senderName: m.senderName,
        time: formatTime(tr, m.sentAt, now),
        text: messageText(tr, m),
        state: m.senderId === me && m.seq <= readByOthers ? 'read' : 'sent',
        clientId: m.clientId,
      },
      m.recalled !== undefined,
      m.kind === 'auto',
    ),
  );
  const storedIds = new Set(view.messages.filter((m) => m.senderId === me).map((m) => m.clientId));
  // An entry leaves the outbox as its message is stored; never show both.
  const pending = view.pending
    .filter((e) => !storedIds.has(e.clientId))
    .map((e) =>
      row(tr, {
        key: `c${e.clientId}`,
        seq: 0,
        mine: true,
        senderName: myName,
        time: formatTime(tr, new Date(e.createdAt).toISOString(), now),
        text: e.text,
        state: e.state,
        clientId: e.clientId,
      }),
    );
  return [...stored, ...pending];
}
