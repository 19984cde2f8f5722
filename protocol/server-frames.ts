/**
 * Schemas of the frames the server sends (protocol v1, see docs/protocol.md). The server builds
 * frames of these types; clients may parse incoming frames with `ServerFrame` to reject anything
 * that is not the protocol.
 */
import * as v from 'valibot';
import {
  WebLoginAnsweredFrame,
  WebLoginInfoFrame,
  WebSessionsListFrame,
  WebSignedOutFrame,
} from './web-login';
import { ERROR_CODES } from './error-codes';
import { ImageUrlsFrame, MessageImage, UploadSlotFrame } from './images';
import { CONTENT_LABELS } from './content-labels';
import { REPORT_REASONS } from './limits';
import { AutoReply } from './desk-hours';
import { CannedRepliesListFrame, DeskCounts, DeskState, DeskStateFrame } from './desk';
import { SearchResultsFrame } from './search';
import { StaffAuditPageFrame, StaffListFrame } from './staff';
import { InvitedFrame, InviteFrame } from './staff-invites';

export const Role = v.picklist(['student', 'admin']);
export const ConversationKind = v.picklist(['support', 'room']);
/** Who took a message down: its sender (recall, 撤回) or an admin (remove). */
export const RecalledBy = v.picklist(['sender', 'admin']);

export const ChatMessage = v.object({
  /** Server-assigned, globally unique. */
  id: v.string(),
  /** The sender's idempotency key (the `id` of its `sendmessage` frame). */
  clientId: v.string(),
  conversationId: v.string(),
  seq: v.number(),
  senderId: v.string(),
  senderName: v.string(),
  senderRole: Role,
  text: v.string(),
  /** ISO 8601, UTC. */
  sentAt: v.string(),
  /**
   * Present on a tombstone: the message was taken down (its `text` is then empty and gone from
   * the server). It keeps its seq, so there is no gap; clients show "消息已撤回" or "已被管理员删除".
   */
  recalled: v.optional(RecalledBy),
  /** An image message (protocol/images.ts): the image, with download URLs issued for this frame. */
  image: v.optional(MessageImage),
  /**
   * `auto`: written by the server, not by a person — the desk's automatic reply while no admin is
   * online (protocol/desk-hours.ts), with what it says in `auto`. Clients render it from their
   * catalog and never count it as the desk having read or answered.
   *
   * `skipped`: no message — a room's seq whose send failed after the seq was taken (see "Seq
   * numbers" in docs/protocol.md). It arrives only in `history` replies, never live, so that a
   * client's seqs stay gap-free; its text and sender fields are empty. Clients keep it for
   * contiguity and show nothing.
   */
  kind: v.optional(v.picklist(['auto', 'skipped'])),
  auto: v.optional(AutoReply),
});

export const MessagePreview = v.object({
  seq: v.number(),
  senderId: v.string(),
  senderName: v.string(),
  senderRole: Role,
  /** At most PREVIEW_CHARS code points of the text. */
  text: v.string(),
  sentAt: v.string(),
  /** The last message was taken down (text empty), as in ChatMessage. */
  recalled: v.optional(RecalledBy),
  /** The last message is an image (its `text` is the caption, often empty): lists show [图片]. */
  image: v.optional(v.literal(true)),
});

export const ConversationSummary = v.object({
  id: v.string(),
  kind: ConversationKind,
  title: v.string(),
  lastSeq: v.number(),
  readSeq: v.number(),
  unread: v.number(),
  lastMessage: v.nullable(MessagePreview),
  /** ISO 8601 of the last message, or of creation when there is none. */
  lastActivityAt: v.string(),
  /** Support conversations: the student it belongs to. */
  studentId: v.optional(v.string()),
  /** Support conversations seen by an admin: whether the student has an open connection. */
  online: v.optional(v.boolean()),
  /** Rooms: members and whether the viewer is one. */
  memberCount: v.optional(v.number()),
  joined: v.optional(v.boolean()),
  /**
   * Support conversations: how far the other side has read (a student sees the furthest seq any
   * admin has marked read; an admin sees the student's read position). Absent for rooms.
   */
  peerReadSeq: v.optional(v.number()),
  /** Support conversations: the desk state (docs/protocol.md "The desk's workflow"). */
  deskState: v.optional(DeskState),
  /** Support conversations while claimed: the owner's display name (never their id to students). */
  ownerName: v.optional(v.string()),
  /** Support conversations seen by an admin: the owner's user id. */
  ownerId: v.optional(v.string()),
  /** Support conversations seen by an admin: ISO 8601 of the oldest unanswered student message. */
  waitingSince: v.optional(v.string()),
});

export const AckFrame = v.object({ type: v.literal('ack'), id: v.string(), message: ChatMessage });
export const MessageFrame = v.object({ type: v.literal('message'), message: ChatMessage });
export const HistoryFrame = v.object({
  type: v.literal('history'),
  id: v.optional(v.string()),
  conversationId: v.string(),
  messages: v.array(ChatMessage),
  hasMore: v.boolean(),
  /** Support conversations: the other side's read position, as in ConversationSummary. */
  peerReadSeq: v.optional(v.number()),
});
export const ConversationsListFrame = v.object({
  type: v.literal('conversations'),
  id: v.optional(v.string()),
  conversations: v.array(ConversationSummary),
  /** Present when the list continues: pass it back as `cursor` for the next page. */
  cursor: v.optional(v.string()),
  /** With a `desk` filter: conversations per state (each capped at DESK_COUNT_CAP). */
  deskCounts: v.optional(DeskCounts),
});
export const TypingNoticeFrame = v.object({
  type: v.literal('typing'),
  conversationId: v.string(),
  userId: v.string(),
  name: v.string(),
  typing: v.boolean(),
});
export const ReadNoticeFrame = v.object({
  type: v.literal('read'),
  conversationId: v.string(),
  userId: v.string(),
  seq: v.number(),
});
export const PresenceFrame = v.object({
  type: v.literal('presence'),
  conversationId: v.string(),
  userId: v.string(),
  name: v.string(),
  event: v.picklist(['joined', 'left', 'online', 'offline']),
  /** Rooms: members with an open connection after the event. */
  online: v.optional(v.number()),
});
export const JoinedFrame = v.object({
  type: v.literal('joined'),
  id: v.optional(v.string()),
  conversation: ConversationSummary,
  online: v.number(),
});
export const LeftFrame = v.object({
  type: v.literal('left'),
  id: v.optional(v.string()),
  conversationId: v.string(),
});
export const RoomFrame = v.object({
  type: v.literal('room'),
  id: v.optional(v.string()),
  conversation: ConversationSummary,
});
export const RoomsListFrame = v.object({
  type: v.literal('rooms'),
  id: v.optional(v.string()),
  rooms: v.array(ConversationSummary),
  /** Present when more rooms follow: pass it back as `cursor` for the next page. */
  cursor: v.optional(v.string()),
});
export const BlockedFrame = v.object({
  type: v.literal('blocked'),
  id: v.optional(v.string()),
  userId: v.string(),
  blocked: v.boolean(),
  /** Open connections of the user that were closed. */
  closed: v.number(),
});
export const PongFrame = v.object({ type: v.literal('pong') });
/**
 * A message became a tombstone. The reply to `recall` / `remove` (with its `id`), and the notice
 * every other open connection of the conversation's members (and, for support, every admin) gets.
 */
export const RecalledFrame = v.object({
  type: v.literal('recalled'),
  id: v.optional(v.string()),
  conversationId: v.string(),
  seq: v.number(),
  recalled: RecalledBy,
  /** ISO 8601 of when it was taken down. */
  recalledAt: v.string(),
});
export const ReportStatus = v.picklist(['open', 'removed', 'dismissed']);
/** One report as the desk sees it. */
export const MessageReport = v.object({
  reportId: v.string(),
  conversationId: v.string(),
  seq: v.number(),
  reporterId: v.string(),
  reason: v.picklist(REPORT_REASONS),
  /** ISO 8601. */
  reportedAt: v.string(),
  status: ReportStatus,
  senderId: v.string(),
  senderName: v.string(),
  /**
   * The text as it was when reported: kept with the report for the desk to judge even if the
   * sender recalls the message afterwards.
   */
  text: v.string(),
});
/** The reply to `report`. */
export const ReportedFrame = v.object({
  type: v.literal('reported'),
  id: v.optional(v.string()),
  reportId: v.string(),
});
/** The reply to `reports`: open reports, newest first. */
export const ReportsListFrame = v.object({
  type: v.literal('reports'),
  id: v.optional(v.string()),
  reports: v.array(MessageReport),
  /** Present when more follow: pass it back as `cursor`. */
  cursor: v.optional(v.string()),
});
/** The reply to `dismissreport`. */
export const ReportClosedFrame = v.object({
  type: v.literal('reportclosed'),
  id: v.optional(v.string()),
  reportId: v.string(),
  status: ReportStatus,
});

/** A user's subscribe-message standing for one template (the answer to `subscription`). */
export const SubscriptionStateFrame = v.object({
  type: v.literal('subscription'),
  id: v.optional(v.string()),
  template: v.picklist(['deskReplied', 'studentWaiting']),
  /** The WeChat template id to pass to wx.requestSubscribeMessage; empty: notifications are off. */
  templateId: v.string(),
  /** Notifications the server may still send (one-time acceptances not yet spent). */
  credits: v.number(),
  off: v.boolean(),
  alwaysKeep: v.boolean(),
  lastChoice: v.optional(v.picklist(['accept', 'reject', 'ban'])),
});
export const ErrorFrame = v.object({
  type: v.literal('error'),
  id: v.optional(v.string()),
  code: v.picklist(ERROR_CODES),
  message: v.string(),
  /** RATE_LIMITED, UNAVAILABLE: milliseconds until a retry can succeed. */
  retryAfterMs: v.optional(v.number()),
  /** CONTENT_REJECTED: what kind of content it was judged to be (protocol/content-labels.ts). */
  label: v.optional(v.picklist(CONTENT_LABELS)),
  /** CONFLICT on a desk action: the display name of the conversation's owner now. */
  ownerName: v.optional(v.string()),
});
/** What API Gateway itself sends when an integration fails (not a protocol frame, but real). */
export const GatewayErrorFrame = v.object({
  message: v.string(),
  connectionId: v.optional(v.string()),
  requestId: v.optional(v.string()),
});

export const ServerFrame = v.variant('type', [
  AckFrame,
  MessageFrame,
  HistoryFrame,
  ConversationsListFrame,
  TypingNoticeFrame,
  ReadNoticeFrame,
  PresenceFrame,
  JoinedFrame,
  LeftFrame,
  RoomFrame,
  RoomsListFrame,
  BlockedFrame,
  PongFrame,
  ErrorFrame,
  WebLoginInfoFrame,
  WebLoginAnsweredFrame,
  WebSessionsListFrame,
  WebSignedOutFrame,
  RecalledFrame,
  ReportedFrame,
  ReportsListFrame,
  ReportClosedFrame,
  SubscriptionStateFrame,
  UploadSlotFrame,
  ImageUrlsFrame,
  DeskStateFrame,
  CannedRepliesListFrame,
  SearchResultsFrame,
  StaffListFrame,
  StaffAuditPageFrame,
  InviteFrame,
  InvitedFrame,
]);

export type Role = v.InferOutput<typeof Role>;
export type ConversationKind = v.InferOutput<typeof ConversationKind>;
export type ChatMessage = v.InferOutput<typeof ChatMessage>;
export type MessagePreview = v.InferOutput<typeof MessagePreview>;
export type ConversationSummary = v.InferOutput<typeof ConversationSummary>;
export type AckFrame = v.InferOutput<typeof AckFrame>;
export type MessageFrame = v.InferOutput<typeof MessageFrame>;
export type HistoryFrame = v.InferOutput<typeof HistoryFrame>;
export type ConversationsListFrame = v.InferOutput<typeof ConversationsListFrame>;
export type TypingNoticeFrame = v.InferOutput<typeof TypingNoticeFrame>;
export type ReadNoticeFrame = v.InferOutput<typeof ReadNoticeFrame>;
export type PresenceFrame = v.InferOutput<typeof PresenceFrame>;
export type JoinedFrame = v.InferOutput<typeof JoinedFrame>;
export type LeftFrame = v.InferOutput<typeof LeftFrame>;
export type RoomFrame = v.InferOutput<typeof RoomFrame>;
export type RoomsListFrame = v.InferOutput<typeof RoomsListFrame>;
export type BlockedFrame = v.InferOutput<typeof BlockedFrame>;
export type PongFrame = v.InferOutput<typeof PongFrame>;
export type SubscriptionStateFrame = v.InferOutput<typeof SubscriptionStateFrame>;
export type ErrorFrame = v.InferOutput<typeof ErrorFrame>;
export type GatewayErrorFrame = v.InferOutput<typeof GatewayErrorFrame>;
export type ServerFrame = v.InferOutput<typeof ServerFrame>;
export type RecalledBy = v.InferOutput<typeof RecalledBy>;
export type RecalledFrame = v.InferOutput<typeof RecalledFrame>;
export type ReportStatus = v.InferOutput<typeof ReportStatus>;
export type MessageReport = v.InferOutput<typeof MessageReport>;
export type ReportedFrame = v.InferOutput<typeof ReportedFrame>;
export type ReportsListFrame = v.InferOutput<typeof ReportsListFrame>;
export type ReportClosedFrame = v.InferOutput<typeof ReportClosedFrame>;

/**
 * A `skipped` filler as frames carry it (ChatMessage `kind`): the one shape of a room seq whose
 * send failed after taking it, for the server's repair and for client test stand-ins alike.
 */
export function skippedMessage(conversationId: string, seq: number, sentAt: string): ChatMessage {
  return {
    id: `skipped:${seq}`,
    clientId: '',
    conversationId,
    seq,
    senderId: '',
    senderName: '',
    senderRole: 'student',
    text: '',
    sentAt,
    kind: 'skipped',
  };
}
