/**
 * A conversation's last-message preview (the line conversation lists show), one rule for every
 * writer: support sends write it in their transaction (send-message.ts), room sends with the seq
 * they take (room-send.ts), and a seq filled as `skipped` puts back the newest stored message's
 * (seq-holes.ts).
 */
import { PREVIEW_CHARS } from '../../protocol/limits';
import type { ChatMessage } from '../../protocol/server-frames';
import type { MessagePreviewRecord, PendingPreviewRecord } from './ports';
import { truncateCodePoints } from './text';

/** The preview of a message that is yet to be numbered. */
export function pendingPreviewOf(
  message: Pick<
    ChatMessage,
    'senderId' | 'senderName' | 'senderRole' | 'text' | 'sentAt' | 'image' | 'recalled'
  >,
): PendingPreviewRecord {
  return {
    senderId: message.senderId,
    senderName: message.senderName,
    senderRole: message.senderRole,
    text: truncateCodePoints(message.text, PREVIEW_CHARS),
    sentAt: message.sentAt,
    ...(message.image ? { image: true as const } : {}),
    ...(message.recalled ? { recalled: message.recalled } : {}),
  };
}

/** A conversation list's line for `message` (a recalled one keeps who took it down). */
export function previewOf(message: ChatMessage): MessagePreviewRecord {
  return { seq: message.seq, ...pendingPreviewOf(message) };
}
