/**
 * The desk's workflow on the wire (docs/protocol.md "The desk's workflow"): the state and owner of
 * a support conversation (claim, release, transfer, resolve), the inbox filter, and the shared
 * canned replies (常用语). Shared by the server and both clients.
 */
import * as v from 'valibot';
import { MAX_CONVERSATION_ID_LENGTH, MAX_FRAME_ID_LENGTH } from './limits';

/**
 * A support conversation's desk state: `open` (待处理, waiting for the desk, nobody owns it),
 * `claimed` (处理中, a named staff member owns it), `resolved` (已解决). A student's new message
 * reopens a resolved conversation.
 */
export const DESK_STATES = ['open', 'claimed', 'resolved'] as const;
export const DeskState = v.picklist(DESK_STATES);
export type DeskState = v.InferOutput<typeof DeskState>;

/** Whose conversations an inbox page shows: the caller's, nobody's, or everyone's. */
export const DESK_OWNER_FILTERS = ['mine', 'unassigned', 'all'] as const;

/**
 * Counts per state stop at this many (the console shows "99+"): each is one bounded COUNT query
 * of the byDesk index, so a state change costs at most three small reads, never a scan.
 */
export const DESK_COUNT_CAP = 99;

/** Canned replies kept at most (the whole list fits one frame: about 50 × 1 KB). */
export const MAX_CANNED_REPLIES = 50;
/** Longest canned reply text, in code points (after trimming). */
export const MAX_CANNED_REPLY_CHARS = 300;
/** Longest canned reply title (its name in the picker), in code points (after trimming). */
export const MAX_CANNED_TITLE_CHARS = 20;

const frameId = v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_FRAME_ID_LENGTH));
const conversationId = v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_CONVERSATION_ID_LENGTH));
const userId = v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_CONVERSATION_ID_LENGTH));
const replyId = v.pipe(v.string(), v.minLength(1), v.maxLength(64));

/** The `desk` field of a `conversations` frame (admins only): one state, optionally one owner. */
export const DeskFilter = v.object({
  state: DeskState,
  owner: v.optional(v.picklist(DESK_OWNER_FILTERS)),
});

/** Admins: take a conversation (open or resolved) as its owner. Atomic: one of two racers wins. */
export const ClaimFrame = v.object({
  action: v.literal('claim'),
  id: v.optional(frameId),
  conversationId,
});

/** Its owner gives a claimed conversation back to the queue (state `open`). */
export const ReleaseFrame = v.object({
  action: v.literal('release'),
  id: v.optional(frameId),
  conversationId,
});

/** Its owner (or anyone, for an unowned one) hands a conversation to another current admin. */
export const TransferFrame = v.object({
  action: v.literal('transfer'),
  id: v.optional(frameId),
  conversationId,
  to: userId,
});

/** Admins: mark a conversation resolved (the student's next message reopens it). */
export const ResolveFrame = v.object({
  action: v.literal('resolve'),
  id: v.optional(frameId),
  conversationId,
});

/** Admins: the canned replies. */
export const CannedRepliesFrame = v.object({
  action: v.literal('cannedreplies'),
  id: v.optional(frameId),
});

/**
 * Admins: add (no `replyId`) or edit a canned reply. Title and text lengths are checked by the
 * domain (code points after trimming → BAD_REQUEST / TOO_LARGE), the text by content security.
 */
export const SaveCannedReplyFrame = v.object({
  action: v.literal('savecannedreply'),
  id: v.optional(frameId),
  replyId: v.optional(replyId),
  title: v.pipe(v.string(), v.maxLength(MAX_CANNED_TITLE_CHARS * 4)),
  text: v.pipe(v.string(), v.maxLength(MAX_CANNED_REPLY_CHARS * 4)),
});

/** Admins: delete a canned reply. Idempotent. */
export const DeleteCannedReplyFrame = v.object({
  action: v.literal('deletecannedreply'),
  id: v.optional(frameId),
  replyId,
});

/** Conversations per state (each capped at DESK_COUNT_CAP). */
export const DeskCounts = v.object({
  open: v.number(),
  claimed: v.number(),
  resolved: v.number(),
});

/**
 * A conversation's desk state changed (claim, release, transfer, resolve, a student reopening it or
 * writing first). Answers the action and goes to every admin connection; the student gets it too,
 * without `ownerId`, `counts` or who changed it (a student never sees a staff openid).
 */
export const DeskStateFrame = v.object({
  type: v.literal('deskstate'),
  id: v.optional(v.string()),
  conversationId: v.string(),
  state: DeskState,
  /** The owner's display name while claimed ("王老师 正在为你服务"). */
  ownerName: v.optional(v.string()),
  /** Admins only: the owner's user id. */
  ownerId: v.optional(v.string()),
  /** Admins only: ISO 8601 of the student's oldest unanswered message. */
  waitingSince: v.optional(v.string()),
  /** Admins only: what happened and who did it. */
  change: v.optional(v.picklist(['claim', 'release', 'transfer', 'resolve', 'reopen', 'new'])),
  byName: v.optional(v.string()),
  /** Admins only: conversations per state after the change. */
  counts: v.optional(DeskCounts),
  /** ISO 8601. */
  at: v.string(),
});

export const CannedReply = v.object({
  replyId: v.string(),
  title: v.string(),
  text: v.string(),
  /** Display name of who saved it last. */
  updatedByName: v.string(),
  updatedAt: v.string(),
});

/** The whole canned-reply list: answers each canned-reply action and goes to every admin on change. */
export const CannedRepliesListFrame = v.object({
  type: v.literal('cannedreplies'),
  id: v.optional(v.string()),
  replies: v.array(CannedReply),
});

export type DeskFilter = v.InferOutput<typeof DeskFilter>;
export type ClaimFrame = v.InferOutput<typeof ClaimFrame>;
export type ReleaseFrame = v.InferOutput<typeof ReleaseFrame>;
export type TransferFrame = v.InferOutput<typeof TransferFrame>;
export type ResolveFrame = v.InferOutput<typeof ResolveFrame>;
export type CannedRepliesFrame = v.InferOutput<typeof CannedRepliesFrame>;
export type SaveCannedReplyFrame = v.InferOutput<typeof SaveCannedReplyFrame>;
export type DeleteCannedReplyFrame = v.InferOutput<typeof DeleteCannedReplyFrame>;
export type DeskCounts = v.InferOutput<typeof DeskCounts>;
export type DeskStateFrame = v.InferOutput<typeof DeskStateFrame>;
export type CannedReply = v.InferOutput<typeof CannedReply>;
export type CannedRepliesListFrame = v.InferOutput<typeof CannedRepliesListFrame>;
