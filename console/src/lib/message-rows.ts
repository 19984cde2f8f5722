/**
 * The rows of the message list from a conversation view of the chat core: stored messages in seq
 * order, then the user's own unacknowledged ones in the order typed, each with its send state.
 * Pure: no DOM, unit-tested on Node.
 */
import {
  codeText,
  type ConversationView,
  type MessageImage,
  type Translator,
} from '../../../client/index';
import type { AutoReply } from '../../../protocol/desk-hours';

export type RowState = 'sent' | 'read' | 'sending' | 'failed';

/**
 * The picture of an image message: its shape (the box is laid out before it loads), and either
 * the stored image (URLs from the server, renewed by ImageUrlCache) or, while it waits in the
 * outbox, the local file's object URL.
 */
export interface RowImage {
  readonly width: number;
  readonly height: number;
  readonly stored?: MessageImage;
  readonly localPath?: string;
}

export interface MessageRow {
  /**
   * Stable across the sending → sent transition (sender + client id), so the row the user saw
   * as "Sending…" is the one that turns "Sent".
   */
  readonly key: string;
  /** 0 while not stored. */
  readonly seq: number;
  readonly mine: boolean;
  readonly senderName: string;
  /** ISO 8601. */
  readonly sentAt: string;
  /** Shown as text, never parsed as markup. */
  readonly text: string;
  /** Own messages: sending / sent / read (another member read it) / failed (refused). */
  readonly state: RowState;
  readonly clientId: string;
  /** Why a failed message was refused (the server's error code). */
  readonly error?: string;
  /** CONTENT_REJECTED: what content security found. */
  readonly errorLabel?: string;
  /** A tombstone: who took it down (its `text` is empty; show messageText's words). */
  readonly recalled?: 'sender' | 'admin';
  /** An image message (never on a tombstone: its picture is gone). `text` is the caption. */
  readonly image?: RowImage;
  /** The desk's automatic reply (show messageText's words and the "自动回复" label). */
  readonly auto?: AutoReply;
}

export function messageRows(view: ConversationView, me: string, myName: string): MessageRow[] {
  // The server's peer position (survives a reload) or a later live notice.
  let readByOthers = view.peerReadSeq;
  for (const [userId, seq] of view.readers) {
    if (userId !== me && seq > readByOthers) readByOthers = seq;
  }
  const stored = view.messages.map((m): MessageRow => ({
    key: `${m.senderId}/${m.clientId}`,
    seq: m.seq,
    mine: m.senderId === me,
    senderName: m.senderName,
    sentAt: m.sentAt,
    text: m.text,
    state: m.senderId === me && m.seq <= readByOthers ? 'read' : 'sent',
    clientId: m.clientId,
    ...(m.recalled !== undefined ? { recalled: m.recalled } : {}),
    ...(m.image && m.recalled === undefined
      ? { image: { width: m.image.width, height: m.image.height, stored: m.image } }
      : {}),
    ...(m.kind === 'auto' && m.auto ? { auto: m.auto } : {}),
  }));
  const storedIds = new Set(view.messages.filter((m) => m.senderId === me).map((m) => m.clientId));
  // An entry is removed from the outbox as its message is stored; never show both.
  const pending = view.pending
    .filter((e) => !storedIds.has(e.clientId))
    .map((e): MessageRow => ({
      key: `${me}/${e.clientId}`,
      seq: 0,
      mine: true,
      senderName: myName,
      sentAt: new Date(e.createdAt).toISOString(),
      text: e.text,
      state: e.state,
      clientId: e.clientId,
      ...(e.error ? { error: e.error.code } : {}),
      ...(e.error?.label ? { errorLabel: e.error.label } : {}),
      ...(e.image
        ? {
            image: {
              width: e.image.width,
              height: e.image.height,
              localPath: e.image.localPath,
            },
          }
        : {}),
    }));
  return [...stored, ...pending];
}

/** The status line of an own message (a refusal in words, from its code). */
export function stateLabel(tr: Translator, row: MessageRow): string {
  switch (row.state) {
    case 'sending':
      return tr.t('state.sending');
    case 'failed':
      return row.error
        ? tr.t('state.failedBecause', { reason: codeText(tr, row.error, row.errorLabel) })
        : tr.t('state.failed');
    case 'read':
      return tr.t('state.read');
    default:
      return tr.t('state.sent');
  }
}
