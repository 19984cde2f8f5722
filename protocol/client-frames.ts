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
  ROOMS_MAX_LIMIT,
  SYNC_MAX_LIMIT,
} from './limits';
import { ImageAttachmentInput, ImageUrlsRequestFrame, UploadFrame } from './images';

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
});

export const SendMessageFrame = v.object({
  action: v.literal('sendmessage'),
  id: frameId,
  conversationId,
  // Length and emptiness are checked by the domain so they map to TOO_LARGE / BAD_REQUEST.
  text: v.string(),
  /** An uploaded image (protocol/images.ts); with one, `text` is its caption and may be empty. */
  image: v.optional(ImageAttachmentInput),
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
  | UploadFrame
  | ImageUrlsRequestFrame;

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
  upload: UploadFrame,
  imageurls: ImageUrlsRequestFrame,
} as const;

export type ClientAction = keyof typeof CLIENT_FRAMES;
