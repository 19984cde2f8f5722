/**
 * The desk's automatic reply (issue 15): a student who writes in their support conversation
 * while no admin has the desk open gets one desk message stating the service hours and whether
 * the desk is closed or only away. The notifier (notify.ts) decides when; this file stores and
 * delivers it as a real message: the next seq of the conversation, stored by the same one
 * transaction as every send (ports.ts MessageStore.append, with an idempotency key derived from
 * the student's message, so a redelivered stream record finds it stored and never stores a second
 * one), then fanned out to the conversation's connections like any message (fan-out.ts).
 *
 * It is `kind: 'auto'`: the stream's filters (functions/event-sources.ts) and the notifier leave
 * it alone, so it never notifies the student or the desk, and clients never count it as read by
 * the desk.
 */
import { PREVIEW_CHARS } from '../../protocol/limits';
import type { AutoReply, DeskHoursRule } from '../../protocol/desk-hours';
import { withinDeskHours } from '../../protocol/desk-hours';
import type { ChatMessage } from '../../protocol/server-frames';
import type { ChatContext } from './chat-context';
import { deliveryTopics, parseConversationId } from './conversation-ids';
import { InternalError } from './errors';
import { deliver, describe, encodeFrame, recipientsOf } from './fan-out';
import { truncateCodePoints } from './text';

/** The sender id of automatic desk messages: no openid looks like it, so no person can be it. */
export const AUTO_SENDER_ID = '@desk';

/**
 * Once a conversation got an automatic reply, the next comes only after an admin has answered
 * there (notify.ts resets it) or after this long: one reply per offline period, and a student who
 * keeps writing overnight is told once, not once per message.
 */
export const AUTO_REPLY_REPEAT_MS = 12 * 3600 * 1000;

/** Rounds of the seq race (the student writing again meanwhile) before the record is retried. */
const MAX_APPEND_ROUNDS = 5;

export interface AutoReplyDeps {
  /** The chat's stores and an @connections sender (the notifier's own). */
  readonly chat: ChatContext;
  readonly hours: readonly DeskHoursRule[];
  /** The campus time zone the hours are in. */
  readonly timeZone: string;
  /** The sender name of the reply. */
  readonly deskTitle: string;
  /** The Chinese words of the reply (client/auto-reply-text.ts), kept as its `text`. */
  readonly render: (auto: AutoReply) => string;
}

/** The student message an automatic reply answers. */
export interface AutoReplyTrigger {
  readonly id: string;
  readonly conversationId: string;
  readonly seq: number;
}

/**
 * Stores the automatic reply to `trigger` and delivers it; `duplicate` when an earlier delivery
 * of the same record stored it already (it is not delivered again: the client has it, or gets it
 * with its next sync); `answered` when no student message waits any more (the desk answered
 * before the record was handled). Throws when it could not be stored (the record is retried).
 */
export async function postAutoReply(
  deps: AutoReplyDeps,
  trigger: AutoReplyTrigger,
  now: number,
): Promise<'stored' | 'duplicate' | 'answered'> {
  const { chat } = deps;
  const target = parseConversationId(trigger.conversationId);
  if (target?.kind !== 'support') throw new InternalError('automatic replies are for support');
  const auto: AutoReply = {
    reason: 'deskAway',
    withinHours: withinDeskHours(deps.hours, new Date(now), deps.timeZone),
    hours: [...deps.hours],
  };
  const text = deps.render(auto);
  const clientId = `auto-${trigger.id}`;
  for (let round = 1; round <= MAX_APPEND_ROUNDS; round++) {
    const loaded = await chat.messages.loadSendContext(target.id, AUTO_SENDER_ID, clientId);
    if (loaded.previous) return 'duplicate';
    const lastSeq = loaded.conversation?.lastSeq;
    // The student's message created the conversation; without it there is nothing to answer.
    if (lastSeq === undefined) throw new InternalError('support conversation not found');
    // Handled late (a retried or backed-up stream record): the desk may have answered since, and
    // "nobody is at the desk" would then be false. A staff reply clears waitingSince.
    if (loaded.conversation?.waitingSince === undefined) return 'answered';
    const message: ChatMessage = {
      id: chat.newId(),
      clientId,
      conversationId: target.id,
      seq: lastSeq + 1,
      senderId: AUTO_SENDER_ID,
      senderName: deps.deskTitle,
      senderRole: 'admin',
      text,
      sentAt: new Date(now).toISOString(),
      kind: 'auto',
      auto,
    };
    const result = await chat.messages.append({
      message,
      expectedLastSeq: lastSeq,
      requireMembership: false,
      preview: {
        seq: message.seq,
        senderId: message.senderId,
        senderName: message.senderName,
        senderRole: message.senderRole,
        text: truncateCodePoints(text, PREVIEW_CHARS),
        sentAt: message.sentAt,
      },
      // Per conversation, so a busy evening of students never fills one shared window.
      rateLimit: {
        key: `auto#${target.id}`,
        limit: 10,
        expiresAt: Math.ceil(now / 1000) + 3600,
      },
    });
    if (result.outcome === 'stored') {
      await deliverStored(chat, message, deliveryTopics(target));
      return 'stored';
    }
    if (result.outcome === 'rateLimited' || result.outcome === 'notMember') {
      throw new InternalError(`automatic reply refused: ${result.outcome}`);
    }
    // conflict (the student wrote again) or duplicate (a concurrent delivery): read again.
  }
  throw new InternalError('automatic reply lost the seq race; the record is retried');
}

async function deliverStored(
  chat: ChatContext,
  message: ChatMessage,
  topics: readonly string[],
): Promise<void> {
  try {
    const recipients = await recipientsOf(chat, topics);
    await deliver(chat, recipients, encodeFrame({ type: 'message', message }));
  } catch (error) {
    // Stored: the student gets it with the next sync. A retry would find it stored anyway.
    chat.log.warn('automatic reply stored but not delivered', {
      conversationId: message.conversationId,
      error: describe(error),
    });
  }
}
