/** conversations and rooms: what a user sees in their list, with unread counts. */
import type { ConversationsFrame, RoomsFrame } from '../protocol/client-frames';
import { CONVERSATIONS_DEFAULT_LIMIT } from '../protocol/limits';
import type { ConversationSummary } from '../protocol/server-frames';
import type { ChatContext } from './chat-context';
import { parseConversationId, supportConversationId } from './conversation-ids';
import { forEachConcurrently, reply } from './fan-out';
import type { Caller, Identity } from './identity';
import type { ConversationRecord, MemberRecord } from './ports';
import { emptySupportConversation, summarize } from './summaries';

/** Rooms are few on a campus; the list stops here rather than paging forever. */
const MAX_ROOMS = 1000;

/**
 * A student gets their support conversation and joined rooms; an admin gets a page of the
 * support inbox (newest activity first, with online flags) and, on the first page, every room.
 */
export async function listConversations(
  ctx: ChatContext,
  caller: Caller,
  frame: ConversationsFrame,
): Promise<void> {
  const listed =
    caller.role === 'admin'
      ? await adminInbox(ctx, caller, frame.limit ?? CONVERSATIONS_DEFAULT_LIMIT, frame.cursor)
      : { conversations: await studentConversations(ctx, caller) };
  await reply(ctx, caller.connectionId, {
    type: 'conversations',
    ...(frame.id !== undefined ? { id: frame.id } : {}),
    ...listed,
  });
}

/** Replies with every room and whether the caller joined it. */
export async function listRooms(
  ctx: ChatContext,
  caller: Caller,
  frame: RoomsFrame,
): Promise<void> {
  const rooms = await allRooms(ctx);
  const members = await membersOf(ctx, caller, rooms);
  await reply(ctx, caller.connectionId, {
    type: 'rooms',
    ...(frame.id !== undefined ? { id: frame.id } : {}),
    rooms: rooms.map((room) =>
      summarize(room, members.get(room.conversationId), caller, ctx.config),
    ),
  });
}

async function studentConversations(
  ctx: ChatContext,
  student: Identity,
): Promise<ConversationSummary[]> {
  const supportId = supportConversationId(student.userId);
  const roomIds = (await ctx.conversations.conversationIdsOf(student.userId)).filter(
    (id) => parseConversationId(id)?.kind === 'room',
  );
  const ids = [supportId, ...roomIds];
  const [records, members] = await Promise.all([
    ctx.conversations.getMany(ids),
    ctx.conversations.getMembers(
      ids.map((conversationId) => ({ conversationId, userId: student.userId })),
    ),
  ]);
  const byId = new Map(records.map((r) => [r.conversationId, r]));
  if (!byId.has(supportId)) byId.set(supportId, emptySupportConversation(student, ctx.now()));
  const memberOf = new Map(members.map((m) => [m.conversationId, m]));
  return sortByActivity([...byId.values()]).map((c) =>
    summarize(c, memberOf.get(c.conversationId), student, ctx.config),
  );
}

async function adminInbox(
  ctx: ChatContext,
  admin: Identity,
  limit: number,
  cursor: string | undefined,
): Promise<{ conversations: ConversationSummary[]; cursor?: string }> {
  const [page, rooms] = await Promise.all([
    ctx.conversations.listByKind('support', limit, cursor),
    cursor === undefined ? allRooms(ctx) : Promise.resolve([]),
  ]);
  const [members, students, online] = await Promise.all([
    membersOf(ctx, admin, [...page.items, ...rooms]),
    studentMembers(ctx, page.items),
    onlineStudents(ctx, page.items),
  ]);
  const support = page.items.map((c, i) => {
    const student = students.get(c.conversationId);
    return summarize(c, members.get(c.conversationId), admin, ctx.config, {
      online: online[i] === true,
      ...(student ? { student } : {}),
    });
  });
  const roomSummaries = rooms.map((r) =>
    summarize(r, members.get(r.conversationId), admin, ctx.config),
  );
  return {
    conversations: [...support, ...roomSummaries],
    ...(page.cursor !== undefined ? { cursor: page.cursor } : {}),
  };
}

/**
 * Whether each support conversation has a connected student (one Query each), with as many in
 * flight as a fan-out allows: an inbox page holds up to 200 conversations.
 */
async function onlineStudents(
  ctx: ChatContext,
  conversations: readonly ConversationRecord[],
): Promise<boolean[]> {
  const online: boolean[] = [];
  await forEachConcurrently(
    conversations.map((c, i) => ({ id: c.conversationId, i })),
    ctx.config.fanOutConcurrency,
    async ({ id, i }) => {
      online[i] = await ctx.connections.hasSubscribers(id);
    },
  );
  return online;
}

async function allRooms(ctx: ChatContext): Promise<ConversationRecord[]> {
  const rooms: ConversationRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await ctx.conversations.listByKind('room', 200, cursor);
    rooms.push(...page.items);
    cursor = page.cursor;
  } while (cursor !== undefined && rooms.length < MAX_ROOMS);
  return rooms;
}

async function membersOf(
  ctx: ChatContext,
  viewer: Identity,
  conversations: readonly ConversationRecord[],
): Promise<Map<string, MemberRecord>> {
  const members = await ctx.conversations.getMembers(
    conversations.map((c) => ({ conversationId: c.conversationId, userId: viewer.userId })),
  );
  return new Map(members.map((m) => [m.conversationId, m]));
}

/** The students' own member items of support conversations (their read positions). */
async function studentMembers(
  ctx: ChatContext,
  conversations: readonly ConversationRecord[],
): Promise<Map<string, MemberRecord>> {
  const keys = conversations.flatMap((c) =>
    c.studentId !== undefined ? [{ conversationId: c.conversationId, userId: c.studentId }] : [],
  );
  const members = await ctx.conversations.getMembers(keys);
  return new Map(members.map((m) => [m.conversationId, m]));
}

function sortByActivity(conversations: ConversationRecord[]): ConversationRecord[] {
  return conversations.sort((a, b) => b.lastActivityAt - a.lastActivityAt);
}
