/**
 * Schemas of the frames a client sends, one per action (protocol v1, see docs/protocol.md).
 * Shared by the server handlers and the clients. Unknown keys are stripped on parse: a frame that
 * claims `senderId` or `role` changes nothing, identity comes from the connection.
 */
import * as v from 'valibot';
import {
  CONVERSATIONS_MAX_LIMIT,
  MAX_CONVERSATION_ID_LENGTH,
  MAX_CURSOR_LENGTH,
  MAX_FRAME_ID_LENGTH,
  MAX_MODERATION_REASON_CHARS,
  REPORT_REASONS,
  REPORTS_MAX_LIMIT,
  ROOMS_MAX_LIMIT,
  SYNC_MAX_LIMIT,
} from './limits';
import {
  WebLoginAnswerFrame,
  WebLoginViewFrame,
  WebSessionsFrame,
  WebSignOutFrame,
} from './web-login';
import { ImageAttachmentInput, ImageUrlsRequestFrame, UploadFrame } from './images';
import {
  CannedRepliesFrame,
  ClaimFrame,
  DeleteCannedReplyFrame,
  DeskFilter,
  ReleaseFrame,
  ResolveFrame,
  SaveCannedReplyFrame,
  TransferFrame,
} from './desk';
import { SearchFrame } from './search';
import { SetAwayFrame, SetStaffFrame, StaffAuditFrame, StaffFrame } from './staff';
import { AcceptInviteFrame, CreateInviteFrame, ViewInviteFrame } from './staff-invites';

const frameId = v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_FRAME_ID_LENGTH));
const conversationId = v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_CONVERSATION_ID_LENGTH));
const seq = v.pipe(v.number(), v.safeInteger(), v.minValue(0));

export const ConversationsFrame = v.object({
  action: v.literal('conversations'),
  id: v.optional(frameId),
  limit: v.optional(
    v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(CONVERSATIONS_MAX_LIMIT)),
  ),
  cursor: v.optional(v.pipe(v.string(), v.maxLength(MAX_CURSOR_LENGTH))),
  /** Admins: only support conversations of one desk state (and owner), longest waiting first. */
  desk: v.optional(DeskFilter),
});

export const SendMessageFrame = v.object({
  action: v.literal('sendmessage'),
  id: frameId,
  conversationId,
  // Length and emptiness are checked by the domain so they map to TOO_LARGE / BAD_REQUEST.
  text: v.string(),
  /** An uploaded image (protocol/images.ts); with one, `text` is its caption and may be empty. */
  image: v.optional(ImageAttachmentInput),
  /**
   * True when this `id` may have gone out before (every try after the first, and a message left
   * in the outbox by an earlier run): the server then looks the id up before it takes a seq, so a
   * resend of a stored message costs nothing new. A hint only; the id is the idempotency key
   * either way (docs/protocol.md "sendmessage").
   */
  resend: v.optional(v.boolean()),
});

export const SyncFrame = v.object({
  action: v.literal('sync'),
  id: v.optional(frameId),
  conversationId,
  after: v.optional(seq),
  before: v.optional(seq),
  limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(SYNC_MAX_LIMIT))),
});

export const TypingFrame = v.object({
  action: v.literal('typing'),
  id: v.optional(frameId),
  conversationId,
  typing: v.boolean(),
});

export const ReadFrame = v.object({
  action: v.literal('read'),
  id: v.optional(frameId),
  conversationId,
  seq,
});

export const CreateRoomFrame = v.object({
  action: v.literal('createroom'),
  id: v.optional(frameId),
  // Length and emptiness are checked by the domain (code points, after trimming).
  title: v.string(),
});

export const JoinFrame = v.object({
  action: v.literal('join'),
  id: v.optional(frameId),
  conversationId,
});

export const LeaveFrame = v.object({
  action: v.literal('leave'),
  id: v.optional(frameId),
  conversationId,
});

export const RoomsFrame = v.object({
  action: v.literal('rooms'),
  id: v.optional(frameId),
  limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(ROOMS_MAX_LIMIT))),
  cursor: v.optional(v.pipe(v.string(), v.maxLength(MAX_CURSOR_LENGTH))),
});

/** Admins only: blocks (or unblocks) a user; blocking closes every open connection of theirs. */
export const BlockFrame = v.object({
  action: v.literal('block'),
  id: v.optional(frameId),
  userId: v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_CONVERSATION_ID_LENGTH)),
  blocked: v.boolean(),
});

export const PingFrame = v.object({ action: v.literal('ping') });

const messageSeq = v.pipe(v.number(), v.safeInteger(), v.minValue(1));

/**
 * The sender takes back their own message within RECALL_WINDOW_SECONDS of sending it. The message
 * keeps its seq and becomes a tombstone (`recalled: 'sender'`) for everyone. Idempotent.
 */
export const RecallFrame = v.object({
  action: v.literal('recall'),
  id: v.optional(frameId),
  conversationId,
  seq: messageSeq,
});

/**
 * Admins only: takes down any message at any time (`recalled: 'admin'`), with a reason the desk
 * keeps in its moderation record. Open reports of the message are closed as `removed`. Idempotent.
 */
export const RemoveFrame = v.object({
  action: v.literal('remove'),
  id: v.optional(frameId),
  conversationId,
  seq: messageSeq,
  reason: v.optional(v.pipe(v.string(), v.maxLength(MAX_MODERATION_REASON_CHARS))),
});

/**
 * A participant reports someone else's message to the desk (举报). One report per reporter and
 * message: reporting again answers with the same report.
 */
export const ReportFrame = v.object({
  action: v.literal('report'),
  id: v.optional(frameId),
  conversationId,
  seq: messageSeq,
  reason: v.picklist(REPORT_REASONS),
});

/** Admins only: a page of open reports, newest first. */
export const ReportsFrame = v.object({
  action: v.literal('reports'),
  id: v.optional(frameId),
  limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(REPORTS_MAX_LIMIT))),
  cursor: v.optional(v.pipe(v.string(), v.maxLength(MAX_CURSOR_LENGTH))),
});

/** Admins only: closes an open report without removing the message. Idempotent. */
export const DismissReportFrame = v.object({
  action: v.literal('dismissreport'),
  id: v.optional(frameId),
  reportId: v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_CURSOR_LENGTH)),
});

/** The subscribe-message templates of this product (docs/protocol.md "Notifications"). */
export const NotifyTemplate = v.picklist(['deskReplied', 'studentWaiting']);

/**
 * A user's subscribe-message standing for one template: with `result`, what
 * `wx.requestSubscribeMessage` answered (an `accept` is one credit); with `off`, the user's
 * switch in the chat; with neither, only the state is asked for. Answered with `subscription`.
 */
export const SubscriptionFrame = v.object({
  action: v.literal('subscription'),
  id: v.optional(frameId),
  template: NotifyTemplate,
  result: v.optional(v.picklist(['accept', 'reject', 'ban'])),
  /** The user ticked "always keep this choice" (wx.getSetting itemSettings lists the template). */
  alwaysKeep: v.optional(v.boolean()),
  off: v.optional(v.boolean()),
});

/**
 * The app went to the background or came back (wx.onAppHide / wx.onAppShow). WeChat suspends a
 * hidden mini-program about 5 s later, and its socket may stay open, unanswered, until the
 * gateway's idle timeout: a background connection does not count as the user being online (the
 * notifier then sends the WeChat notification; the desk counts as away). Not answered.
 */
export const AppStateFrame = v.object({
  action: v.literal('appstate'),
  id: v.optional(frameId),
  state: v.picklist(['background', 'foreground']),
});

export type ConversationsFrame = v.InferOutput<typeof ConversationsFrame>;
export type SendMessageFrame = v.InferOutput<typeof SendMessageFrame>;
export type SyncFrame = v.InferOutput<typeof SyncFrame>;
export type TypingFrame = v.InferOutput<typeof TypingFrame>;
export type ReadFrame = v.InferOutput<typeof ReadFrame>;
export type CreateRoomFrame = v.InferOutput<typeof CreateRoomFrame>;
export type JoinFrame = v.InferOutput<typeof JoinFrame>;
export type LeaveFrame = v.InferOutput<typeof LeaveFrame>;
export type RoomsFrame = v.InferOutput<typeof RoomsFrame>;
export type BlockFrame = v.InferOutput<typeof BlockFrame>;
export type PingFrame = v.InferOutput<typeof PingFrame>;
export type RecallFrame = v.InferOutput<typeof RecallFrame>;
export type RemoveFrame = v.InferOutput<typeof RemoveFrame>;
export type ReportFrame = v.InferOutput<typeof ReportFrame>;
export type ReportsFrame = v.InferOutput<typeof ReportsFrame>;
export type DismissReportFrame = v.InferOutput<typeof DismissReportFrame>;
export type SubscriptionFrame = v.InferOutput<typeof SubscriptionFrame>;
export type NotifyTemplate = v.InferOutput<typeof NotifyTemplate>;
export type AppStateFrame = v.InferOutput<typeof AppStateFrame>;

export type ClientFrame =
  | ConversationsFrame
  | SendMessageFrame
  | SyncFrame
  | TypingFrame
  | ReadFrame
  | CreateRoomFrame
  | JoinFrame
  | LeaveFrame
  | RoomsFrame
  | BlockFrame
  | PingFrame
  | WebLoginViewFrame
  | WebLoginAnswerFrame
  | WebSessionsFrame
  | WebSignOutFrame
  | RecallFrame
  | RemoveFrame
  | ReportFrame
  | ReportsFrame
  | DismissReportFrame
  | SubscriptionFrame
  | UploadFrame
  | ImageUrlsRequestFrame
  | AppStateFrame
  | ClaimFrame
  | ReleaseFrame
  | TransferFrame
  | ResolveFrame
  | CannedRepliesFrame
  | SaveCannedReplyFrame
  | DeleteCannedReplyFrame
  | SearchFrame
  | StaffFrame
  | SetStaffFrame
  | SetAwayFrame
  | StaffAuditFrame
  | CreateInviteFrame
  | ViewInviteFrame
  | AcceptInviteFrame;

/** Every client action, each with its schema. */
export const CLIENT_FRAMES = {
  conversations: ConversationsFrame,
  sendmessage: SendMessageFrame,
  sync: SyncFrame,
  typing: TypingFrame,
  read: ReadFrame,
  createroom: CreateRoomFrame,
  join: JoinFrame,
  leave: LeaveFrame,
  rooms: RoomsFrame,
  block: BlockFrame,
  ping: PingFrame,
  webloginview: WebLoginViewFrame,
  webloginanswer: WebLoginAnswerFrame,
  websessions: WebSessionsFrame,
  websignout: WebSignOutFrame,
  recall: RecallFrame,
  remove: RemoveFrame,
  report: ReportFrame,
  reports: ReportsFrame,
  dismissreport: DismissReportFrame,
  subscription: SubscriptionFrame,
  upload: UploadFrame,
  imageurls: ImageUrlsRequestFrame,
  appstate: AppStateFrame,
  claim: ClaimFrame,
  release: ReleaseFrame,
  transfer: TransferFrame,
  resolve: ResolveFrame,
  cannedreplies: CannedRepliesFrame,
  savecannedreply: SaveCannedReplyFrame,
  deletecannedreply: DeleteCannedReplyFrame,
  search: SearchFrame,
  staff: StaffFrame,
  setstaff: SetStaffFrame,
  setaway: SetAwayFrame,
  staffaudit: StaffAuditFrame,
  createinvite: CreateInviteFrame,
  viewinvite: ViewInviteFrame,
  acceptinvite: AcceptInviteFrame,
} as const;

export type ClientAction = keyof typeof CLIENT_FRAMES;

/** The frame of one action. */
export type ClientFrameOf<A extends ClientAction> = Extract<ClientFrame, { action: A }>;
