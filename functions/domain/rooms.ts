/** createroom, join, leave: group rooms anyone may join, opened by admins. */
import type { CreateRoomFrame, JoinFrame, LeaveFrame } from '../../protocol/client-frames';
import type { PresenceFrame } from '../../protocol/server-frames';
import { requireConversationId } from './access';
import { admitContent } from './content-check';
import { type ChatContext, connectionExpiry } from './chat-context';
import { roomConversationId } from './conversation-ids';
import { ForbiddenError, NotFoundError } from './errors';
import { deliver, encodeFrame, reply } from './fan-out';
import type { Caller, Identity } from './identity';
import type { ConversationRecord, UserLiveState } from './ports';
import { summarize } from './summaries';
import type { TokenBuckets } from './token-bucket';
import { validateRoomTitle } from './text';

/** Admins only: creates a room with the caller as its first member. */
export async function createRoom(
  ctx: ChatContext,
  caller: Caller,
  frame: CreateRoomFrame,
): Promise<void> {
  if (caller.role !== 'admin') throw new ForbiddenError('only admins can create rooms');
  const title = validateRoomTitle(frame.title);
  await admitContent(ctx, title, 'roomTitle', caller, 'everyone');
  const now = ctx.now();
  const room: ConversationRecord = {
    conversationId: roomConversationId(ctx.newId()),
    kind: 'room',
    title,
    lastSeq: 0,
    lastActivityAt: now,
    createdAt: now,
    memberCount: 1,
    createdBy: caller.userId,
  };
  const member = {
    conversationId: room.conversationId,
    userId: caller.userId,
    readSeq: 0,
    joinedAt: now,
  };
  await ctx.conversations.createRoom(room, member);
  const live = await ctx.users.addRoom(caller.userId, room.conversationId);
  await subscribeUser(ctx, caller, room.conversationId, live);
  await reply(ctx, caller.connectionId, {
    type: 'room',
    ...(frame.id !== undefined ? { id: frame.id } : {}),
    conversation: summarize(room, member, caller, ctx.config),
  });
}

/**
 * Joins a room (idempotent); members get a presence notice with the new online count, unless the
 * caller's join/leave notices for this room are over `presence` (membership changes regardless).
 */
export async function joinRoom(
  ctx: ChatContext,
  caller: Caller,
  frame: JoinFrame,
  presence: TokenBuckets,
): Promise<void> {
  const room = await requireRoom(ctx, frame.conversationId, 'joined');
  // A newcomer starts at the current end, not with the whole history unread.
  const member = {
    conversationId: room.conversationId,
    userId: caller.userId,
    readSeq: room.lastSeq,
    joinedAt: ctx.now(),
  };
  const outcome = await ctx.conversations.join(room.conversationId, member);
  if (outcome === 'noSuchRoom') throw new NotFoundError(`no conversation ${room.conversationId}`);
  // After the membership, one atomic write-and-read of the user's item (see session.ts).
  const live = await ctx.users.addRoom(caller.userId, room.conversationId);
  await subscribeUser(ctx, caller, room.conversationId, live);
  const { conversation, member: stored } = await ctx.conversations.getWithMember(
    room.conversationId,
    caller.userId,
  );
  const audience = await audienceOf(ctx, room.conversationId);
  await reply(ctx, caller.connectionId, {
    type: 'joined',
    ...(frame.id !== undefined ? { id: frame.id } : {}),
    conversation: summarize(conversation ?? room, stored ?? member, caller, ctx.config),
    online: audience.online,
  });
  if (outcome === 'joined' && mayAnnounce(ctx, caller, room.conversationId, presence)) {
    await announce(ctx, caller, room.conversationId, 'joined', audience);
  }
}

/** Leaves a room (idempotent); the caller's connections stop receiving it. See joinRoom. */
export async function leaveRoom(
  ctx: ChatContext,
  caller: Caller,
  frame: LeaveFrame,
  presence: TokenBuckets,
): Promise<void> {
  const room = await requireRoom(ctx, frame.conversationId, 'left');
  const outcome = await ctx.conversations.leave(room.conversationId, caller.userId);
  const live = await ctx.users.removeRoom(caller.userId, room.conversationId);
  const connections = await connectionsOfCaller(ctx, caller, live);
  await ctx.connections.unsubscribe(
    connections.map((connectionId) => ({ topic: room.conversationId, connectionId })),
  );
  await reply(ctx, caller.connectionId, {
    type: 'left',
    ...(frame.id !== undefined ? { id: frame.id } : {}),
    conversationId: room.conversationId,
  });
  if (outcome === 'left' && mayAnnounce(ctx, caller, room.conversationId, presence)) {
    await announce(
      ctx,
      caller,
      room.conversationId,
      'left',
      await audienceOf(ctx, room.conversationId),
    );
  }
}

/** Whether another join/leave notice of this user in this room is within the limit. */
function mayAnnounce(
  ctx: ChatContext,
  caller: Caller,
  conversationId: string,
  presence: TokenBuckets,
): boolean {
  return presence.take(`${caller.userId}#${conversationId}`, ctx.now()) === 0;
}

async function requireRoom(
  ctx: ChatContext,
  conversationId: string,
  verb: 'joined' | 'left',
): Promise<ConversationRecord> {
  const target = requireConversationId(conversationId);
  if (target.kind !== 'room') throw new ForbiddenError(`support conversations cannot be ${verb}`);
  const room = await ctx.conversations.get(target.id);
  if (!room) throw new NotFoundError(`no conversation ${target.id}`);
  return room;
}

/**
 * The caller's connection plus the user's other open connections: those on the user's item (read
 * atomically with the room change) and, for connections opened before the item listed them, the
 * connections.byUser index.
 */
async function connectionsOfCaller(
  ctx: ChatContext,
  caller: Caller,
  live: UserLiveState,
): Promise<string[]> {
  const indexed = await ctx.connections.connectionsOf(caller.userId);
  return [...new Set([caller.connectionId, ...live.connections, ...indexed])];
}

async function subscribeUser(
  ctx: ChatContext,
  caller: Caller,
  topic: string,
  live: UserLiveState,
): Promise<void> {
  const connections = await connectionsOfCaller(ctx, caller, live);
  await ctx.connections.subscribe(
    connections.map((connectionId) => ({ topic, connectionId, userId: caller.userId })),
    connectionExpiry(ctx),
  );
}

interface Audience {
  /** Distinct users with an open connection subscribed to the room. */
  readonly online: number;
  readonly connectionIds: readonly string[];
}

/** The room's subscribers, read once for both the online count and the presence notice. */
async function audienceOf(ctx: ChatContext, conversationId: string): Promise<Audience> {
  const subscribers = await ctx.connections.subscribers(conversationId);
  return {
    online: new Set(subscribers.map((s) => s.userId)).size,
    connectionIds: [...new Set(subscribers.map((s) => s.connectionId))],
  };
}

async function announce(
  ctx: ChatContext,
  who: Identity & { connectionId: string },
  conversationId: string,
  event: 'joined' | 'left',
  audience: Audience,
): Promise<void> {
  const frame: PresenceFrame = {
    type: 'presence',
    conversationId,
    userId: who.userId,
    name: who.name,
    event,
    online: audience.online,
  };
  await deliver(
    ctx,
    audience.connectionIds.filter((id) => id !== who.connectionId),
    encodeFrame(frame),
  );
}
